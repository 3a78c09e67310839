"""Every issued invoice and credit note is a Factur-X file (PDF/A-3 with the
EN 16931 CII XML): valid against the XSD and the schematron, and what the XML
says equals what the PDF prints."""

import datetime as dt
from decimal import Decimal

import facturx
import pytest

from association.models import SiteSettings
from dues import documents, dues
from tests.factories import DuesCallFactory, DuesScaleFactory, MemberFactory

from .facturx_checks import embedded_xml, schematron_failures

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
    return dues.invoice_of(dues.issue_invoice(call, today=TODAY))


@pytest.mark.parametrize("regime", list(SiteSettings.VatRegime))
def test_invoice_and_credit_note_pass_the_xsd_and_the_schematron(issuer, regime):
    issuer.vat_regime = regime
    issuer.vat_number = "FR96412345670"  # printed only when exempt
    issuer.save()
    invoice = _issued()
    note = dues.issue_credit_note(
        invoice, Decimal("234.50"), "Erreur de tranche", today=dt.date(2027, 2, 1)
    )
    for document in (invoice, note):
        xml = embedded_xml(documents.read_pdf(document))
        assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
        assert schematron_failures(xml) == []
