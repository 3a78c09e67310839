"""The treasurer's year as pictures: the figures of a year's dues by
population bracket and by month of payment, and the number of member cities
over the years.

Each function returns a Table: the rows a template prints as an HTML table
(the accessible version) and draws as inline SVG beside it
(templates/dues/charts/), so the chart cannot show other numbers than the
table. The totals are the treasury's (year_summary): a call's credit notes
and payments are counted as there, an overpayment left out."""

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Min

from members.models import Member
from rfve_site import formats

from .models import DuesCall, Payment, bracket_label
from .treasury import YearSummary

ZERO = Decimal("0")
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
# The stacked parts of a bar of dues: together they make what was called.
DUES_PARTS = [
    ("paid", "Payé"),
    ("outstanding", "Reste à encaisser"),
    ("credited", "Avoirs"),
]


@dataclass
class Row:
    label: str
    values: dict[str, Decimal | int]


@dataclass
class Table:
    """Rows of figures, with their columns (key, heading) and the unit
    (euros or a count) that formats them."""

    caption: str
    row_heading: str  # the rows' column: "Tranche", "Mois", "Année"
    columns: list[tuple[str, str]]
    rows: list[Row]
    total: Row | None = None
    money: bool = True
    # The columns a stacked bar is made of (their sum is the bar), or the one
    # column a simple bar shows.
    parts: list[tuple[str, str]] = field(default_factory=list)
    # "bars" (one horizontal bar a row) or "columns" (one a row, side by side).
    kind: str = "bars"

    def formatted(self, value) -> str:
        return formats.euros(value) if self.money else formats.number(value)

    def cells(self, row: Row) -> list[str]:
        return [self.formatted(row.values[key]) for key, _ in self.columns]

    @property
    def body(self) -> list[tuple[str, list[str]]]:
        return [(row.label, self.cells(row)) for row in self.rows]

    @property
    def drawing(self) -> dict:
        """The SVG's coordinates, from these rows (see bars and columns)."""
        return bars(self) if self.kind == "bars" else columns(self)

    @property
    def footer(self) -> tuple[str, list[str]] | None:
        return (self.total.label, self.cells(self.total)) if self.total else None


def _call_paid(call: DuesCall) -> Decimal:
    """What the treasury counts as paid on a call (year_summary)."""
    return min(call.paid_total, max(call.net_amount, ZERO))


def by_bracket(summary: YearSummary) -> Table:
    """Called, credited, paid and outstanding by population bracket (the one
    recorded on each call when it was made)."""
    groups: dict[tuple, dict[str, Decimal]] = {}
    for call in summary.calls:
        key = (
            call.bracket_min_population is None,
            call.bracket_min_population or 0,
            call.bracket_max_population,
        )
        sums = groups.setdefault(
            key, dict.fromkeys(["called", "credited", "paid"], ZERO)
        )
        sums["called"] += call.amount
        sums["credited"] += call.credited_total
        sums["paid"] += _call_paid(call)
    rows = []
    for (unknown, low, high), sums in sorted(
        groups.items(), key=lambda item: (item[0][0], item[0][1])
    ):
        label = "tranche non enregistrée" if unknown else bracket_label(low, high)
        sums["outstanding"] = sums["called"] - sums["credited"] - sums["paid"]
        rows.append(Row(label[0].upper() + label[1:], sums))
    total = Row(
        "Total",
        {
            "called": summary.called,
            "credited": summary.credited,
            "paid": summary.paid,
            "outstanding": summary.outstanding,
        },
    )
    return Table(
        caption=f"Cotisations {summary.year} par tranche de population",
        row_heading="Tranche",
        columns=[
            ("called", "Appelé"),
            ("credited", "Avoirs"),
            ("paid", "Payé"),
            ("outstanding", "Reste à encaisser"),
        ],
        rows=rows,
        total=total,
        parts=DUES_PARTS,
    )


