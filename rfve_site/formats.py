"""French notation of amounts, populations and dates, the one place for it:
"3 000,00 €", "163 684 habitants", "1er janvier 2027". Python code imports
these functions; templates use the `french` filters
(rfve_site/templatetags/french.py: `{% load french %}`).

Thousands are grouped with a narrow no-break space (U+202F), as French
typography wants; a no-break space (U+00A0) joins a figure to its unit, so that
"3 000,00 €" never breaks across lines. CSV files keep plain figures with a
decimal comma (rfve_site/csv_export.py): Excel reads them as numbers."""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils import dateformat
from django.utils.formats import get_format

THOUSANDS = "\u202f"  # espace fine insécable
UNIT = "\u00a0"  # espace insécable, between a figure and its unit
CENT = Decimal("0.01")


def number(value: int | Decimal, *, decimals: int = 0) -> str:
    """163684 → "163 684"; number(Decimal("3000"), decimals=2) → "3 000,00".
    Rounded half up, as amounts are."""
    value = Decimal(value).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return f"{value:,.{decimals}f}".replace(",", THOUSANDS).replace(".", ",")


def euros(amount: int | Decimal) -> str:
    """Decimal("3000") → "3 000,00 €"."""
    return f"{number(amount, decimals=2)}{UNIT}€"


def habitants(population: int) -> str:
    """163684 → "163 684 habitants"; 0 and 1 take the singular in French."""
    word = "habitant" if population in (0, 1) else "habitants"
    return f"{number(population)}{UNIT}{word}"


NUMBERS = {1: "un", 2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 10: "dix"}


def duration(delta: dt.timedelta) -> str:
    """730 days → "deux ans", 14 days → "deux semaines": small numbers in
    words, as French prose writes them; 10 hours → "dix heures", 30 minutes
    → "30 minutes" under a day."""
    days = delta.days
    if not days and delta.seconds % 3600 == 0:
        count, unit = delta.seconds // 3600, "heure"
    elif not days:
        count, unit = delta.seconds // 60, "minute"
    elif days >= 365 and days % 365 == 0:
        count, unit = days // 365, "an"
    elif days >= 7 and days % 7 == 0:
        count, unit = days // 7, "semaine"
    else:
        count, unit = days, "jour"
    word = NUMBERS.get(count, str(count))
    if count > 1:
        unit += "s"
    return f"{word} {unit}"


# An unescaped "j" (day of the month) in a Django date format.
_DAY = re.compile(r"(?<!\\)j")


def date(value: dt.date, format: str = "DATE_FORMAT") -> str:
    """Django's date_format with the first of the month as French writes it:
    "1er janvier 2027" (Django's French "j F Y" says "1 janvier 2027").
    `format` is a format's name ("DATE_FORMAT", "DATETIME_FORMAT") or a
    format ("l j F Y"); an aware datetime is printed as it is (convert it to
    Paris time first)."""
    pattern = get_format(format)
    if value.day == 1:
        pattern = _DAY.sub(r"\\1\\e\\r", pattern)
    return dateformat.format(value, pattern)
