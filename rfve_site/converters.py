"""URL converters with one spelling per value: a month is `01`–`12`, a year
four digits. Other spellings do not match (see `calendar_app.urls` for the
redirect of `/agenda/2027/1/`), and no digit run can overflow a date."""


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
