"""French wording of dates and times, and Paris-time boundaries.

Plain functions, no queries: the agenda and the event pages share them."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils.dates import MONTHS, WEEKDAYS

# The network's agenda is in Paris time for every visitor. Converting with this
# zone directly, rather than timezone.localtime(), skips the per-request
# "current time zone" lookup the month view would otherwise do thousands of times.
LOCAL_TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def to_local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(LOCAL_TZ)


def local_midnight(day: dt.date) -> dt.datetime:
    """The aware datetime at 00:00 Paris time on this day (DST-safe)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=LOCAL_TZ)


def french_time(moment: dt.datetime | dt.time) -> str:
    """14 h 30, 9 h 00: the French typographic form."""
    return f"{moment.hour} h {moment.minute:02d}"


def french_day(day: dt.date, *, weekday: bool = True, year: bool = True) -> str:
    """ "mercredi 1er février 2023" (1er as French writes the first of the month)."""
    number = "1er" if day.day == 1 else str(day.day)
    parts = [str(WEEKDAYS[day.weekday()])] if weekday else []
    parts += [number, str(MONTHS[day.month])]
    if year:
        parts.append(str(day.year))
    return " ".join(parts)


def month_name(day: dt.date) -> str:
    """ "février 2023"."""
    return f"{MONTHS[day.month]} {day.year}"


def describe_span(
    start: dt.datetime, end: dt.datetime, *, all_day: bool, last_day: dt.date
) -> str:
    """A natural French description of an event's dates, both in local time."""
    first_day = start.date()
    if all_day:
        if last_day == first_day:
            return f"{french_day(first_day)} (toute la journée)"
        same_year = last_day.year == first_day.year
        same_month = same_year and last_day.month == first_day.month
        if same_month:
            begin = "1er" if first_day.day == 1 else str(first_day.day)
            begin = f"{WEEKDAYS[first_day.weekday()]} {begin}"
        else:
            begin = french_day(first_day, year=not same_year)
        return f"du {begin} au {french_day(last_day)}"
    if end == start:
        return f"{french_day(first_day)}, {french_time(start)}"
    if last_day == first_day:
        return f"{french_day(first_day)}, {french_time(start)} – {french_time(end)}"
    return (
        f"du {french_day(first_day)}, {french_time(start)} "
        f"au {french_day(end.date())}, {french_time(end)}"
    )
