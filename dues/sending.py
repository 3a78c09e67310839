"""Sending an issued invoice or credit note by email, with its stored
Factur-X file, from the treasury (answers go to its address)."""

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from association.models import SiteSettings
from outbox.sending import kind
from rfve_site import formats
from rfve_site.text import one_line
from rfve_site.typography import french

from . import documents
from .errors import DuesError
from .invoices import invoice_of
from .models import DuesCall, Invoice


def pdf_of(document: Invoice) -> bytes:
    """The stored file, checked; a French DuesError if it fails its check."""
    try:
        return documents.read_pdf(document)
    except documents.DocumentIntegrityError as error:
        raise DuesError(str(error)) from error


def _message(document: Invoice, call: DuesCall, template: str) -> EmailMessage:
    recipient = call.member.finance_contact_email
    if not recipient:
        raise DuesError(f"{call.member} : aucun courriel du contact finances.")
    context = {
        "association": document.data["issuer"]["name"],
        "document": document,
        "call": call,
        "member": one_line(str(call.member)),
        "amount": formats.euros(document.total),
        # Invoicing a public body goes through Chorus Pro, the supplier's
        # duty (ordonnance 2014-697, code de la commande publique L. 2192-1).
        "public_buyer": documents.is_public_body(
            document.data["recipient"].get("siret", "")
        ),
    }
    message = EmailMessage(
        subject=french(
            one_line(render_to_string(f"dues/emails/{template}_subject.txt", context))
        ),
        body=french(render_to_string(f"dues/emails/{template}_body.txt", context)),
        to=[recipient],
        reply_to=SiteSettings.load().treasury_reply_to(),
    )
    message.attach(document.filename, pdf_of(document), "application/pdf")
    return message


def send_invoice(call: DuesCall) -> None:
    """Email the invoice (its stored Factur-X file) to the finance contact:
    the outbox's copy and the call's "sent" date, both or neither."""
    with transaction.atomic(), kind("facture"):
        _message(invoice_of(call), call, "invoice").send()
        call.sent_at = timezone.now()
        call.save(update_fields=["sent_at"])


def send_credit_note(note: Invoice) -> None:
    """Email a credit note of a dues invoice to the finance contact, as the
    invoice was."""
    if not note.is_credit_note or note.call is None:
        raise DuesError(f"{note} : seuls les avoirs de cotisation s’envoient ici.")
    with kind("avoir"):
        _message(note, note.call, "credit_note").send()
