"""Sending an issued invoice by email, with its stored Factur-X file."""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from rfve_site.text import one_line
from rfve_site.typography import french

from . import documents
from .errors import DuesError
from .invoices import euros, invoice_of
from .models import (
    DuesCall,
    Invoice,
)


def pdf_of(document: Invoice) -> bytes:
    """The stored file, checked; a French DuesError if it fails its check."""
    try:
        return documents.read_pdf(document)
    except documents.DocumentIntegrityError as error:
        raise DuesError(str(error)) from error


def send_invoice(call: DuesCall) -> None:
    """Email the invoice (its stored Factur-X file) to the finance contact."""
    invoice = invoice_of(call)
    recipient = call.member.finance_contact_email
    if not recipient:
        raise DuesError(f"{call.member} : aucun courriel du contact finances.")
    context = {
        "association": invoice.data["issuer"]["name"],
        "invoice": invoice,
        "call": call,
        "member": one_line(str(call.member)),
        "amount": euros(invoice.total),
    }
    message = EmailMessage(
        subject=french(
            one_line(render_to_string("dues/emails/invoice_subject.txt", context))
        ),
        body=french(render_to_string("dues/emails/invoice_body.txt", context)),
        to=[recipient],
    )
    message.attach(invoice.filename, pdf_of(invoice), "application/pdf")
    message.send()
    call.sent_at = timezone.now()
    call.save(update_fields=["sent_at"])
