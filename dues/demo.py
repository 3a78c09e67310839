"""Demo dues: last year's and this year's scales, this year's campaign.

Called by `manage.py load_demo` after the members; safe to run again."""

import datetime as dt
from decimal import Decimal

from members.models import LocalAuthority

from . import dues
from .models import DuesBracket, DuesCall, DuesScale, Payment

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


def load_campaign(year: int):
    """This year's campaign: invoices issued in February, due end of March,
    most paid, some in part, some late. Payments are added only once."""
    dues.launch_campaign(year, due_on=dt.date(year, 3, 31))
    calls = list(
        DuesCall.objects.filter(year=year)
        .select_related("member__authority")
        .order_by("member__authority__name")
    )
    for index, call in enumerate(calls):
        if call.member.commitment_number_required and not call.commitment_number:
            call.commitment_number = f"EJ-{year}-{index + 1:05d}"
            call.save(update_fields=["commitment_number"])
        call = dues.issue_invoice(call, today=dt.date(year, 2, 1))
        if call.payments.exists() or index % 7 in (5, 6):
            continue  # two calls in seven are still unpaid: late
        method = [
            Payment.Method.TRANSFER,
            Payment.Method.MANDATE,
            Payment.Method.CHEQUE,
        ][index % 3]
        paid = (
            call.amount if index % 7 != 4 else (call.amount / 2).quantize(Decimal("1"))
        )
        Payment.objects.create(
            call=call,
            paid_on=dt.date(year, 3, 1 + index % 28),
            amount=paid,
            method=method,
        )
