"""The yearly dues: scale, calls (invoices), payments, reminders."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from members.models import Member
from rfve_site.formats import UNIT, euros, number
from rfve_site.text import MultiLineField, OneLineField

# ---------------------------------------------------------------------------
# Dues: yearly scale, calls (invoices), payments, reminders
# ---------------------------------------------------------------------------


class DuesScale(models.Model):
    """The dues of one year: population brackets → amount."""

    class FirstYear(models.TextChoices):
        FULL = "full", "Année entière"
        PRO_RATA = (
            "prorata",
            ("Au prorata des mois, à partir du mois de la délibération d’adhésion"),
        )

    year = models.PositiveSmallIntegerField("année", unique=True)
    # Nullable only for scales made before the field: the admin requires it,
    # and a campaign refuses a scale without it.
    population_year = models.PositiveSmallIntegerField(
        "millésime de la population",
        null=True,
        help_text="Millésime de la population municipale (Insee) sur laquelle "
        "portent les cotisations de l’année, par exemple 2023 pour 2026. Lancer la "
        "campagne avec un autre millésime demande un motif.",
    )
    first_year_rule = models.CharField(
        "première année d’adhésion",
        max_length=10,
        choices=FirstYear,
        default=FirstYear.FULL,
        help_text="Pour une ville dont le conseil a décidé l’adhésion dans "
        "l’année : cotisation entière, ou en douzièmes à partir du mois de la "
        "délibération (date « adhérente depuis » de la ville).",
    )
    notes = MultiLineField("notes", blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = "barème de cotisation"
        verbose_name_plural = "barèmes de cotisation"

    def __str__(self):
        return f"Barème {self.year}"


class DuesBracket(models.Model):
    scale = models.ForeignKey(
        DuesScale, on_delete=models.CASCADE, related_name="brackets"
    )
    min_population = models.PositiveIntegerField("population à partir de")
    # Empty on the last bracket: open-ended.
    max_population = models.PositiveIntegerField(
        "population jusqu’à (incluse)", null=True, blank=True
    )
    amount = models.DecimalField("montant (€)", max_digits=9, decimal_places=2)

    class Meta:
        ordering = ["scale", "min_population"]
        verbose_name = "tranche"
        constraints = [
            models.UniqueConstraint(
                fields=["scale", "min_population"], name="bracket_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="bracket_amount_not_negative",
                violation_error_message="Le montant ne peut pas être négatif.",
            ),
        ]

    def __str__(self):
        return f"{bracket_label(self.min_population, self.max_population)} : " + (
            euros(self.amount)
        )


def bracket_label(low: int, high: int | None) -> str:
    """ "de 10 000 à 49 999 habitants", "jusqu’à 9 999 habitants",
    "200 000 habitants et plus"."""
    if high is None:
        return f"{number(low)}{UNIT}habitants et plus"
    if low == 0:
        return f"jusqu’à {number(high)}{UNIT}habitants"
    return f"de {number(low)} à {number(high)}{UNIT}habitants"


class DuesCallQuerySet(models.QuerySet):
    def with_paid_total(self):
        """Adds `paid_total`: the sum of the call's payments (0 without any)."""
        paid = (
            Payment.objects.filter(call=OuterRef("pk"))
            .values("call")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return self.annotate(
            paid_total=Coalesce(
                Subquery(paid),
                Value(Decimal("0")),
                output_field=models.DecimalField(max_digits=9, decimal_places=2),
            )
        )

    def with_status(self, today: dt.date):
        """Adds `paid_total` and `status` (a DuesCall.Status value) as of today."""
        return self.with_paid_total().annotate(
            status=Case(
                When(paid_total__gte=F("amount"), then=Value(DuesCall.Status.PAID)),
                When(due_on__lt=today, then=Value(DuesCall.Status.LATE)),
                When(paid_total__gt=0, then=Value(DuesCall.Status.PARTLY_PAID)),
                default=Value(DuesCall.Status.DUE),
                output_field=models.CharField(),
            )
        )

    def unpaid(self):
        return self.with_paid_total().filter(paid_total__lt=F("amount"))

    def late(self, today: dt.date):
        """Not fully paid after the due date."""
        return self.unpaid().filter(due_on__lt=today)


class DuesCall(models.Model):
    """One member's dues for one year; once numbered, it is an invoice."""

    class Status(models.TextChoices):
        DUE = "due", "à payer"
        PARTLY_PAID = "partial", "partiellement payée"
        PAID = "paid", "payée"
        LATE = "late", "en retard"

    member = models.ForeignKey(
        Member,
        verbose_name="ville",
        on_delete=models.PROTECT,
        related_name="dues_calls",
    )
    year = models.PositiveSmallIntegerField("année")
    # Gap-free per year (2027-0001…), given when the invoice is issued.
    number = models.PositiveIntegerField("numéro", null=True, blank=True)
    amount = models.DecimalField("montant (€)", max_digits=9, decimal_places=2)
    population = models.PositiveIntegerField(
        "population municipale retenue", null=True, blank=True
    )
    population_year = models.PositiveSmallIntegerField(
        "millésime de la population", null=True, blank=True
    )
    population_year_reason = MultiLineField(
        "motif du millésime différent",
        blank=True,
        help_text="Pourquoi ce millésime n’est pas celui du barème.",
    )
    # What the scale asks for this call: the bracket's annual amount, or its
    # share for the months of a first year (DuesScale.first_year_rule).
    scale_amount = models.DecimalField(
        "montant du barème (€)", max_digits=9, decimal_places=2, null=True, blank=True
    )
    # The bracket as it was when the call was made (the scale may change).
    annual_amount = models.DecimalField(
        "montant annuel de la tranche (€)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
    )
    bracket_min_population = models.PositiveIntegerField(
        "tranche à partir de", null=True, blank=True
    )
    bracket_max_population = models.PositiveIntegerField(
        "tranche jusqu’à (incluse)", null=True, blank=True
    )
    # The months the dues cover: the whole year, or from the month of the
    # council's decision to join. Empty on calls made before these fields.
    period_start = models.DateField("période du", null=True, blank=True)
    period_end = models.DateField("période au", null=True, blank=True)
    override_reason = MultiLineField(
        "motif du montant modifié",
        blank=True,
        help_text="Obligatoire si le montant diffère du barème.",
    )
    commitment_number = OneLineField("numéro d’engagement", max_length=100, blank=True)
    issued_on = models.DateField("émise le", null=True, blank=True)
    due_on = models.DateField("échéance", null=True, blank=True)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    no_reminders = models.BooleanField("ne pas relancer", default=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = DuesCallQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "number", "member__authority__name"]
        verbose_name = "appel de cotisation"
        verbose_name_plural = "appels de cotisation"
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"], name="one_dues_call_per_member_and_year"
            ),
            models.UniqueConstraint(
                fields=["year", "number"], name="dues_call_number_unique_per_year"
            ),
        ]

    def __str__(self):
        return f"Cotisation {self.year} – {self.member}"

    @property
    def invoice_number(self) -> str:
        return f"{self.year}-{self.number:04d}" if self.number else ""

    def clean(self):
        overridden = self.scale_amount is not None and self.amount != self.scale_amount
        if overridden and not self.override_reason.strip():
            raise ValidationError(
                {
                    "override_reason": "Indiquez le motif : le montant diffère "
                    f"du barème ({euros(self.scale_amount)})."
                }
            )


