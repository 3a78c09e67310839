"""Paying registrations: one order per collectivité and event, invoiced with
the dues' engine (dues/documents.py: Factur-X, frozen, numbered in their own
series by the year of issue, INS-2027-0001).

When: the secretariat issues the invoices of an event once its registrations
are closed ("Émettre les factures et avoirs"), one invoice per order for its
confirmed registrations not yet invoiced. A registration confirmed later
(waiting list, late addition) gets a new invoice for its order at the next
run: an issued invoice never changes. Cancelling an invoiced registration
issues a credit note for its line.

Who is billed: a member city from its member record; anyone else from the
order's own data, which only the secretariat sets (confirming or correcting
the proposals registrants typed, BillingProposal). billing_data() says which,
billing_problems() what blocks an invoice."""

import datetime as dt
import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.updates import logged_update
from dues import documents
from dues.credit_notes import issue_credit_note
from dues.errors import DuesError
from dues.invoices import PAYMENT_METHODS, check_issuer, due_date
from dues.models import Invoice
from members.communes import normalise_name
from rfve_site import formats
from rfve_site.text import multi_line, one_line
from rfve_site.typography import de

from . import invoice_emails
from .models import BillingProposal, Order, Registration

logger = logging.getLogger(__name__)

CANCELLED_REASON = "Inscription annulée"


def is_paying(registration: Registration) -> bool:
    return registration.rate is not None and not registration.rate.is_free


# --- The order ----------------------------------------------------------------

# Billing data kept on one line (the address keeps its lines).
ONE_LINE = ("legal_name", "siret", "service_code", "commitment_number")


def attach(registration: Registration, billing: dict) -> Order | None:
    """Put a saved paying registration in the order of its collectivité (or
    organisation, or its own name) for the event, created on first need.
    Billing data the registrant typed (`billing`: legal_name,
    invoicing_address, siret, service_code, commitment_number) are kept as
    a proposal: the order's own data change only by the secretariat, who sees
    every proposal (a later registrant never overrides an earlier one)."""
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
        # Ordered by its key: the default ordering joins the nullable
        # authority, which PostgreSQL cannot lock (FOR UPDATE).
        order = Order.objects.select_for_update().filter(**key).order_by("pk").first()
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
                order = Order.objects.select_for_update().order_by("pk").get(**key)
        if any(billing.values()) and order.member is None:
            BillingProposal.objects.create(
                order=order,
                registration=registration,
                **{name: one_line(billing.get(name) or "") for name in ONE_LINE},
                invoicing_address=multi_line(billing.get("invoicing_address") or ""),
            )
        registration.order = order
        registration.save(update_fields=["order"])
    return order


def confirm_billing(order: Order, *, by: str, now: dt.datetime) -> None:
    """The secretariat confirms (or has corrected) the order's billing data."""
    order.billing_confirmed_at = now
    order.billing_confirmed_by = by
    order.save(update_fields=["billing_confirmed_at", "billing_confirmed_by"])


def adopt_proposal(order: Order, proposal: BillingProposal) -> None:
    """Copy a registrant's proposal into the order (the secretariat's choice,
    to be confirmed or corrected in the order's form)."""
    for name in (*ONE_LINE, "invoicing_address"):
        setattr(order, name, getattr(proposal, name))


# --- Invoices -----------------------------------------------------------------


def days_text(days) -> str:
    """ "12 mars 2030", "12 et 13 mars 2030", "31 mars 2030 et 1er avril 2030"."""
    days = sorted(days, key=lambda day: day.date)
    dates = [day.date for day in days]
    if not dates:
        return ""
    if len({(date.year, date.month) for date in dates}) == 1:
        # Same month: "12, 13 et 14 mars 2030".
        texts = ["1er" if date.day == 1 else str(date.day) for date in dates[:-1]]
        texts.append(formats.date(dates[-1], "j F Y"))
    else:
        texts = [formats.date(date, "j F Y") for date in dates]
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
    when = days_text(days) or formats.date(dates[0], "j F Y")
    return {
        "reference": line_reference(registration),
        "label": one_line(
            f"Inscription {de(registration.full_name)} – {event.title} ({when})"
        ),
        "period": {
            "start": dates[0].isoformat(),
            "end": dates[-1].isoformat(),
            "text": f"du {formats.date(dates[0], 'j F Y')} au "
            f"{formats.date(dates[-1], 'j F Y')}"
            if len(dates) > 1
            else f"le {formats.date(dates[0], 'j F Y')}",
        },
        "details": [f"Tarif : {registration.rate.name}"],
        "amount": documents.money(registration.rate.amount),
    }


def _address(text: str, authority) -> dict:
    """The postal address; a commune's name and first postcode complete a
    text without its "69100 Villeurbanne" line, and a last line that only
    repeats the city is dropped (no city name twice)."""
    if authority is None:
        return documents.address(multi_line(text))
    lines = [line for line in multi_line(text).splitlines() if line.strip()]
    if lines and normalise_name(lines[-1]) == normalise_name(authority.name):
        lines = lines[:-1]
    return documents.address(
        "\n".join(lines),
        postcode=(authority.postcodes.split() or [""])[0],
        city=one_line(authority.name),
    )


