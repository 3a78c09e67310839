"""The treasurer's figures of a year and the CSV for French Excel."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import (
    DuesCall,
    Invoice,
    Payment,
)


@dataclass
class YearSummary:
    year: int
    calls: list[DuesCall]
    called: Decimal  # the calls' amounts
    credited: Decimal  # their credit notes
    due: Decimal  # called less credited
    paid: Decimal
    outstanding: Decimal
    late: list[DuesCall]
    credit_notes: list[Invoice]
    # (status label, number of invoices) for each Chorus Pro status.
    chorus_counts: list[tuple[str, int]]
    # Rejected by Chorus Pro or disputed: to correct (not reminded meanwhile).
    rejected: list[Invoice]
    # Invoices of other things than dues (event registrations), each with
    # `credited_total`; their payments are followed on Chorus Pro.
    other_invoices: list[Invoice] = field(default_factory=list)
    other_invoiced: Decimal = Decimal("0")
    other_credited: Decimal = Decimal("0")

    @property
    def other_net(self) -> Decimal:
        return self.other_invoiced - self.other_credited


def year_summary(year: int, *, today: dt.date) -> YearSummary:
    calls = list(
        DuesCall.objects.filter(year=year)
        .with_status(today)
        .select_related("member__authority")
        .prefetch_related("reminders")
        .order_by("member__authority__name")
    )
    called = sum((call.amount for call in calls), Decimal("0"))
    credited = sum((call.credited_total for call in calls), Decimal("0"))
    # Overpayments do not hide what others still owe.
    paid = sum(
        (min(call.paid_total, max(call.net_amount, 0)) for call in calls),
        Decimal("0"),
    )
    invoices = Invoice.objects.invoices().of_year(year)
    others = list(other_invoices(year))
    counts = dict(
        invoices.values_list("chorus_status").annotate(n=Count("pk")).order_by()
    )
    return YearSummary(
        year=year,
        calls=calls,
        called=called,
        credited=credited,
        due=called - credited,
        paid=paid,
        outstanding=called - credited - paid,
        late=[call for call in calls if call.status == DuesCall.Status.LATE],
        credit_notes=list(
            Invoice.objects.credit_notes().of_year(year).order_by("number")
        ),
        chorus_counts=[
            (status.label, counts.get(status.value, 0))
            for status in Invoice.ChorusStatus
        ],
        rejected=list(
            invoices.filter(
                chorus_status__in=[
                    Invoice.ChorusStatus.REJECTED,
                    Invoice.ChorusStatus.DISPUTED,
                ]
            ).order_by("number")
        ),
        other_invoices=others,
        other_invoiced=sum((i.total for i in others), Decimal("0")),
        other_credited=sum((i.credited_total for i in others), Decimal("0")),
    )


def other_invoices(year: int):
    """The year's invoices of other things than dues, with `credited_total`."""
    credited = (
        Invoice.objects.credit_notes()
        .filter(credited_invoice=OuterRef("pk"))
        .values("credited_invoice")
        .annotate(sum=Sum("total"))
        .values("sum")
    )
    paid = (
        Payment.objects.filter(invoice=OuterRef("pk"))
        .values("invoice")
        .annotate(sum=Sum("amount"))
        .values("sum")
    )
    money = DecimalField(max_digits=9, decimal_places=2)
    return (
        Invoice.objects.without_call()
        .filter(year=year)
        .annotate(
            credited_total=Coalesce(
                Subquery(credited), Value(Decimal("0")), output_field=money
            ),
            paid_total=Coalesce(
                Subquery(paid), Value(Decimal("0")), output_field=money
            ),
        )
        .order_by("number")
    )


CSV_HEADER = [
    "Facture",
    "Ville",
    "Code officiel",
    "SIRET",
    "Année",
    "Population",
    "Millésime",
    "Montant (€)",
    "Avoirs (€)",
    "Payé (€)",
    "Reste dû (€)",
    "Émise le",
    "Échéance",
    "Statut",
    "Chorus Pro",
]


def csv_rows(calls):
    """The rows of CSV_HEADER, as raw values (rfve_site.csv_export formats and
    neutralises them). `calls` must come from
    DuesCall.objects.with_status().with_chorus_status()."""
    cent = Decimal("0.01")  # SQLite sums lose the trailing zero: 1234.5
    chorus = dict(Invoice.ChorusStatus.choices)
    for call in calls:
        paid, amount = call.paid_total.quantize(cent), call.amount.quantize(cent)
        credited = call.credited_total.quantize(cent)
        yield [
            call.invoice_number,
            call.member.name,
            call.member.authority.code,
            call.member.siret,
            call.year,
            call.population,
            call.population_year,
            amount,
            credited,
            paid,
            max(amount - credited - paid, Decimal("0.00")),
            call.issued_on,
            call.due_on,
            DuesCall.Status(call.status).label,
            chorus[call.chorus_status] if call.is_issued else "",
        ]


def other_csv_rows(invoices, *, today: dt.date):
    """Rows of CSV_HEADER for invoices of other things than dues (from
    other_invoices): paid by the payments recorded (transfer, cheque), or in
    full once Chorus Pro says so."""
    cent = Decimal("0.01")
    for invoice in invoices:
        amount = invoice.total.quantize(cent)
        credited = invoice.credited_total.quantize(cent)
        net = max(amount - credited, Decimal("0.00"))
        paid = min(invoice.paid_total.quantize(cent), net)
        if invoice.chorus_status == Invoice.ChorusStatus.PAID:
            paid = net
        if net == 0:
            status = DuesCall.Status.CANCELLED.label
        elif paid >= net:
            status = DuesCall.Status.PAID.label
        elif invoice.due_on and invoice.due_on < today:
            status = DuesCall.Status.LATE.label
        elif paid > 0:
            status = DuesCall.Status.PARTLY_PAID.label
        else:
            status = DuesCall.Status.DUE.label
        recipient = invoice.data.get("recipient", {})
        yield [
            invoice.number,
            invoice.recipient_name,
            "",
            recipient.get("siret", ""),
            invoice.year,
            None,
            None,
            amount,
            credited,
            paid,
            net - paid,
            invoice.issued_on,
            invoice.due_on,
            status,
            invoice.get_chorus_status_display(),
        ]
