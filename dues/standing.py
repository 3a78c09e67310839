"""What a member had paid of a year's dues on a given date: the figures the
general assembly's roll reads (who is up to date at the cut-off date).

As `DuesCallQuerySet.with_paid_total`, but counting only the payments dated
on or before the date and the credit notes issued by then: a payment
recorded later for an earlier date counts, one dated after does not."""

import datetime as dt
from decimal import Decimal

from django.db import models
from django.db.models import F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import DuesCall, Invoice, Payment

_MONEY = models.DecimalField(max_digits=9, decimal_places=2)


def calls_as_of(year: int, on: dt.date):
    """The year's calls with `paid_total`, `credited_total` and `net_amount`
    as they stood at the end of `on`."""
    paid = (
        Payment.objects.filter(call=OuterRef("pk"), paid_on__lte=on)
        .values("call")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    credited = (
        Invoice.objects.filter(
            call=OuterRef("pk"), kind=Invoice.Kind.CREDIT_NOTE, issued_on__lte=on
        )
        .values("call")
        .annotate(sum=Sum("total"))
        .values("sum")
    )
    zero = Value(Decimal("0"))
    return DuesCall.objects.filter(year=year).annotate(
        paid_total=Coalesce(Subquery(paid), zero, output_field=_MONEY),
        credited_total=Coalesce(Subquery(credited), zero, output_field=_MONEY),
        net_amount=models.ExpressionWrapper(
            F("amount") - F("credited_total"), output_field=_MONEY
        ),
    )
