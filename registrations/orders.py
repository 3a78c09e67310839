"""Paying registrations: one order per collectivité and event, invoiced with
the dues' engine (dues/documents.py: Factur-X, frozen, one gap-free series of
invoice numbers a year for the association, shared with the dues).

When: the secretariat issues the invoices of an event once its registrations
are closed ("Émettre les factures et avoirs"), one invoice per order for its
confirmed registrations not yet invoiced. A registration confirmed later
(waiting list, late addition) gets a new invoice for its order at the next
run: an issued invoice never changes. Cancelling an invoiced registration
issues a credit note for its line."""

import datetime as dt
import logging
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from audit.updates import logged_update
from dues import documents
from dues.dues import (
    PAYMENT_METHODS,
    DuesError,
    check_issuer,
    due_date,
    issue_credit_note,
    legal_name,
)
from dues.models import Invoice
from rfve_site.text import multi_line, one_line

from .models import Order, Registration

logger = logging.getLogger(__name__)

CANCELLED_REASON = "Inscription annulée"


def is_paying(registration: Registration) -> bool:
    return registration.rate is not None and not registration.rate.is_free


# --- The order ----------------------------------------------------------------


def attach(registration: Registration, billing: dict) -> Order | None:
    """Put a saved paying registration in the order of its collectivité (or
    organisation, or its own name) for the event, created on first need.
    Chorus Pro data the order lacks are taken from `billing` (siret,
    service_code, commitment_number); what it has is kept."""
    if not is_paying(registration):
        return None
    key = {"event_id": registration.event_id}
    if registration.authority_id:
        key["authority_id"] = registration.authority_id
    else:
        key["authority"] = None
        key["organisation__iexact"] = one_line(
            registration.organisation or registration.full_name
        )
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(**key).first()
        if order is None:
            order = Order(
                event_id=registration.event_id,
                authority_id=registration.authority_id,
                organisation=""
                if registration.authority_id
                else key["organisation__iexact"],
            )
            try:
                with transaction.atomic():
                    order.save()
            except IntegrityError:  # created meanwhile by a colleague
                order = Order.objects.select_for_update().get(**key)
        changed = [
            name
            for name in ("siret", "service_code", "commitment_number")
            if not getattr(order, name) and billing.get(name)
        ]
        for name in changed:
            setattr(order, name, billing[name])
        if changed:
            order.save(update_fields=changed)
        registration.order = order
        registration.save(update_fields=["order"])
    return order


# --- Invoices -----------------------------------------------------------------


def days_text(days) -> str:
    """ "12 mars 2030", "12 et 13 mars 2030", "31 mars 2030 et 1 avril 2030"."""
    days = sorted(days, key=lambda day: day.date)
    dates = [day.date for day in days]
    if not dates:
        return ""
    if len({(date.year, date.month) for date in dates}) == 1:
        # Same month: "12, 13 et 14 mars 2030".
        texts = [str(date.day) for date in dates[:-1]]
        texts.append(date_format(dates[-1], "j F Y"))
    else:
        texts = [date_format(date, "j F Y") for date in dates]
    if len(texts) == 1:
        return texts[0]
    return ", ".join(texts[:-1]) + " et " + texts[-1]


def line_reference(registration: Registration) -> str:
    return f"inscription-{registration.pk}"


def invoice_line(registration: Registration) -> dict:
    """One person's registration, as the invoice prints it (quantity 1)."""
    event = registration.event
    days = list(registration.days.all())
    dates = sorted(day.date for day in days) or [timezone.localdate(event.starts_at)]
    when = days_text(days) or date_format(dates[0], "j F Y")
    return {
        "reference": line_reference(registration),
        "label": one_line(
            f"Inscription de {registration.full_name} – {event.title} ({when})"
        ),
        "period": {
            "start": dates[0].isoformat(),
            "end": dates[-1].isoformat(),
            "text": f"du {date_format(dates[0], 'j F Y')} au "
            f"{date_format(dates[-1], 'j F Y')}"
            if len(dates) > 1
            else f"le {date_format(dates[0], 'j F Y')}",
        },
        "details": [f"Tarif : {registration.rate.get_category_display()}"],
        "amount": documents.money(registration.rate.amount),
    }


def recipient_data(order: Order) -> dict:
    authority = order.authority
    if authority is None:
        return {
            "legal_name": one_line(order.organisation),
            "address": documents.address(multi_line(order.invoicing_address)),
            "siret": order.siret,
            "service_code": one_line(order.service_code),
            "commitment_number": one_line(order.commitment_number),
        }
    try:
        member_address = authority.member.invoicing_address
    except ObjectDoesNotExist:
        member_address = ""
    text = order.invoicing_address or member_address or "Mairie"
    return {
        "legal_name": one_line(legal_name(authority)),
        "address": documents.address(
            multi_line(text),
            postcode=(authority.postcodes.split() or [""])[0],
            city=one_line(authority.name),
        ),
        "siret": order.siret,
        "service_code": one_line(order.service_code),
        "commitment_number": one_line(order.commitment_number),
    }


