"""The money emails: the invoice says the association deposits it on Chorus
Pro (the supplier's duty), credit notes are emailed like invoices, and every
email answers to the right desk."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from dues import credit_notes, invoices, sending
from dues.errors import DuesError
from outbox.models import OutboxMessage
from tests.factories import DuesCallFactory, MemberFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 1, 15)
TREASURY = ["tresorerie@villeseducatrices.fr"]


def _call():
    member = MemberFactory(finance_contact_email="finances@ville.example")
    return invoices.issue_invoice(DuesCallFactory(member=member), today=TODAY)


def test_the_invoice_email_says_the_association_deposits_it_on_chorus_pro():
    call = _call()
    sending.send_invoice(call)
    (message,) = mail.outbox
    body = " ".join(message.body.split())
    assert "nous déposons cette facture sur Chorus Pro" in body
    assert "peut être déposé" not in body
    assert "900,00 €" in body.replace("\u00a0", " ")
    assert message.reply_to == TREASURY
    assert message.to == ["finances@ville.example"]
    assert OutboxMessage.objects.get().kind == "facture"


def test_a_credit_note_is_emailed_like_an_invoice(admin_client):
    call = _call()
    note = credit_notes.issue_credit_note(
        invoices.invoice_of(call), Decimal("100"), "Erreur de tranche", today=TODAY
    )
    admin_client.post(
        reverse("admin:dues_invoice_changelist"),
        {"action": "send_documents", "_selected_action": [note.pk]},
    )
    (message,) = mail.outbox
    assert note.number in message.subject
    assert message.attachments[0][0] == note.filename
    assert "Erreur de tranche" in message.body
    assert message.reply_to == TREASURY
    assert OutboxMessage.objects.get().kind == "avoir"


def test_the_treasury_desk_falls_back_to_the_secretariat(issuer):
    issuer.treasurer_email = ""
    issuer.save()
    sending.send_invoice(_call())
    assert mail.outbox[0].reply_to == [issuer.contact_email]


def test_only_credit_notes_of_dues_are_sent_as_such():
    call = _call()
    with pytest.raises(DuesError):
        sending.send_credit_note(invoices.invoice_of(call))
