"""Emailing a registration invoice or its credit note to the order's buyer,
as dues invoices are (dues/sending.py): the stored Factur-X file attached,
answers to the treasury, and for a public buyer the words that the
association deposits the invoice on Chorus Pro (the supplier's duty).

Who receives it: a member city's finance contact (its record); anyone else,
the people whose registrations the invoice bills (the order has no other
address)."""

from django.db import transaction
from django.utils import timezone

from calendar_app.dates import french_day
from dues.errors import DuesError
from dues.models import Invoice
from dues.sending import document_message
from outbox.sending import kind
from rfve_site.text import one_line

from .models import Registration


def _registrations(document: Invoice) -> list[Registration]:
    invoice = document.credited_invoice if document.is_credit_note else document
    registrations = list(
        Registration.objects.filter(invoice=invoice)
        .select_related("event", "order__authority__member")
        .order_by("pk")
    )
    if not registrations or registrations[0].order is None:
        raise DuesError(f"{document} : aucune inscription ne correspond à ce document.")
    return registrations


def recipients(registrations: list[Registration]) -> list[str]:
    order = registrations[0].order
    member = order.member
    if member is not None:
        if not member.finance_contact_email:
            raise DuesError(f"{member} : aucun courriel du contact finances.")
        return [member.finance_contact_email]
    emails = list(dict.fromkeys(r.email for r in registrations if r.email))
    if not emails:
        raise DuesError(f"{order.payer} : aucun courriel à qui envoyer la facture.")
    return emails


def send_document(document: Invoice) -> None:
    """Email a registration invoice, or a credit note on one, to its buyer."""
    registrations = _registrations(document)
    event = registrations[0].event
    invoice = document.credited_invoice if document.is_credit_note else document
    message = document_message(
        document,
        to=recipients(registrations),
        template="registrations/email/"
        + ("avoir" if document.is_credit_note else "facture"),
        context={
            "event": one_line(event.title),
            "when": french_day(timezone.localdate(event.starts_at), weekday=False),
            "buyer": one_line(invoice.data["recipient"]["legal_name"]),
            "count": len(invoice.data["lines"]),
            "credited": invoice,
        },
    )
    message.send()


def send_quietly(documents) -> list[str]:
    """Send each document in its own transaction (the outbox's copy is
    written in it); the French errors of those not sent."""
    errors = []
    for document in documents:
        try:
            with transaction.atomic(), kind(document.kind):
                send_document(document)
        except DuesError as error:
            errors.append(f"{document.number} émis mais pas envoyé : {error}")
    return errors
