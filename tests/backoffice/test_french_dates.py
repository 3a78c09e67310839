"""Dates as French writes them, "1er janvier 2027", wherever a date is
written in words: the admin's lists and read-only fields (Django's French
format says "1 janvier"), documents, emails, pages."""

import datetime as dt
import pathlib
import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from dues import invoices
from rfve_site import formats
from tests.factories import DuesCallFactory, MemberFactory, paris

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("value", "format", "text"),
    [
        (dt.date(2027, 1, 1), "DATE_FORMAT", "1er janvier 2027"),
        (dt.date(2027, 1, 2), "DATE_FORMAT", "2 janvier 2027"),
        (dt.date(2027, 3, 1), "l j F Y", "lundi 1er mars 2027"),
        (paris(2027, 3, 1, 9, 5), "j F Y à G \\h i", "1er mars 2027 à 9 h 05"),
        (dt.date(2027, 1, 1), "d/m/Y", "01/01/2027"),
    ],
)
def test_french_date(value, format, text):
    assert formats.date(value, format) == text


def test_the_template_filter_writes_1er_in_paris_time():
    template = Template('{% load french %}{{ when|french_date:"j F Y à H:i" }}')
    # 31 December 23:30 UTC is 1 January in Paris.
    when = paris(2027, 1, 1, 0, 30)
    assert template.render(Context({"when": when})) == "1er janvier 2027 à 00:30"


@pytest.mark.django_db
def test_admin_lists_and_read_only_fields_say_1er(admin_client, issuer):
    MemberFactory(member_since=dt.date(2027, 1, 1))
    listing = admin_client.get(reverse("admin:members_member_changelist"))
    assert "1er janvier 2027" in listing.content.decode()

    call = invoices.issue_invoice(DuesCallFactory(), today=dt.date(2027, 3, 1))
    invoice = invoices.invoice_of(call)
    page = admin_client.get(reverse("admin:dues_invoice_change", args=[invoice.pk]))
    text = page.content.decode()
    assert "1er mars 2027" in text
    assert not re.search(r"\b1 mars 2027", text)


def test_no_template_or_module_writes_a_date_in_words_with_djangos_format():
    """`|date:"j F Y"` and date_format(…, "j F Y") print "1 janvier": the
    project's `french_date` filter and rfve_site.formats.date say "1er"."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        for match in re.finditer(r'\|date:"([^"]*)"', path.read_text()):
            if re.search(r"(?<!\\)j", match.group(1)):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    for path in ROOT.glob("*/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        if re.search(r"date_format\([^)]*[\"'][^\"']*j", path.read_text()):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
