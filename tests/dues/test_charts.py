"""The treasurer's year as charts: the same figures as the tables beside them
and as the treasury's totals, drawn in inline SVG on the server."""

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from dues import charts, credit_notes, invoices, treasury
from dues.models import DuesCall
from members.models import Member
from tests.factories import DuesCallFactory, MemberFactory, PaymentFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 6, 15)
SMALL = {"bracket_min_population": 0, "bracket_max_population": 9_999}
MIDDLE = {"bracket_min_population": 10_000, "bracket_max_population": 49_999}
LARGE = {"bracket_min_population": 200_000, "bracket_max_population": None}


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)


@pytest.fixture
def year_2027(issuer):
    """Calls in three brackets: paid in February and in March, overpaid,
    partly paid, credited, unpaid, one without a recorded bracket; and a
    call of another year."""
    paid = DuesCallFactory(amount=Decimal("300.00"), **SMALL)
    PaymentFactory(call=paid, amount=Decimal("300.00"), paid_on=dt.date(2027, 2, 3))
    overpaid = DuesCallFactory(amount=Decimal("900.00"), **MIDDLE)
    PaymentFactory(call=overpaid, amount=Decimal("600.00"), paid_on=dt.date(2027, 3, 1))
    PaymentFactory(call=overpaid, amount=Decimal("500.00"), paid_on=dt.date(2027, 4, 2))
    partly = DuesCallFactory(amount=Decimal("2500.00"), **LARGE)
    PaymentFactory(call=partly, amount=Decimal("1000.00"), paid_on=dt.date(2027, 3, 9))
    credited = invoices.issue_invoice(
        DuesCallFactory(amount=Decimal("900.00"), **MIDDLE), today=dt.date(2027, 2, 1)
    )
    credit_notes.issue_credit_note(
        invoices.invoice_of(credited),
        Decimal("450.00"),
        "Population corrigée",
        today=dt.date(2027, 2, 15),
    )
    # Paid in December for next year's dues: a month before the year.
    early = DuesCallFactory(amount=Decimal("300.00"), **SMALL)
    PaymentFactory(call=early, amount=Decimal("300.00"), paid_on=dt.date(2026, 12, 20))
    DuesCallFactory(amount=Decimal("1234.50"))  # no bracket recorded, unpaid
    DuesCallFactory(year=2026, amount=Decimal("5000.00"), **LARGE)


def summary():
    return treasury.year_summary(2027, today=TODAY)


def test_bracket_figures_add_up_to_the_treasurys(year_2027):
    year = summary()
    table = charts.by_bracket(year)

    assert [row.label for row in table.rows] == [
        "Jusqu’à 9\u202f999\u00a0habitants",
        "De 10\u202f000 à 49\u202f999\u00a0habitants",
        "200\u202f000\u00a0habitants et plus",
        "Tranche non enregistrée",
    ]
    for key, expected in [
        ("called", year.called),
        ("credited", year.credited),
        ("paid", year.paid),
        ("outstanding", year.outstanding),
    ]:
        assert sum(row.values[key] for row in table.rows) == expected, key
        assert table.total.values[key] == expected, key
    middle = table.rows[1].values
    # The overpayment (200 €) is not counted; the credit note is.
    assert middle == {
        "called": Decimal("1800.00"),
        "credited": Decimal("450.00"),
        "paid": Decimal("900.00"),
        "outstanding": Decimal("450.00"),
    }


def test_months_of_payment_add_up_to_what_the_treasury_counts_paid(year_2027):
    year = summary()
    table = charts.by_month(year)
    paid = {row.label: row.values["paid"] for row in table.rows}

    assert list(paid)[:2] == ["Décembre 2026", "Janvier 2027"]
    assert len(paid) == 13  # the year's twelve months and December before
    assert paid["Décembre 2026"] == Decimal("300.00")
    assert paid["Février 2027"] == Decimal("300.00")
    assert paid["Mars 2027"] == Decimal("1600.00")
    # 500 € paid in April, of which 300 € were owed: the rest is an overpayment.
    assert paid["Avril 2027"] == Decimal("300.00")
    assert sum(paid.values()) == year.paid == table.total.values["paid"]
    assert table.rows[-1].values["cumulative"] == year.paid


