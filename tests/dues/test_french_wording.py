"""French as the secretariat, the treasurer and a visitor read it: no
"Ce champ est obligatoire." on a visit, agreement, "1er", French amounts,
a deduction shown only when there is one, a city once in an address."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dues import credit_notes, documents, invoices
from tests.factories import DuesCallFactory, DuesScaleFactory, MemberFactory

pytestmark = pytest.mark.django_db


def test_the_simulator_is_not_answered_on_a_campaign_link(client):
    DuesScaleFactory(year=timezone.localdate().year)
    page = client.get(reverse("dues:join"), {"utm_source": "lettre"})
    assert "Ce champ est obligatoire" not in page.content.decode()
    asked = client.get(reverse("dues:join"), {"commune": ""})
    assert "Ce champ est obligatoire" in asked.content.decode()


def test_the_delete_action_has_no_agreement_to_get_wrong(admin_client):
    page = admin_client.get(reverse("admin:dues_reminderstep_changelist"))
    text = page.content.decode()
    assert "Supprimer la sélection" in text
    assert "sélectionnés" not in text


def test_admin_lists_say_1er_and_amounts_in_french(admin_client):
    call = invoices.issue_invoice(DuesCallFactory(), today=dt.date(2027, 1, 1))
    invoice = invoices.invoice_of(call)
    credit_notes.issue_credit_note(
        invoice, Decimal("50"), "Erreur", today=dt.date(2027, 1, 2)
    )
    listing = admin_client.get(reverse("admin:dues_invoice_changelist")).content
    assert "1er janvier 2027" in listing.decode()
    page = admin_client.get(reverse("admin:dues_invoice_change", args=[invoice.pk]))
    text = page.content.decode()
    assert "50,00\u00a0€" in text and "50.00" not in text


def test_the_treasury_shows_a_deduction_only_when_there_is_one(admin_client):
    from tests.dues.test_payments import _registration_invoice

    invoice = _registration_invoice()
    url = reverse("admin:dues_duescall_treasury")
    text = admin_client.get(url, {"annee": 2030}).content.decode()
    assert "Total facturé" in text and "− 0,00" not in text
    credit_notes.issue_credit_note(
        invoice, Decimal("10"), "Erreur", today=invoice.issued_on
    )
    text = admin_client.get(url, {"annee": 2030}).content.decode()
    assert "− 10,00" in text


def test_a_city_typed_above_the_postcode_is_printed_once():
    member = MemberFactory(
        invoicing_address="Hôtel de ville\nPlace Lazare-Goujon\nVilleurbanne",
        authority__name="Villeurbanne",
        authority__postcodes="69100",
    )
    block = invoices.recipient_data(member, "")["address"]
    assert block == {
        "lines": ["Hôtel de ville", "Place Lazare-Goujon"],
        "postcode": "69100",
        "city": "Villeurbanne",
        "country": "FR",
    }
    assert documents.address("Mairie\n69100 Villeurbanne\n")["lines"] == ["Mairie"]