def billing_data(order: Order) -> dict:
    """Who the order is invoiced to, with where it comes from: a member city
    from its record (its commitment number from the order, entered by the
    secretariat), anyone else from the order's data that the secretariat
    confirmed."""
    member = order.member
    if member is not None:
        authority = order.authority
        return {
            "provenance": "fiche de la ville adhérente",
            "confirmed": True,
            "legal_name": one_line(authority.legal_name),
            "address_text": member.invoicing_address,
            "address": _address(member.invoicing_address, authority),
            "siret": member.siret,
            "service_code": one_line(member.chorus_service_code),
            "commitment_number": one_line(order.commitment_number),
            "commitment_number_required": member.commitment_number_required,
        }
    confirmed = order.billing_confirmed_at is not None
    return {
        "provenance": (
            "confirmées par le secrétariat"
            + (f" ({order.billing_confirmed_by})" if order.billing_confirmed_by else "")
            if confirmed
            else "à confirmer par le secrétariat"
        ),
        "confirmed": confirmed,
        "legal_name": one_line(order.legal_name),
        "address_text": order.invoicing_address,
        "address": _address(order.invoicing_address, order.authority),
        "siret": order.siret,
        "service_code": one_line(order.service_code),
        "commitment_number": one_line(order.commitment_number),
        "commitment_number_required": False,
    }


def billing_problems(order: Order) -> list[str]:
    """Why the order cannot be invoiced yet, in French (empty: it can)."""
    data = billing_data(order)
    payer = order.payer
    where = (
        "sa fiche de ville adhérente"
        if order.member is not None
        else "la commande (Commandes des inscriptions payantes)"
    )
    problems = []
    if not data["confirmed"]:
        problems.append(
            f"{payer} : les données de facturation saisies à l’inscription ne sont "
            "pas encore confirmées ; vérifiez-les et enregistrez la commande."
        )
        return problems
    if not data["legal_name"]:
        problems.append(f"{payer} : indiquez le nom légal de l’acheteur dans {where}.")
    if not multi_line(data["address_text"]).strip() or not data["address"]["postcode"]:
        problems.append(
            f"{payer} : pas d’adresse postale complète dans {where} ; une facture "
            "doit porter l’adresse de l’acheteur (article L441-9 du code de "
            "commerce)."
        )
    if not data["siret"] and (order.authority_id or order.member is not None):
        problems.append(
            f"{payer} : indiquez le SIRET de la collectivité (Chorus Pro) dans {where}."
        )
    if data["commitment_number_required"] and not data["commitment_number"]:
        problems.append(
            f"{payer} exige un numéro d’engagement : indiquez-le dans la commande "
            "(Commandes des inscriptions payantes) avant d’émettre la facture."
        )
    return problems


def recipient_data(order: Order) -> dict:
    data = billing_data(order)
    return {
        "legal_name": data["legal_name"],
        "address": data["address"],
        "siret": data["siret"],
        "service_code": data["service_code"],
        "commitment_number": data["commitment_number"],
    }


def invoice_data(order: Order, registrations, issuer, issued_on, due_on) -> dict:
    lines = [invoice_line(registration) for registration in registrations]
    total = sum((Decimal(line["amount"]) for line in lines), Decimal("0"))
    recipient = recipient_data(order)
    return {
        "issued_on": issued_on.isoformat(),
        "due_on": due_on.isoformat(),
        "issuer": documents.issuer_data(issuer, vat_regime=issuer.registration_vat),
        "recipient": recipient,
        "lines": lines,
        "total": documents.money(total),
        # The price of a service: the late-payment mentions, no statutes.
        "notes": documents.service_invoice_notes(recipient),
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


def issue_invoice(order: Order, *, today: dt.date) -> Invoice | None:
    """One invoice for what the order has not been invoiced yet; None when
    nothing is left. Numbered in the registrations' series of the year of
    issue (INS-2027-0001)."""
    with transaction.atomic():
        # Two people issuing at once: the second finds nothing left.
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("event", "authority__member")
            .get(pk=order.pk)
        )
        registrations = list(to_invoice(order))
        if not registrations:
            return None
        issuer = check_issuer()
        if problems := billing_problems(order):
            raise DuesError(" ".join(problems))
        due_on = due_date(today, issuer)
        data = invoice_data(order, registrations, issuer, today, due_on)
        document = documents.issue_document(
            kind=Invoice.Kind.INVOICE,
            series=Invoice.Series.REGISTRATIONS,
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
    """After a cancellation: its credit note, emailed to the buyer as the
    invoice was, or a logged error (the secretariat's "Émettre les factures
    et avoirs" issues it later; "Factures et avoirs" sends it)."""
    if registration.invoice_id is None:
        return
    try:
        note = credit_cancelled(registration, today=timezone.localdate(now))
    except DuesError:
        logger.exception("Registration %s: credit note not issued.", registration.pk)
        return
    for error in invoice_emails.send_quietly([note] if note else []):
        logger.error("Registration %s: %s", registration.pk, error)


def issue_documents(
    settings, *, now: dt.datetime, send: bool = True
) -> tuple[list, list, list[str]]:
    """The invoices of an event's orders and the credit notes of its
    cancelled invoiced registrations, each emailed to its buyer (unless
    `send` is false: the demo). Refused while registrations are open.
    Returns (invoices, credit notes, French errors)."""
    if settings.is_open_at(now):
        raise DuesError(
            f"{settings.event} : les inscriptions sont encore ouvertes ; "
            "fermez-les (ou attendez leur clôture) avant d’émettre les factures."
        )
    check_issuer()
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
    if send:
        errors += invoice_emails.send_quietly(invoices + notes)
    return invoices, notes, errors
