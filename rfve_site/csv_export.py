"""CSV files for French Excel, safe to open: every CSV the site produces goes
through here.

French Excel opens them as is: UTF-8 with a BOM, `;` between cells, CRLF,
decimal comma, dd/mm/yyyy dates. A text cell starting with `=`, `+`, `-`, `@`,
a tab or a carriage return would be run as a formula (`=HYPERLINK(…)`, DDE):
it gets a leading apostrophe (OWASP, "CSV Injection"). Numbers stay numbers."""

import csv
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """The text of one cell: numbers the French way, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", ",")
    if isinstance(value, int | float):
        return str(value).replace(".", ",")
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(out, header: list[str], rows: Iterable[Iterable]) -> None:
    """Write the header and the rows (raw values: str, int, Decimal, date…)."""
    out.write("\ufeff")  # the BOM: Excel then reads UTF-8
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([cell(title) for title in header])
    writer.writerows([cell(value) for value in row] for row in rows)


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]):
    """A download of the rows as `filename`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write_csv(response, header, rows)
    return response
