"""Chorus Pro follow-up: statuses edited by the treasury, reminders skip
invoices being paid, rejected ones are listed for action, the treasury view
counts them; all files of a campaign as one ZIP to deposit."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from dues import credit_notes, documents, invoices, reminders, treasury
from dues.models import DuesCall, Invoice
from tests.factories import DuesCallFactory

pytestmark = pytest.mark.django_db
ISSUED = dt.date(2027, 1, 15)  # due 14/02/2027
LATE = dt.date(2027, 4, 1)


def _invoice(status=Invoice.ChorusStatus.NOT_DEPOSITED, **chorus):
    call = invoices.issue_invoice(DuesCallFactory(), today=ISSUED)
    invoice = invoices.invoice_of(call)
    invoice.chorus_status = status
    for name, value in chorus.items():
        setattr(invoice, name, value)
    invoice.save()
    return invoice


def test_reminders_skip_invoices_mandated_paid_rejected_or_disputed():
    """Being paid: no reminder. Rejected or disputed: the treasurer's list,
    not a reminder that would chase an invoice the buyer cannot pay."""
    _invoice(Invoice.ChorusStatus.MANDATED)
    _invoice(Invoice.ChorusStatus.PAID)
    _invoice(
        Invoice.ChorusStatus.REJECTED,
        chorus_rejection_reason="Code service inconnu",
    )
    _invoice(Invoice.ChorusStatus.DISPUTED)
    deposited = _invoice(Invoice.ChorusStatus.DEPOSITED)

    sent = reminders.send_reminders(DuesCall.objects.all(), today=LATE)

    assert {r.call_id for r in sent} == {deposited.call_id}
    # Each reminder carries the stored file.
    attachments = {m.attachments[0][1] for m in mail.outbox}
    assert attachments == {documents.read_pdf(deposited)}


def test_a_rejection_needs_its_reason(admin_client):
    invoice = _invoice()
    url = reverse("admin:dues_invoice_change", args=[invoice.pk])
    data = {
        "chorus_deposit_number": "CPP-1",
        "chorus_status": Invoice.ChorusStatus.REJECTED,
        "chorus_status_on": "2027-01-20",
        "chorus_rejection_reason": "",
    }
    response = admin_client.post(url, data)
    assert "Indiquez le motif du rejet." in response.content.decode()
    data["chorus_rejection_reason"] = "Code service inconnu"
    assert admin_client.post(url, data).status_code == 302
    invoice.refresh_from_db()
    assert invoice.chorus_status == Invoice.ChorusStatus.REJECTED


def test_treasury_counts_by_status_and_lists_rejected(admin_client, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: LATE)
    _invoice(Invoice.ChorusStatus.MANDATED)
    _invoice(Invoice.ChorusStatus.MANDATED)
    _invoice(
        Invoice.ChorusStatus.REJECTED,
        chorus_rejection_reason="SIRET du destinataire inconnu",
        chorus_status_on=dt.date(2027, 1, 22),
    )

    summary = treasury.year_summary(2027, today=LATE)
    counts = dict(summary.chorus_counts)
    assert counts["mandatée / mise en paiement"] == 2
    assert counts["rejetée"] == 1 and counts["payée"] == 0
    page = admin_client.get(
        reverse("admin:dues_duescall_treasury"), {"annee": 2027}
    ).content.decode()
    assert "Factures rejetées ou contestées, à traiter, non relancées (1)" in page
    assert "SIRET du destinataire inconnu" in page and "22/01/2027" in page
    assert '<th scope="row">Mandatée / mise en paiement</th><td>2</td>' in page


def _names_and_files(response):
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: archive.read(name) for name in archive.namelist()}


def test_a_campaign_downloads_as_one_zip_of_factur_x_files(admin_client):
    first, second = _invoice(), _invoice()
    note = credit_notes.issue_credit_note(first, Decimal("100"), "x", today=ISSUED)
    invoices.issue_invoice(DuesCallFactory(year=2026), today=ISSUED)  # another year

    response = admin_client.get(
        reverse("admin:dues_duescall_treasury_zip"), {"annee": 2027}
    )

    assert response["Content-Type"] == "application/zip"
    assert 'filename="factures-2027.zip"' in response["Content-Disposition"]
    assert _names_and_files(response) == {
        "2027-0001.pdf": documents.read_pdf(first),
        "2027-0002.pdf": documents.read_pdf(second),
        "AV-2027-0001.pdf": documents.read_pdf(note),
    }


def test_a_selection_downloads_as_one_zip(admin_client):
    first, _, third = _invoice(), _invoice(), _invoice()
    response = admin_client.post(
        reverse("admin:dues_invoice_changelist"),
        {"action": "download_zip", "_selected_action": [first.pk, third.pk]},
    )
    assert set(_names_and_files(response)) == {"2027-0001.pdf", "2027-0003.pdf"}