def invoice_data(order: Order, registrations, issuer, issued_on, due_on) -> dict:
    lines = [invoice_line(registration) for registration in registrations]
    total = sum((Decimal(line["amount"]) for line in lines), Decimal("0"))
    return {
        "issued_on": issued_on.isoformat(),
        "due_on": due_on.isoformat(),
        "issuer": documents.issuer_data(issuer, vat_regime=issuer.registration_vat),
        "recipient": recipient_data(order),
        "lines": lines,
        "total": documents.money(total),
        "payment": {
            "methods": PAYMENT_METHODS,
            "terms": f"{PAYMENT_METHODS}, au plus tard le {due_on:%d/%m/%Y}, en "
            "rappelant le numéro de la facture.",
        },
    }


def to_invoice(order: Order):
    """The order's confirmed paying registrations not yet invoiced."""
    return (
        order.registrations.confirmed()
        .filter(invoice=None, rate__amount__gt=0)
        .select_related("event", "rate")
        .prefetch_related("days")
        .order_by("last_name", "first_name", "pk")
    )


def check_vat_number(issuer) -> None:
    """Registration fees are exempt (EN 16931 category E), which needs the
    seller's VAT number on the invoice (rule BR-E-02), as for exempt dues."""
    if not issuer.vat_number:
        raise DuesError(
            "Les droits d’inscription sont exonérés de TVA : la facture doit "
            "alors porter le numéro de TVA intracommunautaire de l’association "
            "(norme EN 16931, règle BR-E-02). Renseignez-le d’abord dans "
            "« Informations de l’association »."
        )


def issue_invoice(order: Order, *, today: dt.date) -> Invoice | None:
    """One invoice for what the order has not been invoiced yet; None when
    nothing is left. Numbered in the association's invoice series of the
    year of issue, shared with the dues."""
    with transaction.atomic():
        # Two people issuing at once: the second finds nothing left.
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("event", "authority")
            .get(pk=order.pk)
        )
        registrations = list(to_invoice(order))
        if not registrations:
            return None
        issuer = check_issuer()
        check_vat_number(issuer)
        if not order.siret and order.authority_id:
            raise DuesError(
                f"{order.payer} : indiquez le SIRET de la collectivité (Chorus "
                "Pro) dans sa commande avant d’émettre la facture."
            )
        due_on = due_date(today, issuer)
        data = invoice_data(order, registrations, issuer, today, due_on)
        document = documents.issue_document(
            kind=Invoice.Kind.INVOICE,
            year=today.year,
            data=data,
            issued_on=today,
            due_on=due_on,
            total=Decimal(data["total"]),
            recipient_name=data["recipient"]["legal_name"],
        )
        logged_update(
            Registration.objects.filter(pk__in=[r.pk for r in registrations]),
            invoice=document,
        )
        return document


def credit_cancelled(registration: Registration, *, today: dt.date) -> Invoice | None:
    """The credit note of a cancelled registration's line on its invoice;
    None if it was never invoiced or is already credited."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("invoice")
            .get(pk=registration.pk)
        )
        invoice = registration.invoice
        if not registration.is_cancelled or invoice is None:
            return None
        if registration.credit_note_id:
            return None
        reference = line_reference(registration)
        line = next(
            line for line in invoice.data["lines"] if line.get("reference") == reference
        )
        note = issue_credit_note(
            invoice,
            Decimal(line["amount"]),
            f"{CANCELLED_REASON} ({one_line(line['label'])})",
            today=today,
            line=line,
        )
        registration.credit_note = note
        registration.save(update_fields=["credit_note"])
        return note


def credit_cancelled_quietly(registration: Registration, now: dt.datetime) -> None:
    """After a cancellation: its credit note, or a logged error (the
    secretariat's "Émettre les factures et avoirs" issues it later)."""
    if registration.invoice_id is None:
        return
    try:
        credit_cancelled(registration, today=timezone.localdate(now))
    except DuesError:
        logger.exception("Registration %s: credit note not issued.", registration.pk)


def issue_documents(settings, *, now: dt.datetime) -> tuple[list, list, list[str]]:
    """The invoices of an event's orders and the credit notes of its
    cancelled invoiced registrations. Refused while registrations are open.
    Returns (invoices, credit notes, French errors)."""
    if settings.is_open_at(now):
        raise DuesError(
            f"{settings.event} : les inscriptions sont encore ouvertes ; "
            "fermez-les (ou attendez leur clôture) avant d’émettre les factures."
        )
    check_vat_number(check_issuer())
    today = timezone.localdate(now)
    invoices, notes, errors = [], [], []
    orders = Order.objects.filter(event=settings.event_id).select_related("authority")
    for order in orders.order_by("authority__name", "organisation"):
        try:
            invoice = issue_invoice(order, today=today)
        except DuesError as error:
            errors.append(str(error))
            continue
        if invoice:
            invoices.append(invoice)
    pending = Registration.objects.filter(
        event=settings.event_id,
        status=Registration.Status.CANCELLED,
        invoice__isnull=False,
        credit_note=None,
    )
    for registration in pending:
        try:
            note = credit_cancelled(registration, today=today)
        except DuesError as error:
            errors.append(str(error))
            continue
        if note:
            notes.append(note)
    return invoices, notes, errors