def _month_label(month: tuple[int, int]) -> str:
    year, number = month
    return f"{MONTHS[number - 1].capitalize()} {year}"


def by_month(summary: YearSummary) -> Table:
    """What was paid on the year's calls, by month of payment: the twelve
    months of the year, and any month before or after with a payment (a call
    paid in December for next year, or late). Each call's payments count in
    date order up to what it owes (net of credit notes), as in the
    treasury's total: an overpayment is not income of the year's dues."""
    owed = {call.pk: max(call.net_amount, ZERO) for call in summary.calls}
    payments = (
        Payment.objects.filter(call__year=summary.year)
        .order_by("call", "paid_on", "pk")
        .values_list("call", "paid_on", "amount")
    )
    paid_by_month: dict[tuple[int, int], Decimal] = {}
    for call, paid_on, amount in payments:
        counted = min(amount, owed.get(call, ZERO))
        owed[call] = owed.get(call, ZERO) - counted
        month = (paid_on.year, paid_on.month)
        paid_by_month[month] = paid_by_month.get(month, ZERO) + counted
    months = {(summary.year, number) for number in range(1, 13)} | set(paid_by_month)
    rows, cumulative = [], ZERO
    for month in sorted(months):
        paid = paid_by_month.get(month, ZERO)
        cumulative += paid
        rows.append(Row(_month_label(month), {"paid": paid, "cumulative": cumulative}))
    return Table(
        caption=f"Cotisations {summary.year} payées, par mois de paiement",
        row_heading="Mois",
        columns=[("paid", "Payé dans le mois"), ("cumulative", "Payé depuis le début")],
        rows=rows,
        total=Row("Total", {"paid": cumulative, "cumulative": summary.paid}),
        parts=[("paid", "Payé dans le mois")],
    )


def members_by_year(today: dt.date) -> Table:
    """Member cities at the end of each year (this one: today), from the
    year a city joined (its "adhérente depuis", or its first dues call) to
    this year; a city that left counts up to its last dues call, the one
    record of its leaving year. Suspended cities still count."""
    members = Member.objects.annotate(
        first_call=Min("dues_calls__year"),
        last_call=Max("dues_calls__year"),
    ).values_list("member_since", "status", "first_call", "last_call")
    spans = []
    for since, status, first_call, last_call in members:
        start = since.year if since else first_call
        if start is None:
            continue
        if status == Member.Status.LEFT:
            if last_call is None:
                continue
            spans.append((start, last_call))
        else:
            spans.append((start, today.year))
    first = min((start for start, _ in spans), default=today.year)
    rows = [
        Row(
            str(year),
            {"members": sum(1 for start, end in spans if start <= year <= end)},
        )
        for year in range(first, today.year + 1)
    ]
    return Table(
        caption="Villes adhérentes au fil des années",
        row_heading="Année",
        columns=[("members", "Villes adhérentes")],
        rows=rows,
        money=False,
        parts=[("members", "Villes adhérentes")],
        kind="columns",
    )


# ---------------------------------------------------------------------------
# Drawing: SVG coordinates from a Table. Widths and x positions are
# percentages of the chart's width and heights are pixels, so that the bars
# stretch with the screen while the text keeps its size (readable at 320 px).
# Numbers are written with a dot for SVG, never in the French locale.
# ---------------------------------------------------------------------------

BAR_ROW = 44  # px: a line of text, then the bar
LINE = 18  # px: a second line of text (the figure under a long label)
# Label and figure on one line up to this many characters: about 260 px at
# 13 px, what a 320 px screen leaves the chart.
ONE_LINE_CHARACTERS = 34
BAR_HEIGHT = 14
COLUMNS_HEIGHT = 150  # px: the tallest column
# The room a year's label under the columns takes, with the gap to the next,
# in percent of the chart: 4 digits at 13 px (about 34 px) and 10 px apart on
# the narrowest chart (about 240 px, a 320 px phone). Labels are placed so
# that these never cross, however many years there are.
COLUMN_LABEL_SPACE = 18.0