def test_member_cities_over_the_years():
    MemberFactory(member_since=dt.date(2020, 9, 1))
    MemberFactory(member_since=dt.date(2022, 1, 1), status=Member.Status.SUSPENDED)
    # Left after its 2023 dues: counted up to 2023.
    gone = MemberFactory(member_since=dt.date(2021, 1, 1), status=Member.Status.LEFT)
    DuesCallFactory(member=gone, year=2023)
    # Left, no dues on record: no year to count it for.
    MemberFactory(member_since=dt.date(2021, 1, 1), status=Member.Status.LEFT)
    # No date of joining: from its first dues call.
    DuesCallFactory(member=MemberFactory(member_since=None), year=2025)

    table = charts.members_by_year(TODAY)

    counts = {row.label: row.values["members"] for row in table.rows}
    assert counts == {
        "2020": 1,
        "2021": 2,
        "2022": 3,
        "2023": 3,
        "2024": 2,
        "2025": 3,
        "2026": 3,
        "2027": 3,
    }


class _Drawing(HTMLParser):
    """The rects of each chart's SVG and the cells of its table."""

    def __init__(self):
        super().__init__()
        self.charts = []
        self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure" and "chart" in attrs.get("class", ""):
            self.charts.append({"rects": [], "cells": [], "svg": None})
            self._legend = False
        elif not self.charts:
            return
        elif tag == "svg" and "chart-drawing" in attrs.get("class", ""):
            self.charts[-1]["svg"] = attrs
        elif tag == "rect" and self.charts[-1]["svg"] and not self._legend:
            self.charts[-1]["rects"].append(attrs)
        elif tag in ("td", "th"):
            self._cell = []

    _legend = False

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.charts[-1]["cells"].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "svg" and self.charts and self.charts[-1]["svg"]:
            self._legend = True  # what follows the drawing is its legend

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _percent(value: str) -> float:
    return float(value.removesuffix("%"))


def test_the_drawing_shows_the_tables_numbers(year_2027, admin_client):
    year = summary()
    page = admin_client.get(
        reverse("admin:dues_duescall_treasury"), {"annee": 2027}
    ).content.decode()
    parser = _Drawing()
    parser.feed(page)
    brackets, months, members = parser.charts

    table = charts.by_bracket(year)
    assert brackets["svg"]["role"] == "img" and brackets["svg"]["aria-label"]
    # The table's figures, in French, beside the chart.
    for label, cells in table.body:
        assert label in brackets["cells"]
        for cell in cells:
            assert cell in brackets["cells"]
    assert table.formatted(year.called) in brackets["cells"]
    # Each bar's parts, in % of the longest bar, are the table's figures.
    longest = max(row.values["called"] for row in table.rows)
    drawn = {}
    for rect in brackets["rects"]:
        key = rect["class"].removeprefix("chart-")
        drawn.setdefault(key, []).append(_percent(rect["width"]) * float(longest) / 100)
    for key in ("paid", "outstanding", "credited"):
        expected = [float(row.values[key]) for row in table.rows if row.values[key]]
        assert drawn[key] == pytest.approx(expected, abs=0.01), key

    month_table = charts.by_month(year)
    largest = max(row.values["paid"] for row in month_table.rows)
    heights = [
        _percent(rect["width"]) * float(largest) / 100 for rect in months["rects"]
    ]
    paid = [float(row.values["paid"]) for row in month_table.rows if row.values["paid"]]
    assert heights == pytest.approx(paid, abs=0.01)
    assert sum(heights) == pytest.approx(float(year.paid), abs=0.05)

    member_table = charts.members_by_year(TODAY)
    assert len(members["rects"]) == len(member_table.rows)
    assert members["svg"]["role"] == "img"


def test_svg_numbers_are_never_in_the_french_locale(year_2027, admin_client):
    page = admin_client.get(
        reverse("admin:dues_duescall_treasury"), {"annee": 2027}
    ).content.decode()
    for value in re.findall(r'(?:x|width|height|y)="([^"]*)"', page):
        assert "," not in value, value


def test_bureau_dashboard_shows_the_years_charts(year_2027, client, django_user_model):
    user = django_user_model.objects.create_user(
        username="bureau", password="unused", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Bureau"))
    client.force_login(user)

    response = client.get(reverse("admin:index"))

    page = response.content.decode()
    assert page.count('role="img"') == 3
    assert "Cotisations 2027 par tranche de population" in page
    assert "Villes adhérentes au fil des années" in page
    (section,) = response.context["sections"]
    bracket_table = section.charts[0]
    assert bracket_table.total.values["paid"] == summary().paid
    assert DuesCall.objects.count() == 7
