"""Demo dues: last year's and this year's scales, this year's campaign.

Called by `manage.py load_demo` after the members; safe to run again."""

import datetime as dt
from decimal import Decimal

from members.models import LocalAuthority

from . import campaign, credit_notes, invoices
from .models import DuesBracket, DuesCall, DuesScale, Invoice, Payment

# Population brackets (upper bound inclusive, None: open-ended) and amounts.
DEMO_SCALE = [
    (0, 1_999, "150"),
    (2_000, 9_999, "400"),
    (10_000, 19_999, "800"),
    (20_000, 49_999, "1200"),
    (50_000, 99_999, "2000"),
    (100_000, 199_999, "3000"),
    (200_000, None, "4000"),
]


def load_scales(year: int):
    for scale_year in (year - 1, year):
        _scale(scale_year)


def _scale(year: int):
    # The millésime of the reference loaded (the shipped file has one).
    population_year = (
        LocalAuthority.objects.filter(member__isnull=False)
        .order_by("-population_year")
        .values_list("population_year", flat=True)
        .first()
    )
    scale, created = DuesScale.objects.get_or_create(
        year=year,
        defaults={
            "population_year": population_year,
            "first_year_rule": DuesScale.FirstYear.PRO_RATA,
        },
    )
    if scale.population_year is None:  # a demo database from before the field
        scale.population_year = population_year
        scale.save(update_fields=["population_year"])
    if created:
        DuesBracket.objects.bulk_create(
            DuesBracket(
                scale=scale,
                min_population=low,
                max_population=high,
                amount=Decimal(amount),
            )
            for low, high, amount in DEMO_SCALE
        )


# Chorus Pro follow-up of the demo invoices, by position (each status once at
# least; the partly paid one is mandated, so reminders skip it).
CHORUS = [
    Invoice.ChorusStatus.PAID,
    Invoice.ChorusStatus.MANDATED,
    Invoice.ChorusStatus.PAID,
    Invoice.ChorusStatus.AVAILABLE,
    Invoice.ChorusStatus.MANDATED,
    Invoice.ChorusStatus.REJECTED,
    Invoice.ChorusStatus.DEPOSITED,
    Invoice.ChorusStatus.NOT_DEPOSITED,
    Invoice.ChorusStatus.DISPUTED,  # unpaid, on the treasurer's list
]
REJECTION = "Code service absent ou erroné (donnée de démonstration)."
CREDIT_REASON = "Population légale corrigée : tranche inférieure (démonstration)."

# Invoices issued by the demo: each one is a Factur-X file rendered once
# (about 0.3 s), so the first `make run` stays quick; the other calls are
# left to issue from the admin ("Émettre les factures").
DEMO_ISSUED = len(CHORUS)


def load_campaign(year: int, today: dt.date):
    """This year's campaign: the first invoices issued on 1 February (due 30
    days later, frozen with their Factur-X file), most paid by transfer or
    administrative mandate, one in part, some late; one credit note; Chorus
    Pro statuses spread over the invoices; the other calls not issued yet.
    Payments, the credit note and statuses are added only once. Nothing is
    dated after today: loaded before April, the invoices were issued two
    months ago (a year's calls may go out late in the year before)."""
    issued_on = min(dt.date(year, 2, 1), today - dt.timedelta(days=60))
    campaign.launch_campaign(year)
    calls = list(
        DuesCall.objects.filter(year=year)
        .select_related("member__authority")
        .order_by("member__authority__name")[:DEMO_ISSUED]
    )
    for index, call in enumerate(calls):
        if call.member.commitment_number_required and not call.commitment_number:
            call.commitment_number = f"EJ-{year}-{index + 1:05d}"
            call.save(update_fields=["commitment_number"])
        call = invoices.issue_invoice(call, today=issued_on)
        invoice = invoices.invoice_of(call)
        unpaid = index in (5, 6, 8)  # late
        if invoice.chorus_status == Invoice.ChorusStatus.NOT_DEPOSITED:
            _chorus(invoice, index, issued_on)
        if call.payments.exists() or unpaid:
            continue
        method = [Payment.Method.TRANSFER, Payment.Method.MANDATE][index % 2]
        paid = call.amount if index != 4 else (call.amount / 2).quantize(Decimal("1"))
        Payment.objects.create(
            call=call,
            paid_on=issued_on + dt.timedelta(days=28 + index % 28),
            amount=paid,
            method=method,
        )
    _credit_note(calls, year, issued_on)


def _chorus(invoice: Invoice, index: int, issued_on: dt.date):
    invoice.chorus_status = CHORUS[index]
    if invoice.chorus_status == Invoice.ChorusStatus.NOT_DEPOSITED:
        return
    invoice.chorus_deposit_number = f"DEMO{issued_on.year}{index + 1:06d}"
    invoice.chorus_status_on = issued_on + dt.timedelta(days=3 + index % 20)
    if invoice.chorus_status == Invoice.ChorusStatus.REJECTED:
        invoice.chorus_rejection_reason = REJECTION
    invoice.save(
        update_fields=[
            "chorus_status",
            "chorus_deposit_number",
            "chorus_status_on",
            "chorus_rejection_reason",
        ]
    )


def _credit_note(calls: list[DuesCall], year: int, issued_on: dt.date):
    """One credit note: an unpaid call's population was corrected after
    issue, its bracket is lower (half the amount credited)."""
    if len(calls) < 6:
        return
    invoice = invoices.invoice_of(calls[5])
    if Invoice.objects.credit_notes().filter(credited_invoice=invoice).exists():
        return
    amount = (invoice.total / 2).quantize(Decimal("0.01"))
    credit_notes.issue_credit_note(
        invoice, amount, CREDIT_REASON, today=issued_on + dt.timedelta(days=14)
    )
