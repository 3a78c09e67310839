"""Credit notes: correcting an issued invoice (dues or registrations), and
cancelling the calls of members who left."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from rfve_site.text import one_line

from . import documents
from .errors import DuesError
from .invoices import PAYMENT_METHODS, check_issuer, euros, invoice_of
from .models import (
    Invoice,
)


def creditable(invoice: Invoice) -> Decimal:
    """What is left to credit on an invoice."""
    credited = sum((note.total for note in invoice.credit_notes.all()), Decimal("0"))
    return invoice.total - credited


def issue_credit_note(
    invoice: Invoice,
    amount: Decimal,
    reason: str,
    *,
    today: dt.date,
    line: dict | None = None,
) -> Invoice:
    """A credit note (AV-2027-0001, gap-free per year of issue) cancelling or
    reducing an issued invoice, with its reason; frozen like an invoice.
    `line` is the invoice's line it corrects (its first by default)."""
    reason = one_line(reason)
    with transaction.atomic():
        # Two credit notes on one invoice at once could exceed its total.
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.is_credit_note:
            raise DuesError("Un avoir ne se corrige pas par un autre avoir.")
        if not reason:
            raise DuesError("Indiquez le motif de l’avoir.")
        left = creditable(invoice)
        if not 0 < amount <= left:
            raise DuesError(
                f"Le montant de l’avoir doit être positif et d’au plus "
                f"{euros(left)} € (reste de la facture {invoice.number})."
            )
        if today < invoice.issued_on:
            raise DuesError(
                f"Un avoir ne peut pas être daté du {today:%d/%m/%Y}, avant la "
                f"facture {invoice.number} qu’il corrige "
                f"({invoice.issued_on:%d/%m/%Y})."
            )
        issuer = check_issuer()
        source = invoice.data
        line = line or source["lines"][0]
        action = "Annulation" if amount == invoice.total else "Réduction"
        data = {
            "issued_on": today.isoformat(),
            "due_on": None,
            "issuer": documents.issuer_data(
                issuer, vat_regime=source["issuer"]["vat"]["regime"]
            ),
            "recipient": source["recipient"],
            "lines": [
                {
                    "label": f"{action} de la facture {invoice.number} : "
                    f"{line['label']}",
                    "period": line["period"],
                    "details": [],
                    "amount": documents.money(amount),
                }
            ],
            "total": documents.money(amount),
            "reason": reason,
            # A credit note asks for no payment: no late-payment mention, no
            # statutes' clause on unpaid dues.
            "notes": [],
            "credited": {"number": invoice.number, "issued_on": source["issued_on"]},
            "payment": {
                "methods": PAYMENT_METHODS,
                "terms": f"Montant à déduire de la facture {invoice.number} ; "
                "s’il a déjà été payé, il est remboursé par virement.",
            },
        }
        return documents.issue_document(
            kind=Invoice.Kind.CREDIT_NOTE,
            series=Invoice.Series.CREDIT_NOTES,
            data=data,
            call=invoice.call,
            credited_invoice=invoice,
            issued_on=today,
            due_on=None,
            total=amount,
            recipient_name=invoice.recipient_name,
            reason=reason,
        )


DEPARTED_REASON = "Adhésion résiliée : la ville a quitté le réseau."


def cancel_calls(calls, *, today: dt.date) -> tuple[int, list[Invoice]]:
    """Cancel calls of members who left: a draft call is deleted, an issued
    one gets a credit note for what is left of its invoice. Returns the
    number of drafts deleted and the credit notes issued."""
    deleted, notes = 0, []
    for call in calls:
        if not call.is_issued:
            call.delete()
            deleted += 1
            continue
        invoice = invoice_of(call)
        left = creditable(invoice)
        if left > 0:
            notes.append(issue_credit_note(invoice, left, DEPARTED_REASON, today=today))
    return deleted, notes