def _percent(value: float) -> str:
    return f"{value:.3f}%"


@dataclass
class Segment:
    key: str
    x: str
    width: str


@dataclass
class BarRow:
    label: str
    value: str
    label_y: int
    value_y: int
    bar_y: int
    segments: list[Segment]


@dataclass
class Column:
    label: str  # shown under it, or "" (one in a few)
    x: str
    label_x: str
    anchor: str  # the label's text-anchor: kept inside the chart at its ends
    width: str
    y: int
    height: int


def _bar_total(table: Table, row: Row):
    return sum(row.values[key] for key, _ in table.parts)


def bars(table: Table) -> dict:
    """Horizontal bars, each split in `table.parts`, scaled to the largest.
    A row's label and figure share a line when both are short, else the
    figure goes under its label (long bracket names on a phone)."""
    largest = max((_bar_total(table, row) for row in table.rows), default=0) or 1
    values = [table.formatted(_bar_total(table, row)) for row in table.rows]
    longest = max((len(row.label) for row in table.rows), default=0)
    two_lines = longest + max(map(len, values), default=0) > ONE_LINE_CHARACTERS
    row_height = BAR_ROW + (LINE if two_lines else 0)
    drawn = []
    for index, (row, value) in enumerate(zip(table.rows, values, strict=True)):
        x, segments = 0.0, []
        for key, _ in table.parts:
            width = float(row.values[key]) / float(largest) * 100
            if width > 0:
                segments.append(Segment(key, _percent(x), _percent(width)))
            x += width
        top = index * row_height
        value_y = top + 16 + (LINE if two_lines else 0)
        drawn.append(BarRow(row.label, value, top + 16, value_y, value_y + 6, segments))
    return {
        "rows": drawn,
        "two_lines": two_lines,
        "height": len(table.rows) * row_height,
        "bar_height": BAR_HEIGHT,
        "legend": table.parts if len(table.parts) > 1 else [],
    }


def columns(table: Table) -> dict:
    """One column a row, side by side, scaled to the largest; a label under
    one column in a few: every `every` years back from the last one (always
    shown), each centred under its column, or kept inside the chart at its
    ends; one that would touch its neighbour's is left out."""
    key = table.parts[0][0]
    largest = max((row.values[key] for row in table.rows), default=0) or 1
    count = len(table.rows) or 1
    step = 100 / count
    every = max(1, math.ceil(COLUMN_LABEL_SPACE / step))
    half = COLUMN_LABEL_SPACE / 2
    drawn = []
    next_left = 100.0 + half  # where the label on the right begins
    for index in reversed(range(len(table.rows))):
        row = table.rows[index]
        height = round(row.values[key] / largest * COLUMNS_HEIGHT)
        left, right = index * step, (index + 1) * step
        centre = left + step / 2
        if centre + half > 100:
            label_x, anchor, span = right, "end", (right - COLUMN_LABEL_SPACE, right)
        elif centre - half < 0:
            label_x, anchor, span = left, "start", (left, left + COLUMN_LABEL_SPACE)
        else:
            label_x, anchor, span = centre, "middle", (centre - half, centre + half)
        shown = (count - 1 - index) % every == 0 and span[1] <= next_left + 0.001
        if shown:
            next_left = span[0]
        drawn.append(
            Column(
                row.label if shown else "",
                _percent(left + step * 0.1),
                _percent(label_x),
                anchor,
                _percent(step * 0.8),
                COLUMNS_HEIGHT - height + 20,
                height,
            )
        )
    drawn.reverse()
    return {
        "columns": drawn,
        "largest": table.formatted(largest),
        "baseline": COLUMNS_HEIGHT + 20,
        "label_y": COLUMNS_HEIGHT + 38,
        "height": COLUMNS_HEIGHT + 44,
    }
