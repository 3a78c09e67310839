"""The demo's invoices: issued and frozen with their Factur-X file, one credit
note, Chorus Pro statuses spread over them, payment methods fit for public
bodies."""

import facturx

from dues import documents
from dues.models import DuesCall, Invoice, Payment

from .facturx_checks import embedded_xml, schematron_failures


def test_demo_invoices(demo):
    issued = DuesCall.objects.filter(number__isnull=False)
    invoices = Invoice.objects.invoices().filter(call__isnull=False)
    assert issued.count() == invoices.count() >= 8
    # The registrations' demo invoices a past paying event in its own series.
    registration_invoices = Invoice.objects.invoices().filter(call__isnull=True)
    assert registration_invoices.exists()
    assert all(
        number.startswith("INS-")
        for number in registration_invoices.values_list("number", flat=True)
    )
    assert DuesCall.objects.filter(number__isnull=True).exists()  # left to issue
    statuses = set(invoices.values_list("chorus_status", flat=True))
    assert statuses == set(Invoice.ChorusStatus.values)
    assert invoices.get(chorus_status="rejetee").chorus_rejection_reason
    [note] = Invoice.objects.credit_notes()
    assert note.number.startswith("AV-") and note.credited_invoice.call.is_issued
    methods = set(Payment.objects.values_list("method", flat=True))
    assert methods == {Payment.Method.TRANSFER, Payment.Method.MANDATE}

    for document in Invoice.objects.all():
        xml = embedded_xml(documents.read_pdf(document))  # SHA-256 checked
        assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert schematron_failures(embedded_xml(documents.read_pdf(note))) == []
    assert schematron_failures(embedded_xml(documents.read_pdf(invoices[0]))) == []
