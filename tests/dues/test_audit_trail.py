"""Invoices and credit notes record who issued them (issue 22, §4): the
admin's views and actions write the audit trail too."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from audit.models import AuditEntry
from dues import invoices
from dues.models import Invoice
from tests.factories import DuesCallFactory

pytestmark = pytest.mark.django_db

LATER = dt.date(2027, 2, 1)


def _creation(document):
    return AuditEntry.objects.get_for_object(document).get(
        action=AuditEntry.Action.CREATE
    )


def test_issuing_invoices_from_the_admin_records_who(admin_client, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: LATER)
    call = DuesCallFactory(amount=Decimal("900"))
    admin_client.post(
        reverse("admin:dues_duescall_changelist"),
        {"action": "issue_invoices", "_selected_action": [call.pk]},
    )
    invoice = Invoice.objects.get(call=call, kind=Invoice.Kind.INVOICE)
    entry = _creation(invoice)
    assert entry.actor == get_user_model().objects.get(username="admin")
    assert entry.changes["number"][1] == invoice.number


def test_a_credit_note_from_the_admin_records_who(admin_client, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: LATER)
    call = invoices.issue_invoice(DuesCallFactory(amount=Decimal("900")), today=LATER)
    invoice = invoices.invoice_of(call)
    admin_client.post(
        reverse("admin:dues_invoice_credit", args=[invoice.pk]),
        {"amount": "250", "reason": "Erreur"},
    )
    note = invoice.credit_notes.get()
    entry = _creation(note)
    assert entry.actor == get_user_model().objects.get(username="admin")
    assert Decimal(entry.changes["total"][1]) == Decimal("250")
