"""The yearly dues: scale, calls, invoices and credit notes (documents frozen
at issue), payments, reminders."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

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


class FrozenDocumentError(Exception):
    """A change to what an issued document prints: refused whoever asks."""


class FrozenFieldsMixin:
    """Refuses, in save(), any change to `frozen_fields` of a row that
    `frozen_rows()` selects in the database: the admin shows them read-only,
    this stops a tampered POST or any code path (QuerySet.update() excepted)."""

    frozen_fields: tuple[str, ...] = ()

    @classmethod
    def frozen_rows(cls, queryset):
        return queryset

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self.pk and (update_fields is None or set(update_fields) & self._frozen):
            self._refuse_frozen_changes()
        super().save(*args, **kwargs)

    @property
    def _frozen(self) -> set[str]:
        return {self._meta.get_field(name).attname for name in self.frozen_fields}

    def _refuse_frozen_changes(self):
        names = sorted(self._frozen)
        stored = (
            self.frozen_rows(type(self).objects.filter(pk=self.pk))
            .values(*names)
            .first()
        )
        if stored is None:
            return
        changed = [name for name in names if stored[name] != getattr(self, name)]
        if changed:
            raise FrozenDocumentError(
                f"{self} est émise : {', '.join(changed)} ne peut plus changer "
                "(émettez un avoir)."
            )


_MONEY = models.DecimalField(max_digits=9, decimal_places=2)


class DuesCallQuerySet(models.QuerySet):
    def with_paid_total(self):
        """Adds `paid_total` (the sum of the call's payments), `credited_total`
        (of its credit notes) and `net_amount` (amount less credit notes)."""
        paid = (
            Payment.objects.filter(call=OuterRef("pk"))
            .values("call")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        credited = (
            Invoice.objects.filter(call=OuterRef("pk"), kind=Invoice.Kind.CREDIT_NOTE)
            .values("call")
            .annotate(sum=Sum("total"))
            .values("sum")
        )
        zero = Value(Decimal("0"))
        return self.annotate(
            paid_total=Coalesce(Subquery(paid), zero, output_field=_MONEY),
            credited_total=Coalesce(Subquery(credited), zero, output_field=_MONEY),
            net_amount=models.ExpressionWrapper(
                F("amount") - F("credited_total"), output_field=_MONEY
            ),
        )

    def with_status(self, today: dt.date):
        """Adds the totals and `status` (a DuesCall.Status value) as of today."""
        return self.with_paid_total().annotate(
            status=Case(
                When(
                    credited_total__gt=0,
                    net_amount__lte=0,
                    then=Value(DuesCall.Status.CANCELLED),
                ),
                When(paid_total__gte=F("net_amount"), then=Value(DuesCall.Status.PAID)),
                When(due_on__lt=today, then=Value(DuesCall.Status.LATE)),
                When(paid_total__gt=0, then=Value(DuesCall.Status.PARTLY_PAID)),
                default=Value(DuesCall.Status.DUE),
                output_field=models.CharField(),
            )
        )

    def unpaid(self):
        return self.with_paid_total().filter(paid_total__lt=F("net_amount"))

    def _invoice(self):
        return Invoice.objects.filter(call=OuterRef("pk"), kind=Invoice.Kind.INVOICE)

    def with_chorus_status(self):
        """Adds `chorus_status`: the Chorus Pro status of the call's invoice."""
        return self.annotate(
            chorus_status=Subquery(self._invoice().values("chorus_status")[:1])
        )

    def not_in_payment(self):
        """Without the calls whose invoice Chorus Pro reports mandated (being
        paid by the public accountant) or paid."""
        in_payment = self._invoice().filter(
            chorus_status__in=[
                Invoice.ChorusStatus.MANDATED,
                Invoice.ChorusStatus.PAID,
            ]
        )
        return self.exclude(Exists(in_payment))

    def remindable(self):
        """Without the calls a reminder must not chase: invoice being paid
        (not_in_payment), or rejected or disputed, which the treasurer
        handles first (the treasury view lists them)."""
        held = self._invoice().filter(
            chorus_status__in=[
                Invoice.ChorusStatus.REJECTED,
                Invoice.ChorusStatus.DISPUTED,
            ]
        )
        return self.not_in_payment().exclude(Exists(held))

    def late(self, today: dt.date):
        """Not fully paid after the due date."""
        return self.unpaid().filter(due_on__lt=today)


class DuesCall(FrozenFieldsMixin, models.Model):
    """One member's dues for one year. Issuing it numbers it and makes its
    invoice (an Invoice document, frozen); from then on what the invoice
    prints cannot change here either."""

    class Status(models.TextChoices):
        DUE = "due", "à payer"
        PARTLY_PAID = "partial", "partiellement payée"
        PAID = "paid", "payée"
        LATE = "late", "en retard"
        CANCELLED = "cancelled", "annulée par avoir"

    # What the invoice prints, taken from the call at issue.
    frozen_fields = (
        "member",
        "year",
        "number",
        "invoice_number",
        "amount",
        "scale_amount",
        "override_reason",
        "population",
        "population_year",
        "population_year_reason",
        "annual_amount",
        "bracket_min_population",
        "bracket_max_population",
        "period_start",
        "period_end",
        "commitment_number",
        "issued_on",
        "due_on",
    )

    member = models.ForeignKey(
        Member,
        verbose_name="ville",
        on_delete=models.PROTECT,
        related_name="dues_calls",
    )
    year = models.PositiveSmallIntegerField("année")
    # The invoice's rank in its series and its number as printed, given at
    # issue: numbered by the year of issue (a 2027 call issued in December
    # 2026 is 2026-0042), never by the dues year. Calls issued before that
    # rule keep the number they got from their dues year.
    number = models.PositiveIntegerField("rang", null=True, blank=True)
    invoice_number = OneLineField("numéro de facture", max_length=20, blank=True)
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
        ordering = ["-year", "invoice_number", "member__authority__name"]
        verbose_name = "appel de cotisation"
        verbose_name_plural = "appels de cotisation"
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"], name="one_dues_call_per_member_and_year"
            ),
            models.UniqueConstraint(
                fields=["invoice_number"],
                condition=~Q(invoice_number=""),
                name="dues_call_invoice_number_unique",
            ),
        ]

    def __str__(self):
        return f"Cotisation {self.year} – {self.member}"

    @classmethod
    def frozen_rows(cls, queryset):
        return queryset.filter(number__isnull=False)

    @property
    def is_issued(self) -> bool:
        return self.number is not None

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
    """Last number given in a series of documents (Invoice.Series: dues
    invoices, registration invoices, credit notes) in a year of issue; its
    row is locked while numbering, so that numbers have no gaps even when two
    people issue at once."""

    kind = models.CharField("série", max_length=12, default="facture")
    year = models.PositiveSmallIntegerField("année d’émission")
    last_number = models.PositiveIntegerField("dernier numéro", default=0)

    class Meta:
        verbose_name = "numérotation des factures"
        verbose_name_plural = "numérotation des factures"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year"], name="one_sequence_per_kind_and_year"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.year} : {self.last_number}"


