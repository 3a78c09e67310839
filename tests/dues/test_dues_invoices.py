"""Invoices: gap-free numbering (also under concurrency, on PostgreSQL), the
PDF, the email to the finance contact, the download from the admin."""

import datetime as dt
import io
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection, connections
from django.urls import reverse
from pypdf import PdfReader

from association.models import SiteSettings
from dues import documents, errors, invoices, sending
from dues.models import DuesCall, InvoiceSequence
from rfve_site.typography import french_html as typeset
from tests.factories import DuesCallFactory, MemberFactory

TODAY = dt.date(2027, 1, 15)


def invoice_pdf(call) -> bytes:
    """The invoice's stored file (rendered once, at issue)."""
    return documents.read_pdf(invoices.invoice_of(call))


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.mark.django_db
def test_numbers_follow_each_other_per_year():
    calls = DuesCallFactory.create_batch(3)
    numbers = [
        invoices.issue_invoice(call, today=TODAY).invoice_number for call in calls
    ]
    assert numbers == ["2027-0001", "2027-0002", "2027-0003"]
    # Issuing again keeps the number.
    assert invoices.issue_invoice(calls[0], today=TODAY).invoice_number == "2027-0001"


@pytest.mark.django_db
def test_invoices_are_numbered_by_the_year_of_issue_not_the_dues_year():
    """Seen on 02/12/2026: 2027 calls issued then took 2027-0001…0003, and the
    2026 ones 2026-0009… from another counter. One series per year of issue,
    continuous and chronological; the dues year is the period on the line."""
    december = dt.date(2026, 12, 2)
    early = invoices.issue_invoice(DuesCallFactory(year=2027), today=december)
    late_payer = invoices.issue_invoice(DuesCallFactory(year=2026), today=december)
    january = invoices.issue_invoice(
        DuesCallFactory(year=2027), today=dt.date(2027, 1, 4)
    )
    assert [early.invoice_number, late_payer.invoice_number] == [
        "2026-0001",
        "2026-0002",
    ]
    assert january.invoice_number == "2027-0001"
    document = invoices.invoice_of(early)
    assert (document.number, document.year) == ("2026-0001", 2026)
    assert document.data["lines"][0]["period"]["text"] == (
        "du 1er janvier au 31 décembre 2027"
    )
    # A credit note too is numbered by its own year of issue.
    from dues.credit_notes import issue_credit_note

    note = issue_credit_note(
        document, Decimal("10"), "Erreur", today=dt.date(2027, 1, 5)
    )
    assert note.number == "AV-2027-0001"


@pytest.mark.django_db
def test_an_issue_date_before_the_series_last_one_is_refused():
    invoices.issue_invoice(DuesCallFactory(), today=TODAY)
    with pytest.raises(errors.DuesError, match="ordre des dates"):
        invoices.issue_invoice(DuesCallFactory(), today=TODAY - dt.timedelta(1))
    assert InvoiceSequence.objects.get().last_number == 1  # no number used up


@pytest.mark.django_db
def test_issuing_sets_the_dates_from_the_settings_payment_days(issuer):
    call = invoices.issue_invoice(DuesCallFactory(due_on=None), today=TODAY)
    assert call.issued_on == TODAY
    assert call.due_on == dt.date(2027, 2, 14)  # 30 days by default
    issuer.payment_days = 45
    issuer.save()
    # A date planned before issue does not count: issue date + delay.
    call = invoices.issue_invoice(
        DuesCallFactory(due_on=dt.date(2027, 1, 1)), today=TODAY
    )
    assert call.due_on == dt.date(2027, 3, 1)
    invoice = invoices.invoice_of(call)
    assert (invoice.issued_on, invoice.due_on) == (TODAY, dt.date(2027, 3, 1))


@pytest.mark.django_db
def test_a_required_commitment_number_blocks_issuing():
    call = DuesCallFactory(member=MemberFactory(commitment_number_required=True))
    with pytest.raises(errors.DuesError, match="numéro d’engagement"):
        invoices.issue_invoice(call, today=TODAY)
    call.commitment_number = "EJ-2027-118"
    call.save()
    assert invoices.issue_invoice(call, today=TODAY).number == 1


