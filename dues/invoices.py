"""Dues invoices: what a call's invoice prints (issuer, recipient, line,
payment terms) and issuing it with the engine of documents.py."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from association.models import SiteSettings
from members.models import Member
from rfve_site import formats
from rfve_site.text import multi_line, one_line

from . import documents
from .errors import DuesError
from .invoice_lines import invoice_line
from .models import (
    DuesCall,
    Invoice,
)


def check_issuer() -> SiteSettings:
    """The association's settings, if an invoice can be issued with them."""
    issuer = SiteSettings.load()
    missing = issuer.missing_issuer_fields()
    if missing:
        raise DuesError(
            "Aucune facture ne peut être émise : renseignez d’abord, dans "
            "« Informations de l’association », "
            + ", ".join(f"« {name} »" for name in missing)
            + "."
        )
    return issuer


def due_date(issued_on: dt.date, issuer: SiteSettings) -> dt.date:
    """Issue date plus the payment delay of the settings (never before)."""
    return issued_on + dt.timedelta(days=max(issuer.payment_days, 0))


def invoice_line_label(call: DuesCall, issuer: SiteSettings) -> str:
    return f"Cotisation {call.year} au {issuer.name}"


def recipient_data(member: Member, commitment_number: str) -> dict:
    """The recipient block; texts cleaned again (stored before text hygiene,
    they would break the XML)."""
    authority = member.authority
    postcode = (authority.postcodes.split() or [""])[0]
    return {
        "legal_name": one_line(authority.legal_name),
        "address": documents.address(
            multi_line(member.invoicing_address),
            postcode=postcode,
            city=one_line(authority.name),
        ),
        "siret": member.siret,
        "service_code": one_line(member.chorus_service_code),
        "commitment_number": one_line(commitment_number),
    }


PAYMENT_METHODS = "Virement ou mandat administratif"


def invoice_data(call: DuesCall, issuer: SiteSettings, issued_on, due_on) -> dict:
    """Everything a dues invoice prints, as the call, its member and the
    settings are at issue (the engine adds the number)."""
    line = invoice_line(call)
    details = []
    if line.bracket:
        details.append(f"Tranche de population : {line.bracket}")
    if line.population:
        details.append(
            f"Population retenue : {line.population}, {line.population_basis}"
        )
    if line.pro_rata:
        details.append(
            f"Première année au prorata des mois : {line.months} mois sur 12 "
            f"({formats.euros(line.annual_amount)} × {line.months}/12)"
        )
    if call.scale_amount is not None and call.amount != call.scale_amount:
        details.append(
            f"Montant hors barème (barème : {formats.euros(call.scale_amount)}) : "
            f"{one_line(call.override_reason)}"
        )
    return {
        "issued_on": issued_on.isoformat(),
        "due_on": due_on.isoformat(),
        "issuer": documents.issuer_data(issuer),
        "recipient": recipient_data(call.member, call.commitment_number),
        "lines": [
            {
                "label": invoice_line_label(call, issuer),
                "period": {
                    "start": line.period_start.isoformat(),
                    "end": line.period_end.isoformat(),
                    "text": line.period,
                },
                "details": details,
                "amount": documents.money(call.amount),
            }
        ],
        "total": documents.money(call.amount),
        # Dues are not the price of a service: what the statutes provide
        # instead of the Code de commerce's late-payment mentions.
        "notes": [one_line(issuer.unpaid_dues_text)],
        "payment": {
            "methods": PAYMENT_METHODS,
            "terms": f"{PAYMENT_METHODS}, au plus tard le {due_on:%d/%m/%Y}, en "
            "rappelant le numéro de la facture.",
        },
    }


def issue_invoice(call: DuesCall, *, today: dt.date) -> DuesCall:
    """Issue the call's invoice: the next number of the dues series in the
    year of issue (2026-0042 for a 2027 call issued in December 2026), due
    after the settings' payment delay, frozen as a stored Factur-X file. Calls
    already issued are left as they are. Refused while the issuer's identity
    is incomplete."""
    with transaction.atomic():
        # Locks: the call first (two people issuing the same call get one
        # invoice), then the series' counter (two calls never share a number).
        call = (
            DuesCall.objects.select_for_update(of=("self",))
            .select_related("member__authority")
            .get(pk=call.pk)
        )
        if call.number:
            return call
        issuer = check_issuer()
        if call.member.commitment_number_required and not call.commitment_number:
            raise DuesError(
                f"{call.member} exige un numéro d’engagement : "
                "renseignez-le avant d’émettre la facture."
            )
        if call.amount <= 0:
            raise DuesError(f"{call} : montant nul, aucune facture à émettre.")
        due_on = due_date(today, issuer)
        document = documents.issue_document(
            kind=Invoice.Kind.INVOICE,
            series=Invoice.Series.DUES,
            data=invoice_data(call, issuer, today, due_on),
            call=call,
            issued_on=today,
            due_on=due_on,
            total=call.amount,
            recipient_name=one_line(call.member.authority.legal_name),
        )
        call.number = document.sequence
        call.invoice_number = document.number
        call.issued_on = today
        call.due_on = due_on
        call.save(update_fields=["number", "invoice_number", "issued_on", "due_on"])
        return call


def invoice_of(call: DuesCall) -> Invoice:
    try:
        return call.documents.get(kind=Invoice.Kind.INVOICE)
    except Invoice.DoesNotExist:
        raise DuesError(
            f"{call.member} : émettez la facture avant de l’envoyer."
        ) from None


def euros(amount: Decimal) -> str:
    """The figure of an amount without its unit: "1 234,50". Kept for
    invoices.py (rewritten in parallel); everything else uses
    rfve_site.formats.euros, which adds the unit."""
    return formats.number(amount, decimals=2)