class InvoiceQuerySet(models.QuerySet):
    def invoices(self):
        return self.filter(kind=Invoice.Kind.INVOICE)

    def credit_notes(self):
        return self.filter(kind=Invoice.Kind.CREDIT_NOTE)

    def of_year(self, year: int):
        """The documents of a year's accounts: a dues call's by the call's
        year; the others (event registrations) by the year of their
        invoice, credit notes included."""
        return self.filter(
            Q(call__year=year)
            | Q(call=None, kind=Invoice.Kind.INVOICE, year=year)
            | Q(call=None, kind=Invoice.Kind.CREDIT_NOTE, credited_invoice__year=year)
        )

    def without_call(self):
        """Invoices of other things than dues (event registrations)."""
        return self.invoices().filter(call=None)


PRIVATE_RECIPIENT = "Particulier (nom réservé au secrétariat et à la trésorerie)"


def may_read_private_recipients(user) -> bool:
    return user.has_perm("registrations.view_registration")


class Invoice(FrozenFieldsMixin, models.Model):
    """An invoice or a credit note as issued: `data` holds everything it
    prints (the PDF is rendered from it alone, once), the file is the
    Factur-X PDF kept in the private "invoices" storage with its SHA-256.
    Nothing of it changes after issue except the Chorus Pro follow-up. The
    link to a dues call is optional: other things (event registrations) are
    invoiced by the same engine."""

    class Kind(models.TextChoices):
        INVOICE = "facture", "facture"
        CREDIT_NOTE = "avoir", "avoir"

    class Series(models.TextChoices):
        """The numbering series, each continuous and chronological within its
        year of issue: 2027-0001 (dues), INS-2027-0001 (event
        registrations), AV-2027-0001 (credit notes). Registration invoices
        issued before their series existed are in the dues' one."""

        DUES = "facture", "factures de cotisation"
        REGISTRATIONS = "inscription", "factures d’inscription"
        CREDIT_NOTES = "avoir", "avoirs"

    class ChorusStatus(models.TextChoices):
        NOT_DEPOSITED = "", "non déposée"
        DEPOSITED = "deposee", "déposée"
        AVAILABLE = "disposition", "mise à disposition"
        REJECTED = "rejetee", "rejetée"
        DISPUTED = "contestee", "contestée / suspendue"
        MANDATED = "mandatee", "mandatée / mise en paiement"
        PAID = "payee", "payée"

    kind = models.CharField("type", max_length=10, choices=Kind)
    series = models.CharField(
        "série", max_length=12, choices=Series, default=Series.DUES
    )
    year = models.PositiveSmallIntegerField("année de numérotation")
    sequence = models.PositiveIntegerField("rang dans l’année")
    number = models.CharField("numéro", max_length=20, unique=True)
    call = models.ForeignKey(
        DuesCall,
        verbose_name="appel de cotisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    credited_invoice = models.ForeignKey(
        "self",
        verbose_name="facture corrigée",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
    )
    issued_on = models.DateField("émise le")
    due_on = models.DateField("échéance", null=True, blank=True)
    total = models.DecimalField("montant (€)", max_digits=9, decimal_places=2)
    recipient_name = OneLineField("destinataire", max_length=200)
    reason = MultiLineField("motif", blank=True)
    data = models.JSONField("contenu imprimé", encoder=DjangoJSONEncoder)
    file = models.CharField("fichier", max_length=200)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    created_at = models.DateTimeField("enregistrée le", auto_now_add=True)
    # Chorus Pro follow-up: the only part that changes after issue.
    chorus_deposit_number = OneLineField(
        "numéro de dépôt Chorus Pro", max_length=50, blank=True
    )
    chorus_status = models.CharField(
        "statut Chorus Pro",
        max_length=20,
        choices=ChorusStatus,
        default=ChorusStatus.NOT_DEPOSITED,
        blank=True,
    )
    chorus_status_on = models.DateField("statut au", null=True, blank=True)
    chorus_rejection_reason = MultiLineField("motif du rejet", blank=True)

    objects = InvoiceQuerySet.as_manager()

    frozen_fields = (
        "kind",
        "series",
        "year",
        "sequence",
        "number",
        "call",
        "credited_invoice",
        "issued_on",
        "due_on",
        "total",
        "recipient_name",
        "reason",
        "data",
        "file",
        "sha256",
    )

    class Meta:
        ordering = ["-issued_on", "-number"]
        verbose_name = "facture ou avoir"
        verbose_name_plural = "factures et avoirs"
        permissions = [
            ("credit_invoice", "Peut émettre des avoirs"),
            ("download_invoice", "Peut télécharger les factures"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "sequence"], name="invoice_series_unique"
            ),
            models.UniqueConstraint(
                fields=["call"],
                condition=Q(kind="facture"),
                name="one_invoice_per_dues_call",
            ),
            models.CheckConstraint(
                condition=Q(total__gt=0), name="invoice_total_positive"
            ),
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=F("issued_on")),
                name="invoice_due_after_issue",
            ),
            models.CheckConstraint(
                condition=Q(kind="facture", credited_invoice__isnull=True)
                | Q(kind="avoir", credited_invoice__isnull=False),
                name="credit_note_refers_to_an_invoice",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display().capitalize()} {self.number}"

    @property
    def is_to_a_private_person(self) -> bool:
        """Addressed to someone registered in their own name (an event's
        registration; no SIRET): a name only those who read the
        registrations see (recipient_masked, may_read_private_recipients)."""
        if self.call_id is not None:
            return False
        recipient = self.data.get("recipient") if isinstance(self.data, dict) else None
        if recipient is None and self.credited_invoice_id is not None:
            return self.credited_invoice.is_to_a_private_person
        return not (recipient or {}).get("siret")

    @property
    def recipient_masked(self) -> str:
        """The recipient as shown to those who may not read the registrations
        (the Bureau): a private person's name is not."""
        return PRIVATE_RECIPIENT if self.is_to_a_private_person else self.recipient_name

    def clean(self):
        rejected = self.chorus_status == self.ChorusStatus.REJECTED
        if rejected and not self.chorus_rejection_reason.strip():
            raise ValidationError(
                {"chorus_rejection_reason": "Indiquez le motif du rejet."}
            )

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE

    @property
    def filename(self) -> str:
        """facture-rfve-2027-0001.pdf, avoir-rfve-AV-2027-0001.pdf"""
        return f"{self.kind}-rfve-{self.number}.pdf"


