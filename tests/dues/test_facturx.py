"""Every issued invoice and credit note is a Factur-X file (PDF/A-3 with the
EN 16931 CII XML): valid against the XSD and the schematron, and what the XML
says equals what the PDF prints."""

import datetime as dt
import io
from decimal import Decimal

import facturx
import pytest
from pypdf import PdfReader

from association.models import SiteSettings
from dues import credit_notes, documents, invoices
from tests.factories import DuesCallFactory, DuesScaleFactory, MemberFactory

from .facturx_checks import embedded_xml, schematron_failures, xmp, xpath

pytestmark = pytest.mark.django_db
TODAY = dt.date(2027, 1, 15)


def _issued(**member):
    DuesScaleFactory()
    member = MemberFactory(
        chorus_service_code="FINANCES-01",
        invoicing_address="Direction des finances\n1 place de la Comédie\n69001 Lyon",
        **member,
    )
    call = DuesCallFactory(
        member=member, amount=Decimal("1234.50"), commitment_number="EJ-118"
    )
    return invoices.invoice_of(invoices.issue_invoice(call, today=TODAY))


@pytest.mark.parametrize("vat_number", ["FR96412345670", ""])
@pytest.mark.parametrize("regime", list(SiteSettings.VatRegime))
def test_invoice_and_credit_note_pass_the_xsd_and_the_schematron(
    issuer, regime, vat_number
):
    """Exempt without a VAT number too: the SIREN as the seller's tax
    registration identifier (BT-32) satisfies BR-E-02."""
    issuer.vat_regime = regime
    issuer.vat_number = vat_number  # printed only when exempt
    issuer.save()
    invoice = _issued()
    note = credit_notes.issue_credit_note(
        invoice, Decimal("234.50"), "Erreur de tranche", today=dt.date(2027, 2, 1)
    )
    for document in (invoice, note):
        xml = embedded_xml(documents.read_pdf(document))
        assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
        assert schematron_failures(xml) == []


def test_the_file_is_a_pdf_a_3_factur_x_en_16931():
    pdf = documents.read_pdf(_issued())
    metadata = xmp(pdf)
    assert "<pdfaid:part>3</pdfaid:part>" in metadata
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in metadata
    assert "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in metadata
    assert "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>" in metadata


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def test_the_xml_says_what_the_pdf_prints():
    invoice = _issued()
    pdf = documents.read_pdf(invoice)
    xml, text = embedded_xml(pdf), _pdf_text(pdf)

    def one(path):
        [value] = xpath(xml, path)
        return value

    assert one("//rsm:ExchangedDocument/ram:ID/text()") == "2027-0001"
    assert "Facture n° 2027-0001" in text
    assert one("//ram:IssueDateTime/udt:DateTimeString/text()") == "20270115"
    assert "Date d’émission 15/01/2027" in text
    assert one("//ram:DueDateDateTime/udt:DateTimeString/text()") == "20270214"
    assert "Date d’échéance 14/02/2027" in text
    assert one("//ram:GrandTotalAmount/text()") == "1234.50"
    assert one("//ram:DuePayableAmount/text()") == "1234.50"
    assert "Total à payer 1 234,50 €" in text
    seller = one("//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID/text()")
    buyer = one("//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID/text()")
    assert seller == "41234567000019" and f"SIRET : {seller}" in text
    assert buyer == invoice.data["recipient"]["siret"]
    assert f"SIRET de l’acheteur {buyer}" in text
    assert one("//ram:BuyerReference/text()") == "FINANCES-01"
    assert "Code service FINANCES-01" in text
    assert one("//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID/text()") == (
        "EJ-118"
    )
    assert "N° d’engagement EJ-118" in text
    assert one("//ram:BuyerTradeParty/ram:Name/text()") == invoice.recipient_name
    assert invoice.recipient_name in text
    assert one("//ram:IBANID/text()") == "FR7630001007941234567890185"
    assert "FR76 3000 1007 9412 3456 7890 185" in text
    assert one("//ram:ExemptionReason/text()") in text
    assert "du 1er janvier au 31 décembre 2027" in text
    period = "//ram:BillingSpecifiedPeriod/ram:{}/udt:DateTimeString/text()"
    assert (one(period.format("StartDateTime")), one(period.format("EndDateTime"))) == (
        "20270101",
        "20271231",
    )


def test_the_schematron_check_finds_errors():
    """The harness itself: a wrong total is reported (BR-CO-15/16)."""
    xml = embedded_xml(documents.read_pdf(_issued()))
    broken = xml.replace(
        b"<ram:DuePayableAmount>1234.50<", b"<ram:DuePayableAmount>1.00<"
    )
    assert broken != xml
    assert schematron_failures(broken) != []