@pytest.mark.django_db
def test_issue_invoices_admin_action(admin_client):
    calls = DuesCallFactory.create_batch(2)
    response = admin_client.post(
        reverse("admin:dues_duescall_changelist"),
        {"action": "issue_invoices", "_selected_action": [c.pk for c in calls]},
        follow=True,
    )
    # Issued by a background task (run at once in tests); the run's page
    # shows the progress.
    page = response.content.decode()
    assert "Émission de 2 facture(s) lancée" in page
    assert "2 / 2 facture(s) émise(s), 0 erreur(s)" in page
    assert "Terminée le" in page
    assert sorted(DuesCall.objects.values_list("number", flat=True)) == [1, 2]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks (select_for_update); "
    "run with DATABASE_URL=postgres://…",
)
@pytest.mark.django_db(transaction=True)
def test_numbers_have_no_gaps_when_people_issue_at_once():
    calls = DuesCallFactory.create_batch(24)
    workers = 4
    start = threading.Barrier(workers)
    errors = []

    def issue(chunk):
        try:
            start.wait()
            for call in chunk:
                invoices.issue_invoice(call, today=TODAY)
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    # Each worker issues half of the calls, so each call is issued by two
    # workers at once: it must still get one number, and no number is lost.
    threads = [
        threading.Thread(target=issue, args=(calls[i % 2 :: 2],))
        for i in range(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(DuesCall.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 25))


@pytest.mark.django_db
def test_pdf_carries_the_number_amount_and_sirets(issuer):
    issuer.siret = "77567227200028"
    issuer.save()
    member = MemberFactory(siret="21690123400017", chorus_service_code="FINANCES-01")
    call = DuesCallFactory(
        member=member, amount=Decimal("1234.50"), commitment_number="EJ-118"
    )
    call = invoices.issue_invoice(call, today=TODAY)

    pdf = invoice_pdf(call)

    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    assert "2027-0001" in text
    assert "1 234,50 €" in text
    assert "77567227200028" in text  # the association's SIRET
    assert "21690123400017" in text  # the buyer's SIRET (Chorus Pro)
    assert "FINANCES-01" in text and "EJ-118" in text
    assert "FR76 3000 1007 9412 3456 7890 185" in text


@pytest.mark.django_db
def test_invoice_is_emailed_to_the_finance_contact():
    call = DuesCallFactory()
    with pytest.raises(errors.DuesError, match="émettez la facture"):
        sending.send_invoice(call)
    call = invoices.issue_invoice(call, today=TODAY)

    sending.send_invoice(call)

    (message,) = mail.outbox
    assert message.to == [call.member.finance_contact_email]
    assert "facture 2027-0001" in message.subject
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("facture-rfve-2027-0001.pdf", "application/pdf")
    assert "2027-0001" in _pdf_text(content)
    call.refresh_from_db()
    assert call.sent_at is not None


@pytest.mark.django_db
def test_send_action_reports_missing_email(admin_client):
    call = invoices.issue_invoice(
        DuesCallFactory(member=MemberFactory(finance_contact_email="")), today=TODAY
    )
    response = admin_client.post(
        reverse("admin:dues_duescall_changelist"),
        {"action": "send_invoices", "_selected_action": [call.pk]},
        follow=True,
    )
    assert "aucun courriel du contact finances" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.django_db
def test_pdf_download_from_the_admin(admin_client):
    call = DuesCallFactory()
    url = reverse("admin:dues_duescall_pdf", args=[call.pk])
    assert admin_client.get(url).status_code == 404  # not issued yet
    invoices.issue_invoice(call, today=TODAY)
    change_page = admin_client.get(
        reverse("admin:dues_duescall_change", args=[call.pk])
    )
    assert url in change_page.content.decode()

    response = admin_client.get(url)

    assert response["Content-Type"] == "application/pdf"
    assert "facture-rfve-2027-0001.pdf" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_pdf_carries_the_issuers_identity_from_its_settings(issuer):
    issuer.vat_regime = issuer.VatRegime.EXEMPT
    issuer.save()
    # Without a VAT number, the SIREN is the tax identifier (BR-E-02).
    without = invoices.issue_invoice(DuesCallFactory(), today=TODAY)
    assert "Identifiant fiscal (SIREN) : 412345670" in _pdf_text(invoice_pdf(without))
    issuer.vat_number = "FR96412345670"
    issuer.save()
    call = invoices.issue_invoice(DuesCallFactory(), today=TODAY)

    text = _pdf_text(invoice_pdf(call))

    assert "Réseau français des villes éducatrices" in text
    assert "Association régie par la loi du 1er juillet 1901" in text
    assert "Place Lazare-Goujon" in text and "69100 Villeurbanne" in text
    assert "W691000000" in text and "04 65 71 20 23" in text
    assert "tresorerie@villeseducatrices.fr" in text
    assert "BDFEFRPPCCT" in text
    assert "Exonération de TVA, article 261-7-1° a du CGI" in text
    assert "TVA intracommunautaire : FR96412345670" in text
    assert "Identifiant fiscal" not in text
    assert "hors du champ" not in text
    # What the statutes provide for unpaid dues, not commercial penalties.
    assert "radiation du membre" in " ".join(text.split())
    assert "40 €" not in text and "pénalités de retard" not in text


@pytest.mark.django_db
def test_pdf_says_dues_are_outside_the_scope_of_vat_by_default(issuer):
    call = invoices.issue_invoice(DuesCallFactory(), today=TODAY)
    text = _pdf_text(invoice_pdf(call))
    assert "Cotisation statutaire hors du champ d’application de la TVA" in " ".join(
        text.split()
    )


@pytest.mark.django_db
def test_no_invoice_is_issued_while_the_issuer_is_incomplete(no_issuer):
    call = DuesCallFactory()
    with pytest.raises(errors.DuesError) as refused:
        invoices.issue_invoice(call, today=TODAY)
    message = str(refused.value)
    assert "Aucune facture ne peut être émise" in message
    for field in ("« adresse du siège »", "« SIRET »", "« IBAN »", "« BIC »"):
        assert field in message
    assert "« nom »" not in message  # it has a default
    call.refresh_from_db()
    assert call.number is None
    assert not InvoiceSequence.objects.exists()  # no number used up


@pytest.mark.django_db
def test_issue_action_names_the_missing_issuer_fields(admin_client, no_issuer):
    SiteSettings(siret="41234567000019", iban="", bic="BDFEFRPPCCT").save()
    calls = DuesCallFactory.create_batch(2)
    response = admin_client.post(
        reverse("admin:dues_duescall_changelist"),
        {"action": "issue_invoices", "_selected_action": [c.pk for c in calls]},
        follow=True,
    )
    page = response.content.decode()
    # Said once, not once per call.
    assert page.count("Aucune facture ne peut être émise") == 1
    assert typeset("« adresse du siège », « IBAN ».") in page
    assert "facture(s) émise(s)" not in page
    assert not DuesCall.objects.filter(number__isnull=False).exists()