class Payment(models.Model):
    """Money received for a dues call, or for another invoice (an event
    registration's, paid by transfer or cheque outside Chorus Pro)."""

    class Method(models.TextChoices):
        TRANSFER = "virement", "Virement"
        MANDATE = "mandat", "Mandat administratif"
        CHEQUE = "cheque", "Chèque"

    call = models.ForeignKey(
        DuesCall,
        verbose_name="appel",
        on_delete=models.CASCADE,
        related_name="payments",
        null=True,
        blank=True,
    )
    invoice = models.ForeignKey(
        "Invoice",
        verbose_name="facture",
        on_delete=models.PROTECT,
        related_name="payments",
        null=True,
        blank=True,
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
            models.CheckConstraint(
                condition=Q(call__isnull=False, invoice__isnull=True)
                | Q(call__isnull=True, invoice__isnull=False),
                name="payment_for_a_call_or_an_invoice",
                violation_error_message="Un paiement règle un appel de cotisation "
                "ou une facture.",
            ),
        ]

    def __str__(self):
        return f"{euros(self.amount)} le {self.paid_on:%d/%m/%Y}"

    def clean(self):
        """Money is not received for an invoice before it exists."""
        if self.paid_on is None:
            return
        if self.invoice_id is not None:
            number, issued_on = self.invoice.number, self.invoice.issued_on
        elif self.call_id is not None and self.call.issued_on is not None:
            number, issued_on = self.call.invoice_number, self.call.issued_on
        else:
            return
        if self.paid_on < issued_on:
            raise ValidationError(
                {
                    "paid_on": f"Un paiement ne peut pas être daté du "
                    f"{self.paid_on:%d/%m/%Y}, avant l’émission de la facture "
                    f"{number} (le {issued_on:%d/%m/%Y})."
                }
            )


