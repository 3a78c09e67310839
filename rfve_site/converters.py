"""URL converters with one spelling per value: a month is `01`–`12`, a year
four digits, a row's id at most 18 digits. Other spellings do not match (see
`calendar_app.urls` for the redirect of `/agenda/2027/1/`), and no digit run
can overflow a date or a database integer. Registered on import: the URLs and
the admin modules that use them import this module."""

from django.urls import register_converter


class YearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return f"{int(value):04d}"


class MonthConverter:
    regex = "0[1-9]|1[0-2]"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return f"{int(value):02d}"


class IdConverter:
    """A row's id in a URL (the back office's own views): at most 18 digits,
    so that it fits the database's 64-bit integers. A longer one does not
    match (404) rather than overflow in a query (a lookup through a foreign
    key is not guarded by Django, `call=<id>`)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(YearConverter, "year")
register_converter(MonthConverter, "month")
register_converter(IdConverter, "id")
