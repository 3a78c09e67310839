"""A reminder says what happened: its words are those of its real rank (the
first reminder a call gets never says "Seconde relance… Malgré notre
précédent courriel"), its amounts are net of credit notes, which travel with
the invoice, and answers go to the treasury."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from dues import credit_notes, documents, invoices, reminders
from dues.models import DuesCall, Reminder
from tests.factories import DuesCallFactory, MemberFactory

pytestmark = pytest.mark.django_db

ISSUED = dt.date(2027, 3, 1)  # due 31/03/2027 (30 days)


def _late_call(amount="900"):
    member = MemberFactory(finance_contact_email="finances@ville.example")
    call = DuesCallFactory(member=member, amount=Decimal(amount))
    return invoices.issue_invoice(call, today=ISSUED)


def _send(day: dt.date):
    return reminders.send_reminders(DuesCall.objects.all(), today=day)


def test_a_call_first_reminded_late_gets_the_first_reminders_words():
    """75 days late, never reminded: the step due is the 60-day one, but
    nothing was sent before, so the words are the first reminder's."""
    _late_call()
    (reminder,) = _send(dt.date(2027, 6, 14))
    (message,) = mail.outbox
    assert reminder.step.days_after_due == 60  # never sent twice for it
    assert message.subject.startswith("Relance")
    assert "Seconde" not in message.subject
    assert "précédent courriel" not in message.body
    assert _send(dt.date(2027, 6, 20)) == []


def test_the_second_reminder_says_so_only_after_a_first_one():
    call = _late_call()
    _send(dt.date(2027, 5, 1))  # 31 days late
    _send(dt.date(2027, 5, 31))  # 61 days late
    first, second = mail.outbox
    assert not first.subject.startswith("Seconde")
    assert second.subject.startswith("Seconde relance")
    assert "Malgré notre précédent courriel" in second.body
    assert Reminder.objects.filter(call=call).count() == 2


def test_reminder_amounts_are_net_of_credit_notes_which_are_attached():
    call = _late_call()
    invoice = invoices.invoice_of(call)
    note = credit_notes.issue_credit_note(
        invoice, Decimal("300"), "Erreur de tranche", today=dt.date(2027, 3, 10)
    )
    _send(dt.date(2027, 5, 1))
    (message,) = mail.outbox
    body = " ".join(message.body.split())
    assert "600,00" in body and "900,00" not in body
    assert note.number in body
    attached = [content for _name, content, _type in message.attachments]
    assert attached == [documents.read_pdf(invoice), documents.read_pdf(note)]
    assert message.reply_to == ["tresorerie@villeseducatrices.fr"]
