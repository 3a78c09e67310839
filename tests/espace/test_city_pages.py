"""Issue 23, §1-2: a person sees only their own city; the dashboard, the
frozen invoices (SHA-256 checked), the certificate of a paid year."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.urls import reverse

from dues import invoices
from dues.models import Invoice
from rfve_site import formats
from tests.factories import DuesCallFactory, PaymentFactory

pytestmark = pytest.mark.django_db
ISSUED = dt.date(2027, 1, 15)


@pytest.fixture
def issued_call(access, issuer):
    call = DuesCallFactory(member=access.person.member, amount=Decimal("900"))
    return invoices.issue_invoice(call, today=ISSUED)


def _urls(call, person_pk):
    document = call.documents.get()
    return [
        reverse("espace:home"),
        reverse("espace:record"),
        reverse("espace:person", args=[person_pk]),
        reverse("espace:invite"),
        reverse("espace:download", args=[document.pk]),
        reverse("espace:certificate", args=[call.year]),
    ]


def test_every_view_refuses_a_person_without_access(
    issued_call, access, no_access_client
):
    for url in _urls(issued_call, access.person.pk):
        assert no_access_client.get(url).status_code == 403, url
        assert no_access_client.post(url, {"email": "x@y.example"}).status_code in (
            403,
            405,
        ), url


def test_a_person_of_another_city_sees_nothing_of_this_one(
    issued_call, access, other_city_client
):
    home = other_city_client.get(reverse("espace:home"))
    assert "Lyon" in home.text
    assert str(access.person) not in home.text
    assert issued_call.invoice_number not in home.text
    document = issued_call.documents.get()
    assert (
        other_city_client.get(
            reverse("espace:download", args=[document.pk])
        ).status_code
        == 404
    )
    assert (
        other_city_client.get(
            reverse("espace:person", args=[access.person.pk])
        ).status_code
        == 404
    )
    assert (
        other_city_client.get(
            reverse("espace:certificate", args=[issued_call.year])
        ).status_code
        == 404
    )
    # Nor may it propose changes to another city's person.
    page = other_city_client.post(
        reverse("espace:person", args=[access.person.pk]),
        {"first_name": "Pirate", "last_name": "X", "email": "p@x.example"},
    )
    assert page.status_code == 404


def test_the_dashboard_shows_the_calls_and_their_invoice(area_client, issued_call):
    with_queries = area_client.get(reverse("espace:home"))
    text = with_queries.text
    assert "Villeurbanne" in text
    assert issued_call.invoice_number in text
    assert formats.euros(Decimal("900")) in text
    assert "Données Chorus Pro" in text


def test_the_invoice_is_the_frozen_file_checked_against_its_sha256(
    area_client, issued_call
):
    document = issued_call.documents.get()
    page = area_client.get(reverse("espace:download", args=[document.pk]))
    assert page.status_code == 200
    assert page["Content-Type"] == "application/pdf"
    assert hashlib.sha256(page.content).hexdigest() == document.sha256
    assert "no-store" in page["Cache-Control"]


def test_a_file_changed_since_issue_is_not_sent(area_client, issued_call, settings):
    from dues.documents import storage

    document = issued_call.documents.get()
    with storage().open(document.file, "wb") as stored:
        stored.write(b"%PDF-1.7 forged")
    page = area_client.get(reverse("espace:download", args=[document.pk]), follow=True)
    assert page.redirect_chain
    assert "ne correspond plus" in page.text
    assert "forged" not in page.text


def test_the_certificate_of_a_paid_year_only(area_client, issued_call):
    url = reverse("espace:certificate", args=[issued_call.year])
    page = area_client.get(url, follow=True)
    assert "pas entièrement payée" in page.text
    PaymentFactory(call=issued_call, amount=Decimal("900"))
    home = area_client.get(reverse("espace:home"))
    assert url in home.text
    page = area_client.get(url)
    assert page["Content-Type"] == "application/pdf"
    assert page.content.startswith(b"%PDF")


def test_a_registration_invoice_of_the_city_is_listed_too(area_client, access):
    assert Invoice.objects.count() == 0  # the query below is the city's only
    home = area_client.get(reverse("espace:home"))
    assert "Factures d’inscriptions" not in home.text


def test_the_dashboard_runs_a_bounded_number_of_queries(
    area_client, access, issuer, django_assert_max_num_queries
):
    for year in (2025, 2026, 2027):
        invoices.issue_invoice(
            DuesCallFactory(member=access.person.member, year=year), today=ISSUED
        )
    with django_assert_max_num_queries(14):
        area_client.get(reverse("espace:home"))
