"""An invoice is a document frozen at issue: its file is made once, stored
privately with its SHA-256, and nothing it prints changes afterwards, nor can
it be deleted."""

import datetime as dt
import hashlib
import logging
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.storage import storages
from django.urls import reverse

from dues import documents, errors, invoices, sending
from dues.models import DuesCall, FrozenDocumentError, Invoice, InvoiceSequence
from tests.factories import DuesCallFactory, MemberFactory

from .facturx_checks import embedded_xml, xpath

pytestmark = pytest.mark.django_db
TODAY = dt.date(2027, 1, 15)


@pytest.fixture
def call():
    member = MemberFactory(
        chorus_service_code="FINANCES-01",
        invoicing_address="Direction des finances\n1 place de la Comédie\n69001 Lyon",
    )
    return invoices.issue_invoice(
        DuesCallFactory(member=member, commitment_number="EJ-118"), today=TODAY
    )


@pytest.fixture
def group_client(client, django_user_model):
    def login(group: str | None):
        user = django_user_model.objects.create_user(
            username=f"u-{group}", password="x", is_staff=True, is_superuser=not group
        )
        if group:
            user.groups.add(Group.objects.get(name=group))
        client.force_login(user)
        return client

    return login


def test_issue_records_what_is_printed(call):
    invoice = invoices.invoice_of(call)
    data = invoice.data
    assert (invoice.number, invoice.kind) == ("2027-0001", "facture")
    assert (data["issued_on"], data["due_on"]) == ("2027-01-15", "2027-02-14")
    assert data["issuer"]["siret"] == "41234567000019"
    assert data["issuer"]["iban"] == "FR7630001007941234567890185"
    assert data["recipient"]["legal_name"] == f"Commune de {call.member.name}"
    assert data["recipient"]["address"] == {
        "lines": ["Direction des finances", "1 place de la Comédie"],
        "postcode": "69001",
        "city": "Lyon",
        "country": "FR",
    }
    assert data["recipient"]["service_code"] == "FINANCES-01"
    assert data["recipient"]["commitment_number"] == "EJ-118"
    [line] = data["lines"]
    assert line["period"]["text"] == "du 1er janvier au 31 décembre 2027"
    assert line["details"] == [
        "Population retenue : 25\u202f000\u00a0habitants, "
        "population municipale (Insee, millésime 2022)"
    ]
    assert data["total"] == "900.00"
    assert "Cotisation statutaire hors du champ" in data["issuer"]["vat"]["text"]
    assert invoice.sha256 == hashlib.sha256(documents.read_pdf(invoice)).hexdigest()


def test_the_recipient_is_named_as_a_legal_person():
    def name(authority_name, kind="commune"):
        authority = MemberFactory(
            authority__name=authority_name, authority__kind=kind
        ).authority
        return authority.legal_name

    assert name("Lyon") == "Commune de Lyon"
    assert name("Annecy") == "Commune d’Annecy"
    assert name("Le Havre") == "Commune du Havre"
    assert name("Les Lilas") == "Commune des Lilas"
    assert name("Métropole de Lyon", "epci") == "Métropole de Lyon"