class InvoiceSequence(models.Model):
    """Last invoice number given in a year; its row is locked while numbering,
    so that numbers have no gaps even when two people issue at once."""

    year = models.PositiveSmallIntegerField("année", unique=True)
    last_number = models.PositiveIntegerField("dernier numéro", default=0)

    class Meta:
        verbose_name = "numérotation des factures"
        verbose_name_plural = "numérotation des factures"

    def __str__(self):
        return f"{self.year} : {self.last_number}"


class Payment(models.Model):
    class Method(models.TextChoices):
        TRANSFER = "virement", "Virement"
        MANDATE = "mandat", "Mandat administratif"
        CHEQUE = "cheque", "Chèque"

    call = models.ForeignKey(
        DuesCall,
        verbose_name="appel",
        on_delete=models.CASCADE,
        related_name="payments",
    )
    paid_on = models.DateField("date")
    amount = models.DecimalField("montant (€)", max_digits=9, decimal_places=2)
    method = models.CharField("mode", max_length=20, choices=Method)
    reference = OneLineField("référence", max_length=200, blank=True)

    class Meta:
        ordering = ["paid_on"]
        verbose_name = "paiement"
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message="Le montant doit être positif.",
            ),
        ]

    def __str__(self):
        return f"{euros(self.amount)} le {self.paid_on:%d/%m/%Y}"


class ReminderStep(models.Model):
    """A step of the reminder schedule, editable by the secretariat."""

    days_after_due = models.PositiveSmallIntegerField(
        "jours après l’échéance", unique=True
    )
    subject = OneLineField("objet du courriel", max_length=200)
    body = MultiLineField(
        "texte du courriel",
        help_text="Variables : {ville}, {numero}, {montant}, {reste}, {echeance}.",
    )

    class Meta:
        ordering = ["days_after_due"]
        verbose_name = "étape de relance"
        verbose_name_plural = "calendrier des relances"

    def __str__(self):
        return f"Relance à {self.days_after_due} jours"


class Reminder(models.Model):
    """A reminder sent: logged, and never sent twice for the same step."""

    call = models.ForeignKey(
        DuesCall,
        verbose_name="appel",
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    step = models.ForeignKey(
        ReminderStep, verbose_name="étape", on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField("envoyée le", auto_now_add=True)
    recipient = models.EmailField("destinataire")

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = "relance envoyée"
        verbose_name_plural = "relances envoyées"
        constraints = [
            models.UniqueConstraint(
                fields=["call", "step"], name="one_reminder_per_call_and_step"
            ),
        ]

    def __str__(self):
        return f"{self.step} – {self.call}"
