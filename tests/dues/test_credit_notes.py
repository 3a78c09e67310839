"""Credit notes: their own gap-free yearly sequence (AV-2027-0001), referring
to the invoice they cancel or reduce, frozen like it; balances, the
treasurer's totals and the CSV count them."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection, connections
from django.urls import reverse

from audit.updates import logged_update
from dues import credit_notes, documents, errors, invoices, reminders, treasury
from dues.models import DuesCall, Invoice
from members.models import Member
from rfve_site.typography import french_html as typeset
from tests.factories import DuesCallFactory, PaymentFactory

from .facturx_checks import embedded_xml, xpath

pytestmark = pytest.mark.django_db
ISSUED = dt.date(2027, 1, 15)
LATER = dt.date(2027, 2, 1)


def _invoice(amount="900"):
    call = invoices.issue_invoice(DuesCallFactory(amount=Decimal(amount)), today=ISSUED)
    return invoices.invoice_of(call)


def test_credit_notes_have_their_own_gap_free_sequence():
    first, second = _invoice(), _invoice()
    notes = [
        credit_notes.issue_credit_note(first, Decimal("100"), "Erreur", today=LATER),
        credit_notes.issue_credit_note(second, Decimal("100"), "Erreur", today=LATER),
        credit_notes.issue_credit_note(first, Decimal("50"), "Erreur", today=LATER),
        credit_notes.issue_credit_note(
            second, Decimal("50"), "Erreur", today=dt.date(2028, 1, 2)
        ),
    ]
    assert [n.number for n in notes] == [
        "AV-2027-0001",
        "AV-2027-0002",
        "AV-2027-0003",
        "AV-2028-0001",
    ]
    # Invoices keep their own numbering.
    assert _invoice().number == "2027-0003"


def test_a_credit_note_refers_to_its_invoice_and_is_frozen():
    invoice = _invoice()
    note = credit_notes.issue_credit_note(
        invoice, Decimal("300"), "Population corrigée", today=LATER
    )
    assert note.credited_invoice == invoice and note.call == invoice.call
    assert note.data["credited"] == {"number": "2027-0001", "issued_on": "2027-01-15"}
    assert note.data["reason"] == note.reason == "Population corrigée"
    assert note.data["recipient"] == invoice.data["recipient"]
    xml = embedded_xml(documents.read_pdf(note))
    assert xpath(xml, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["381"]
    assert xpath(
        xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()"
    ) == ["2027-0001"]
    assert xpath(xml, "//ram:DuePayableAmount/text()") == ["300.00"]


@pytest.mark.parametrize(
    ("amount", "reason", "message"),
    [
        ("0", "x", "doit être positif"),
        ("900.01", "x", "au plus 900,00 €"),
        ("100", "  ", "Indiquez le motif"),
    ],
)
def test_a_credit_note_is_refused_in_french(amount, reason, message):
    invoice = _invoice()
    with pytest.raises(errors.DuesError, match=message):
        credit_notes.issue_credit_note(invoice, Decimal(amount), reason, today=LATER)
    assert not Invoice.objects.credit_notes().exists()


def test_never_more_than_the_invoice_in_total():
    invoice = _invoice()
    credit_notes.issue_credit_note(invoice, Decimal("600"), "Erreur", today=LATER)
    with pytest.raises(errors.DuesError, match="au plus 300,00 €"):
        credit_notes.issue_credit_note(invoice, Decimal("301"), "Erreur", today=LATER)
    note = credit_notes.issue_credit_note(
        invoice, Decimal("300"), "Erreur", today=LATER
    )
    with pytest.raises(errors.DuesError, match="autre avoir"):
        credit_notes.issue_credit_note(note, Decimal("1"), "Erreur", today=LATER)


def test_balances_totals_and_csv_count_credit_notes(admin_client):
    reduced = _invoice("900")
    PaymentFactory(call=reduced.call, amount=Decimal("500"))
    cancelled = _invoice("300")
    credit_notes.issue_credit_note(reduced, Decimal("400"), "Tranche", today=LATER)
    credit_notes.issue_credit_note(cancelled, Decimal("300"), "Départ", today=LATER)

    calls = {
        call.pk: call for call in DuesCall.objects.with_status(dt.date(2027, 6, 1))
    }
    assert calls[reduced.call_id].net_amount == Decimal("500")
    assert calls[reduced.call_id].status == DuesCall.Status.PAID
    assert calls[cancelled.call_id].status == DuesCall.Status.CANCELLED

    summary = treasury.year_summary(2027, today=dt.date(2027, 6, 1))
    assert (summary.called, summary.credited, summary.due) == (1200, 700, 500)
    assert (summary.paid, summary.outstanding, summary.late) == (500, 0, [])
    assert [n.number for n in summary.credit_notes] == ["AV-2027-0001", "AV-2027-0002"]

    page = admin_client.get(reverse("admin:dues_duescall_treasury"), {"annee": 2027})
    assert "AV-2027-0002" in page.content.decode()
    csv = admin_client.get(
        reverse("admin:dues_duescall_treasury_csv"), {"annee": 2027}
    ).content.decode("utf-8-sig")
    assert ";900,00;400,00;500,00;0,00;" in csv
    assert ";300,00;300,00;0,00;0,00;" in csv and "annulée par avoir" in csv


def test_no_reminder_for_a_cancelled_call():
    invoice = _invoice()
    credit_notes.issue_credit_note(invoice, invoice.total, "Départ", today=LATER)
    assert (
        reminders.send_reminders(DuesCall.objects.all(), today=dt.date(2027, 9, 1))
        == []
    )
    assert mail.outbox == []


def test_credit_note_from_the_admin(admin_client, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: LATER)
    invoice = _invoice()
    url = reverse("admin:dues_invoice_credit", args=[invoice.pk])
    change = admin_client.get(reverse("admin:dues_invoice_change", args=[invoice.pk]))
    assert url in change.content.decode()
    refused = admin_client.post(url, {"amount": "1000", "reason": "Erreur"})
    assert typeset("au plus 900,00 €") in refused.content.decode()

    response = admin_client.post(
        url, {"amount": "250", "reason": "Erreur"}, follow=True
    )

    assert "Avoir AV-2027-0001 émis." in response.content.decode()
    note = invoice.credit_notes.get()
    assert note.total == Decimal("250.00")


def test_cancel_calls_of_members_who_left_is_one_action(admin_client, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: LATER)
    issued = _invoice().call
    PaymentFactory(call=issued, amount=Decimal("100"))
    credit_notes.issue_credit_note(
        invoices.invoice_of(issued), Decimal("200"), "x", today=LATER
    )
    draft = DuesCallFactory()
    logged_update(
        Member.objects.filter(pk__in=[issued.member_id, draft.member_id]),
        status=Member.Status.LEFT,
    )

    response = admin_client.post(
        reverse("admin:dues_duescall_changelist"),
        {"action": "cancel_calls", "_selected_action": [issued.pk, draft.pk]},
        follow=True,
    )

    assert typeset(
        "1 appel(s) non émis supprimé(s) ; avoir(s) émis : AV-2027-0002."
    ) in (response.content.decode())
    assert not DuesCall.objects.filter(pk=draft.pk).exists()
    note = Invoice.objects.get(number="AV-2027-0002")
    assert note.total == Decimal("700.00")
    assert note.reason == credit_notes.DEPARTED_REASON
    status = DuesCall.objects.with_status(LATER).get(pk=issued.pk)
    assert status.net_amount == 0 and status.status == DuesCall.Status.CANCELLED


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks (select_for_update); "
    "run with DATABASE_URL=postgres://…",
)
@pytest.mark.django_db(transaction=True)
def test_credit_note_numbers_have_no_gaps_when_people_issue_at_once(
    issuer, monkeypatch
):
    # The numbering is under test, not WeasyPrint: a stand-in file.
    monkeypatch.setattr(documents, "render", lambda data: data["number"].encode())
    invoices = [_invoice("100") for _ in range(12)]
    workers = 4
    start = threading.Barrier(workers)
    failures = []

    def credit(chunk):
        try:
            start.wait()
            for invoice in chunk:
                try:
                    credit_notes.issue_credit_note(
                        invoice, Decimal("60"), "x", today=LATER
                    )
                except errors.DuesError:
                    pass  # the other worker credited it first: 40 € left
        except Exception as error:
            failures.append(error)
        finally:
            connections.close_all()

    # Two workers credit each invoice at once: one of them is refused.
    threads = [
        threading.Thread(target=credit, args=(invoices[i % 2 :: 2],))
        for i in range(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    numbers = sorted(Invoice.objects.credit_notes().values_list("sequence", flat=True))
    assert numbers == list(range(1, 13))
    for invoice in invoices:
        assert invoice.credit_notes.count() == 1