def test_an_issued_pdf_never_changes(call, admin_client, issuer, settings, tmp_path):
    """Member, settings and template changed after issue: the download, the
    email and the reminders carry the same bytes."""
    invoice = invoices.invoice_of(call)
    siret = call.member.siret
    url = reverse("admin:dues_invoice_pdf", args=[invoice.pk])
    before = admin_client.get(url).content
    assert hashlib.sha256(before).hexdigest() == invoice.sha256

    member = call.member
    member.siret = "21690123400017"
    member.invoicing_address = "Ailleurs\n75001 Paris"
    member.chorus_service_code = "AUTRE"
    member.save()
    issuer.name = "Autre association"
    issuer.iban = "FR1420041010050500013M02606"
    issuer.vat_regime = issuer.VatRegime.EXEMPT
    issuer.vat_number = "FR96412345670"
    issuer.save()
    (tmp_path / "dues").mkdir()
    (tmp_path / "dues/invoice.html").write_text("<p>Autre gabarit</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]

    after = admin_client.get(url).content
    from_call = admin_client.get(reverse("admin:dues_duescall_pdf", args=[call.pk]))
    sending.send_invoice(call)

    assert after == before == from_call.content
    assert mail.outbox[0].attachments[0][1] == before
    xml = embedded_xml(after)
    assert xpath(xml, "//ram:BuyerTradeParty//ram:ID/text()") == [siret]
    assert "Autre association" not in xml.decode()
    invoice.refresh_from_db()
    assert invoice.data["recipient"]["siret"] == siret


def test_files_are_private_not_under_the_public_media(call):
    invoice = invoices.invoice_of(call)
    path = Path(storages["invoices"].path(invoice.file))
    assert path.exists()
    assert Path(django_settings.MEDIA_ROOT) not in path.parents
    assert invoice.file == "factures/2027/2027-0001.pdf"


def test_default_private_root_is_not_the_media_root():
    from rfve_site import settings as project_settings

    assert project_settings.PRIVATE_MEDIA_ROOT != project_settings.MEDIA_ROOT
    media = Path(project_settings.MEDIA_ROOT)
    assert media not in Path(project_settings.PRIVATE_MEDIA_ROOT).parents


def test_a_changed_file_is_refused_and_logged(call, admin_client, caplog):
    invoice = invoices.invoice_of(call)
    path = Path(storages["invoices"].path(invoice.file))
    path.write_bytes(path.read_bytes() + b"\n% altered")

    with caplog.at_level(logging.ERROR, logger="dues.documents"):
        response = admin_client.get(
            reverse("admin:dues_invoice_pdf", args=[invoice.pk]), follow=True
        )
    assert response["Content-Type"].startswith("text/html")
    assert "ne correspond plus à celui émis" in response.content.decode()
    assert "does not match its SHA-256" in caplog.text
    with pytest.raises(errors.DuesError, match="SHA-256"):
        sending.send_invoice(call)
    assert mail.outbox == []


def test_frozen_fields_refuse_any_change_in_code(call):
    call.amount = Decimal("1")
    with pytest.raises(FrozenDocumentError):
        call.save()
    call.refresh_from_db()
    call.no_reminders = True
    call.save()  # not printed: allowed

    invoice = invoices.invoice_of(call)
    invoice.total = Decimal("1")
    with pytest.raises(FrozenDocumentError):
        invoice.save()
    invoice.refresh_from_db()
    invoice.data = {**invoice.data, "total": "1.00"}
    with pytest.raises(FrozenDocumentError):
        invoice.save(update_fields=["data"])
    invoice.refresh_from_db()
    invoice.chorus_status = Invoice.ChorusStatus.DEPOSITED
    invoice.save()  # the follow-up changes


def test_a_tampered_post_does_not_change_an_issued_call(call, admin_client):
    other = MemberFactory()
    url = reverse("admin:dues_duescall_change", args=[call.pk])
    admin_client.post(
        url,
        {
            "member": other.pk,
            "year": 2030,
            "amount": "1.00",
            "commitment_number": "FAUX",
            "override_reason": "x",
            "no_reminders": "on",
            "documents-TOTAL_FORMS": 1,
            "documents-INITIAL_FORMS": 1,
            "payments-TOTAL_FORMS": 0,
            "payments-INITIAL_FORMS": 0,
            "reminders-TOTAL_FORMS": 0,
            "reminders-INITIAL_FORMS": 0,
        },
    )
    saved = DuesCall.objects.get(pk=call.pk)
    assert (saved.member, saved.year, saved.amount) == (call.member, 2027, 900)
    assert saved.commitment_number == "EJ-118"
    assert saved.no_reminders  # not printed: still editable


def test_a_draft_call_stays_editable(admin_client):
    draft = DuesCallFactory(amount=Decimal("900"))
    admin_client.post(
        reverse("admin:dues_duescall_change", args=[draft.pk]),
        {
            "amount": "450.00",
            "override_reason": "Adhésion en cours d’année",
            "commitment_number": "",
            "documents-TOTAL_FORMS": 0,
            "documents-INITIAL_FORMS": 0,
            "payments-TOTAL_FORMS": 0,
            "payments-INITIAL_FORMS": 0,
            "reminders-TOTAL_FORMS": 0,
            "reminders-INITIAL_FORMS": 0,
        },
    )
    draft.refresh_from_db()
    assert draft.amount == Decimal("450")


def test_a_tampered_post_changes_only_the_chorus_follow_up(call, group_client):
    invoice = invoices.invoice_of(call)
    client = group_client("Trésorerie")
    client.post(
        reverse("admin:dues_invoice_change", args=[invoice.pk]),
        {
            "number": "2027-9999",
            "total": "1.00",
            "recipient_name": "Autre",
            "sha256": "0" * 64,
            "chorus_deposit_number": "CPP-0042",
            "chorus_status": Invoice.ChorusStatus.DEPOSITED,
            "chorus_status_on": "2027-01-20",
            "chorus_rejection_reason": "",
        },
    )
    saved = Invoice.objects.get(pk=invoice.pk)
    assert (saved.number, saved.total, saved.sha256) == (
        "2027-0001",
        Decimal("900.00"),
        invoice.sha256,
    )
    assert saved.chorus_status == Invoice.ChorusStatus.DEPOSITED
    assert saved.chorus_deposit_number == "CPP-0042"


@pytest.mark.parametrize("group", ["Secrétariat", "Trésorerie", "Bureau", None])
def test_issued_calls_and_invoices_are_never_deleted(call, group, group_client):
    client = group_client(group)  # None: a superuser
    invoice = invoices.invoice_of(call)
    for url in (
        reverse("admin:dues_duescall_delete", args=[call.pk]),
        reverse("admin:dues_invoice_delete", args=[invoice.pk]),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {"post": "yes"}).status_code == 403
    for model in ("duescall", "invoice"):
        client.post(
            reverse(f"admin:dues_{model}_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [call.pk if model == "duescall" else invoice.pk],
                "post": "yes",
            },
        )
    assert DuesCall.objects.filter(pk=call.pk).exists()
    assert Invoice.objects.filter(pk=invoice.pk).exists()


@pytest.mark.parametrize("group", ["Secrétariat", "Trésorerie", None])
def test_a_draft_call_can_be_deleted(group, group_client):
    draft = DuesCallFactory()
    client = group_client(group)
    url = reverse("admin:dues_duescall_delete", args=[draft.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not DuesCall.objects.filter(pk=draft.pk).exists()


def test_secretariat_issues_but_neither_edits_nor_credits(group_client):
    draft = DuesCallFactory()
    client = group_client("Secrétariat")
    client.post(
        reverse("admin:dues_duescall_changelist"),
        {"action": "issue_invoices", "_selected_action": [draft.pk]},
    )
    invoice = invoices.invoice_of(DuesCall.objects.get(pk=draft.pk))
    change = client.post(
        reverse("admin:dues_invoice_change", args=[invoice.pk]),
        {"chorus_status": Invoice.ChorusStatus.PAID},
    )
    assert change.status_code == 403
    credit = reverse("admin:dues_invoice_credit", args=[invoice.pk])
    assert client.post(credit, {"amount": "1", "reason": "x"}).status_code == 403
    invoice.refresh_from_db()
    assert invoice.chorus_status == Invoice.ChorusStatus.NOT_DEPOSITED
    assert not invoice.credit_notes.exists()


def test_bureau_reads_invoices_but_downloads_nothing(call, group_client):
    client = group_client("Bureau")
    invoice = invoices.invoice_of(call)
    listing = client.get(reverse("admin:dues_invoice_changelist"))
    assert "2027-0001" in listing.content.decode()
    assert (
        client.get(reverse("admin:dues_invoice_pdf", args=[invoice.pk])).status_code
        == 403
    )
    zip_url = reverse("admin:dues_duescall_treasury_zip")
    assert client.get(zip_url, {"annee": 2027}).status_code == 403


def test_legacy_numbered_calls_are_frozen_once_without_renumbering(issuer):
    """Calls numbered before invoices were stored: the command freezes them
    with their number and dates."""
    from django.core.management import call_command

    legacy = DuesCallFactory(
        number=7, issued_on=dt.date(2026, 12, 20), due_on=dt.date(2027, 1, 31)
    )
    InvoiceSequence.objects.create(year=2027, last_number=7)  # kind: invoices
    call_command("freeze_issued_invoices", verbosity=0)
    call_command("freeze_issued_invoices", verbosity=0)

    invoice = Invoice.objects.get()
    assert invoice.call == legacy and invoice.number == "2027-0007"
    assert (invoice.issued_on, invoice.due_on) == (
        dt.date(2026, 12, 20),
        dt.date(2027, 1, 31),
    )
    assert embedded_xml(documents.read_pdf(invoice))
    # The next invoice continues the counter, which the command left alone.
    assert invoices.issue_invoice(DuesCallFactory(), today=TODAY).number == 8