class ReminderStep(models.Model):
    """A step of the reminder schedule, editable by the secretariat."""

    days_after_due = models.PositiveSmallIntegerField(
        "jours après l’échéance", unique=True
    )
    # The text of the n-th step is the text of the n-th reminder a call
    # actually gets (dues/reminders.py): a call first reminded 75 days late
    # gets the first step's words, never "Malgré notre précédent courriel".
    subject = OneLineField("objet du courriel", max_length=200)
    body = MultiLineField(
        "texte du courriel",
        help_text="Variables : {ville}, {numero}, {montant}, {reste}, {echeance}, "
        "{avoirs} (« déduction faite de l’avoir … », vide sans avoir). Le texte "
        "de la n-ième étape est celui de la n-ième relance réellement envoyée "
        "à une ville.",
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
    run = models.ForeignKey(
        "ReminderRun",
        verbose_name="envoi",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders",
    )

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


class RunQuerySet(models.QuerySet):
    def stalled(self, now: dt.datetime, after: dt.timedelta):
        """Unfinished runs nobody has worked on lately: their worker died."""
        return self.filter(finished_at=None).filter(
            Q(heartbeat_at__lt=now - after)
            | Q(heartbeat_at=None, created_at__lt=now - after)
        )


class BackgroundRun(models.Model):
    """Work on a selection of calls done by a background task (dues.tasks):
    who launched it, its errors, its progress and its end."""

    created_at = models.DateTimeField("lancée le", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="lancée par",
    )
    # [{"call": pk, "error": "…"}] for the calls that could not be done.
    errors = models.JSONField("erreurs", default=list, blank=True)
    heartbeat_at = models.DateTimeField("dernière avancée le", null=True, blank=True)
    finished_at = models.DateTimeField("terminée le", null=True, blank=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]


class IssueRun(BackgroundRun):
    """Invoices issued in the background for a selection of calls (the
    calls' action "Émettre les factures"): the treasurer follows its
    progress; a run interrupted resumes where it stopped (dues.tasks)."""

    calls = models.ManyToManyField(
        DuesCall, related_name="issue_runs", verbose_name="appels"
    )

    class Meta(BackgroundRun.Meta):
        verbose_name = "émission de factures"
        verbose_name_plural = "émissions de factures"

    def __str__(self):
        return f"Émission du {timezone.localtime(self.created_at):%d/%m/%Y %H:%M}"

    def failed_call_ids(self) -> set[int]:
        return {error["call"] for error in self.errors}

    def pending(self):
        """Calls still to issue, in the order they are issued."""
        return (
            self.calls.filter(number__isnull=True)
            .exclude(pk__in=self.failed_call_ids())
            .order_by("year", "member__authority__name", "pk")
        )


class ReminderRun(BackgroundRun):
    """The reminders due on a day, sent in the background to the calls that
    needed one when it was launched ("Relancer maintenant", or the daily
    `send_dues_reminders`): the treasurer follows its progress; a run
    interrupted resumes and reminds nobody twice (dues.tasks)."""

    day = models.DateField("relances dues le")
    calls = models.ManyToManyField(
        DuesCall, related_name="reminder_runs", verbose_name="appels à relancer"
    )
    # [{"call": pk, "reason": "…"}]: calls no longer to remind when their
    # turn came (paid meanwhile, reminded by another run).
    skipped = models.JSONField("écartés", default=list, blank=True)

    class Meta(BackgroundRun.Meta):
        verbose_name = "envoi de relances"
        verbose_name_plural = "envois de relances"

    def __str__(self):
        return f"Relances du {timezone.localtime(self.created_at):%d/%m/%Y %H:%M}"

    def pending(self):
        """Calls still to remind, in the order they are reminded."""
        settled = {item["call"] for item in [*self.errors, *self.skipped]}
        return (
            self.calls.exclude(reminders__run=self)
            .exclude(pk__in=settled)
            .order_by("due_on", "member__authority__name", "pk")
        )
