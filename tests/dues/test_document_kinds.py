"""Each document says what it is: a dues invoice the statutes' clause, a
registration invoice (the price of a service) the late-payment mentions that
apply to its buyer, a credit note neither; every kind passes the XSD and the
EN 16931 schematron."""

import datetime as dt
import io
from decimal import Decimal

import facturx
import pytest
from pypdf import PdfReader

from dues import credit_notes, documents, invoices
from registrations import orders
from registrations.models import Order, Rate
from tests.dues.facturx_checks import embedded_xml, schematron_failures, xpath
from tests.factories import (
    DuesCallFactory,
    LocalAuthorityFactory,
    RateFactory,
    RegistrationFactory,
    RegistrationSettingsFactory,
    paris,
)

pytestmark = pytest.mark.django_db

NOW = paris(2030, 3, 20, 10)  # after the factory's event (12 March 2030)
TODAY = NOW.date()
STATUTES = "radiation du membre"
PUBLIC_SIRET = "21690123400019"  # a commune: SIREN starting with 2
COMPANY_SIRET = "55208131766522"


def _text(document) -> str:
    reader = PdfReader(io.BytesIO(documents.read_pdf(document)))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def _registration_invoice(siret: str, *, organisation: bool = False):
    settings = RegistrationSettingsFactory()
    rate = RateFactory(settings=settings, category=Rate.Category.NON_MEMBER)
    extra = (
        {"authority": None, "organisation": "Éditions Exemple SA"}
        if organisation
        else {"authority": LocalAuthorityFactory(name="Lyon")}
    )
    registration = RegistrationFactory(
        event=settings.event, rate=rate, last_name="Martin", **extra
    )
    if organisation:  # the order as the form makes it, without its lock
        order = Order.objects.create(
            event=settings.event,
            organisation="Éditions Exemple SA",
            legal_name="Éditions Exemple SA",
            siret=siret,
        )
        registration.order = order
        registration.save(update_fields=["order"])
    else:
        order = orders.attach(registration, {})
        order.legal_name = "Commune de Lyon"
        order.siret = siret
    order.invoicing_address = "1 rue de la République\n69001 Lyon"
    order.save()
    orders.confirm_billing(order, by="secretariat", now=NOW)
    settings.is_open = False
    settings.save()
    (invoice,), _, errors = orders.issue_documents(settings, now=NOW)
    assert errors == []
    return invoice, registration


def _checked(document) -> bytes:
    xml = embedded_xml(documents.read_pdf(document))
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert schematron_failures(xml) == [], document
    return xml


def test_a_dues_invoice_keeps_the_statutes_clause_and_no_commercial_penalty():
    call = invoices.issue_invoice(DuesCallFactory(), today=TODAY)
    invoice = invoices.invoice_of(call)
    text = _text(invoice)
    assert STATUTES in text
    assert "40 €" not in text and "intérêts moratoires" not in text
    notes = xpath(_checked(invoice), "//rsm:ExchangedDocument/ram:IncludedNote//text()")
    assert any(STATUTES in note for note in notes)


def test_a_public_buyers_registration_invoice_has_the_public_procurement_mentions():
    invoice, _ = _registration_invoice(PUBLIC_SIRET)
    text = _text(invoice)
    assert STATUTES not in text and "statuts" not in text
    assert "intérêts moratoires" in text
    assert "articles L. 2192-13 et R. 2192-31 du code de la commande publique" in text
    assert "indemnité forfaitaire pour frais de recouvrement de 40 €" in text
    assert "Aucun escompte" in text
    assert "code de commerce" not in text
    notes = xpath(_checked(invoice), "//rsm:ExchangedDocument/ram:IncludedNote//text()")
    assert any("intérêts moratoires" in note for note in notes)


def test_a_companys_registration_invoice_has_the_code_de_commerce_mentions():
    invoice, _ = _registration_invoice(COMPANY_SIRET, organisation=True)
    text = _text(invoice)
    assert "articles L. 441-10 et D. 441-5 du code de commerce" in text
    assert "majoré de 10 points" in text and "40 €" in text
    assert STATUTES not in text and "commande publique" not in text
    _checked(invoice)


def test_credit_notes_carry_neither_the_statutes_nor_late_payment_mentions():
    call = invoices.issue_invoice(DuesCallFactory(), today=TODAY)
    dues_note = credit_notes.issue_credit_note(
        invoices.invoice_of(call), Decimal("100"), "Erreur de tranche", today=TODAY
    )
    invoice, _ = _registration_invoice(PUBLIC_SIRET)
    registration_note = credit_notes.issue_credit_note(
        invoice, invoice.total, "Inscription annulée", today=TODAY
    )
    for note in (dues_note, registration_note):
        text = _text(note)
        assert text.count("Avoir n° AV-2030-") == 1
        assert STATUTES not in text and "intérêts moratoires" not in text
        assert "IBAN" not in text  # nothing to pay
        _checked(note)


def test_a_credit_note_dated_before_its_invoice_is_refused():
    from dues.errors import DuesError

    call = invoices.issue_invoice(DuesCallFactory(), today=TODAY)
    with pytest.raises(DuesError, match="avant la facture"):
        credit_notes.issue_credit_note(
            invoices.invoice_of(call),
            Decimal("1"),
            "Erreur",
            today=TODAY - dt.timedelta(days=1),
        )
