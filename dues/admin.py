"""Back office for the dues: scales, the campaign, invoices, payments,
reminders and the treasurer's view."""

import itertools
from decimal import Decimal
from types import SimpleNamespace

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from members.models import Member
from outbox.sending import kind
from rfve_site import (
    converters,  # noqa: F401 - the "id" converter
    formats,
)
from rfve_site.csv_export import csv_response
from rfve_site.text import MultiLineFormField

from . import (
    campaign,
    charts,
    credit_notes,
    documents,
    invoice_lines,
    invoices,
    reminders,
    scales,
    sending,
    tasks,
    treasury,
)
from .errors import DuesError
from .models import (
    DuesBracket,
    DuesCall,
    DuesScale,
    Invoice,
    IssueRun,
    Payment,
    Reminder,
    ReminderRun,
    ReminderStep,
    may_read_private_recipients,
)

# --- Dues -------------------------------------------------------------------


class DuesBracketFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        brackets = [
            SimpleNamespace(**form.cleaned_data)
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        errors = scales.validate_brackets(brackets)
        if errors:
            raise ValidationError(errors)


class DuesBracketInline(admin.TabularInline):
    model = DuesBracket
    formset = DuesBracketFormSet
    extra = 0
    min_num = 1


@admin.register(DuesScale)
class DuesScaleAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "population_year",
        "first_year_rule",
        "bracket_count",
        "amounts",
    ]
    fields = ["year", "population_year", "first_year_rule", "notes"]
    inlines = [DuesBracketInline]
    actions = ["copy_to_next_year"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("brackets")

    @admin.display(description="tranches")
    def bracket_count(self, scale):
        return len(scale.brackets.all())

    @admin.display(description="montants")
    def amounts(self, scale):
        return " · ".join(formats.euros(b.amount) for b in scale.brackets.all())

    @admin.action(
        description="Copier le barème vers l’année suivante", permissions=["add"]
    )
    def copy_to_next_year(self, request, queryset):
        for scale in queryset:
            try:
                copy = scales.copy_scale(scale.year, scale.year + 1)
            except DuesError as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                self.message_user(
                    request,
                    f"Barème {copy.year} créé à partir du barème {scale.year} : "
                    "ajustez les montants si besoin.",
                )


class PaymentInline(admin.TabularInline):
    model = Payment
    fk_name = "call"
    fields = ["paid_on", "amount", "method", "reference"]
    extra = 1


class InvoicePaymentInline(PaymentInline):
    """Payments of an invoice that is not a dues call's (an event
    registration's, paid by transfer or cheque outside Chorus Pro)."""

    fk_name = "invoice"
    verbose_name_plural = "paiements reçus (hors Chorus Pro)"


class ReminderInline(admin.TabularInline):
    model = Reminder
    extra = 0
    fields = ["step", "sent_at", "recipient"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StatusFilter(admin.SimpleListFilter):
    title = "statut"
    parameter_name = "statut"

    UNPAID = "reste-du"
    UNPAID_STATUSES = [
        DuesCall.Status.DUE,
        DuesCall.Status.PARTLY_PAID,
        DuesCall.Status.LATE,
    ]

    def lookups(self, request, model_admin):
        return [*DuesCall.Status.choices, (self.UNPAID, "reste à payer")]

    def queryset(self, request, queryset):
        if self.value() == self.UNPAID:
            return queryset.filter(status__in=self.UNPAID_STATUSES)
        if self.value():
            return queryset.filter(status=self.value())
        return queryset


class ReminderDueFilter(admin.SimpleListFilter):
    """The calls "Relancer maintenant" would remind today (reminders.reminders_due)."""

    title = "relance"
    parameter_name = "relance"
    DUE = "a-envoyer"

    def lookups(self, request, model_admin):
        return [(self.DUE, "à envoyer aujourd’hui")]

    def queryset(self, request, queryset):
        if self.value() != self.DUE:
            return queryset
        due = reminders.reminders_due(
            DuesCall.objects.all(), today=timezone.localdate()
        )
        return queryset.filter(pk__in=[call.pk for call, _step in due])


class CampaignForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    member = forms.ModelChoiceField(
        label="Une seule ville",
        queryset=Member.objects.active().select_related("authority"),
        required=False,
        empty_label="Toutes les villes adhérentes",
        help_text="Pour appeler seule une ville qui adhère après la campagne : "
        "mêmes règles (tranche, prorata du barème), aucun appel en double.",
    )
    population_year_reason = MultiLineFormField(
        label="Motif d’un millésime différent",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Requis seulement si la population d’une ville n’a pas le "
        "millésime du barème ; enregistré sur les appels concernés.",
    )


def _download(document: Invoice, request, admin) -> HttpResponse:
    """The stored Factur-X file, checked against its SHA-256; a mismatch is
    logged and told in French, never answered with another file."""
    try:
        content = documents.read_pdf(document)
    except documents.DocumentIntegrityError as error:
        admin.message_user(request, str(error), messages.ERROR)
        return redirect(reverse("admin:dues_invoice_change", args=[document.pk]))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response


def _zip_response(request, admin, queryset, filename: str):
    try:
        content = documents.zip_of(queryset.order_by("kind", "number"))
    except documents.DocumentIntegrityError as error:
        admin.message_user(request, str(error), messages.ERROR)
        return None
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _long_date(date) -> str:
    """ "1er janvier 2027" (Django's French format says "1 janvier")."""
    return invoice_lines.long_date(date) if date else "—"


def _can(request, codename: str) -> bool:
    return request.user.has_perm(f"dues.{codename}")


class DocumentInline(admin.TabularInline):
    """The call's invoice and credit notes, read-only."""

    model = Invoice
    extra = 0
    fields = ["link", "kind", "issued_on", "total_display", "reason", "chorus_status"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "facture et avoirs"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="montant")
    def total_display(self, document):
        return formats.euros(document.total)

    @admin.display(description="numéro")
    def link(self, document):
        url = reverse("admin:dues_invoice_change", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, document.number)


NOT_REMINDED = (
    "Les appels payés, pas encore en retard, déjà relancés pour l’étape en "
    "cours, mandatés selon Chorus Pro ou marqués « ne pas relancer » ne sont "
    "pas relancés."
)


@admin.register(DuesCall)
class DuesCallAdmin(admin.ModelAdmin):
    list_display = [
        "invoice",
        "member",
        "year",
        "amount_display",
        "paid",
        "status_label",
        "due_on_display",
        "sent_at",
        "no_reminders",
    ]
    list_display_links = ["invoice", "member"]
    list_filter = ["year", StatusFilter, ReminderDueFilter, "no_reminders"]
    list_select_related = ["member__authority"]
    search_fields = ["member__authority__search_name", "member__authority__code"]
    autocomplete_fields = ["member"]
    inlines = [DocumentInline, PaymentInline, ReminderInline]
    actions = [
        "issue_invoices",
        "send_invoices",
        "send_reminders",
        "cancel_calls",
        "export_csv",
    ]
    fieldsets = [
        (None, {"fields": ["member", "year", "invoice", "pdf_link", "certificate"]}),
        (
            "Montant",
            {
                "fields": [
                    "amount",
                    "scale_amount",
                    "override_reason",
                    "terms",
                    "population_year_reason",
                ]
            },
        ),
        (
            "Facture",
            {
                "fields": [
                    "commitment_number",
                    "issued_on",
                    "due_on",
                    "sent_at",
                    "no_reminders",
                ]
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        """The invoice file (the city's invoicing data) only for those who
        may download invoices."""
        fieldsets = super().get_fieldsets(request, obj)
        if _can(request, "download_invoice"):
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        f
                        for f in options["fields"]
                        if f not in ("pdf_link", "certificate")
                    ],
                },
            )
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = [
            "invoice",
            "pdf_link",
            "certificate",
            "scale_amount",
            "terms",
            "population_year_reason",
            "issued_on",
            "due_on",
            "sent_at",
        ]
        if obj is not None:
            fields += ["member", "year"]
        if obj is not None and obj.is_issued:
            # Everything the invoice prints: a correction is a credit note.
            fields += [f for f in DuesCall.frozen_fields if f not in fields]
        return fields

    def has_delete_permission(self, request, obj=None):
        """Only a draft call (not yet issued) can be deleted, by anyone."""
        if obj is not None and obj.is_issued:
            return False
        return super().has_delete_permission(request, obj)

    def has_issue_permission(self, request):
        return _can(request, "add_invoice")

    def has_credit_permission(self, request):
        return _can(request, "credit_invoice")

    def get_queryset(self, request):
        return super().get_queryset(request).with_status(timezone.localdate())

    @admin.display(description="facture", ordering="invoice_number")
    def invoice(self, call):
        return call.invoice_number or "—"

    @admin.display(description="montant", ordering="amount")
    def amount_display(self, call):
        return formats.euros(call.amount)

    @admin.display(description="échéance", ordering="due_on")
    def due_on_display(self, call):
        return _long_date(call.due_on)

    @admin.display(description="payé", ordering="paid_total")
    def paid(self, call):
        return formats.euros(call.paid_total)

    @admin.display(description="calcul")
    def terms(self, call):
        return invoice_lines.invoice_line(call).text if call.pk else "—"

    @admin.display(description="attestation d’adhésion")
    def certificate(self, call):
        if call.pk is None:
            return "—"
        if call.status != DuesCall.Status.PAID:
            return "Disponible une fois la cotisation entièrement payée."
        url = reverse("admin:dues_duescall_certificate", args=[call.pk])
        return format_html(
            '<a href="{}">Attestation d’adhésion {} (PDF)</a>', url, call.year
        )

    @admin.display(description="statut", ordering="status")
    def status_label(self, call):
        return DuesCall.Status(call.status).label

    @admin.display(description="PDF")
    def pdf_link(self, call):
        if not call.is_issued:
            return "Pas encore émise."
        url = reverse("admin:dues_duescall_pdf", args=[call.pk])
        return format_html('<a href="{}">Télécharger la facture (Factur-X)</a>', url)

    # Actions ---------------------------------------------------------------

    def _report(self, request, done: str, errors: list[str]):
        if done:
            self.message_user(request, done)
        for error in errors:
            self.message_user(request, error, messages.WARNING)

    @admin.action(description="Émettre les factures", permissions=["issue"])
    def issue_invoices(self, request, queryset):
        """Issued by a background task (half a second each): the run's page
        shows its progress."""
        try:
            invoices.check_issuer()
        except DuesError as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        run = tasks.start(queryset, request.user)
        count = run.calls.count()
        if not count:
            self.message_user(request, "Aucune facture à émettre.", messages.WARNING)
            return None
        self.message_user(
            request,
            f"Émission de {count} facture(s) lancée : suivez-la sur cette page.",
        )
        return redirect("admin:dues_issuerun_change", run.pk)

    @admin.action(description="Envoyer par courriel", permissions=["issue"])
    def send_invoices(self, request, queryset):
        sent, errors = 0, []
        for call in queryset.select_related("member__authority"):
            try:
                # The outbox's copy and the call's "sent" date: both or neither.
                with transaction.atomic(), kind("facture"):
                    sending.send_invoice(call)
                sent += 1
            except DuesError as error:
                errors.append(str(error))
        self._report(request, f"{sent} facture(s) envoyée(s).", errors)

    @admin.action(description="Relancer maintenant", permissions=["change"])
    def send_reminders(self, request, queryset):
        """Sent by a background task: the run's page shows its progress."""
        run = tasks.start_reminders(queryset, request.user, timezone.localdate())
        if run is None:
            self.message_user(
                request,
                "Aucune relance à envoyer. " + NOT_REMINDED,
                messages.WARNING,
            )
            return None
        self.message_user(
            request,
            f"Envoi de {run.calls.count()} relance(s) lancé : suivez-le sur "
            "cette page. " + NOT_REMINDED,
        )
        return redirect("admin:dues_reminderrun_change", run.pk)

    @admin.action(
        description="Annuler (ville partie) : supprimer le brouillon ou émettre "
        "un avoir total",
        permissions=["credit"],
    )
    def cancel_calls(self, request, queryset):
        try:
            deleted, notes = credit_notes.cancel_calls(
                queryset.select_related("member__authority").order_by("pk"),
                today=timezone.localdate(),
            )
        except DuesError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        numbers = ", ".join(note.number for note in notes) or "aucun"
        self.message_user(
            request,
            f"{deleted} appel(s) non émis supprimé(s) ; avoir(s) émis : {numbers}.",
        )

    # Invoices and the CSV (SIRET, amounts per city) are for those who handle
    # invoices; the Bureau reads the figures in the treasury view.
    @admin.action(description="Exporter en CSV", permissions=["change"])
    def export_csv(self, request, queryset):
        return _csv_response(queryset, "appels-de-cotisation.csv")

    # Views -----------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<id:pk>/facture.pdf", view(self.pdf_view), name="dues_duescall_pdf"),
            path(
                "<id:pk>/attestation.pdf",
                view(self.certificate_view),
                name="dues_duescall_certificate",
            ),
            path("campagne/", view(self.campaign_view), name="dues_duescall_campaign"),
            path(
                "tresorerie/",
                view(self.treasury_view),
                name="dues_duescall_treasury",
            ),
            path(
                "tresorerie/export.csv",
                view(self.treasury_csv_view),
                name="dues_duescall_treasury_csv",
            ),
            path(
                "tresorerie/factures.zip",
                view(self.treasury_zip_view),
                name="dues_duescall_treasury_zip",
            ),
        ] + super().get_urls()

    def pdf_view(self, request, pk):
        if not _can(request, "download_invoice"):
            raise PermissionDenied
        document = Invoice.objects.invoices().filter(call=pk).first()
        if document is None:
            raise Http404("Cette facture n’est pas encore émise.")
        return _download(document, request, self)

    def certificate_view(self, request, pk):
        """The membership certificate of a paid year; refused, back on the
        call's page with the reason, otherwise."""
        from .certificates import certificate_filename, certificate_pdf

        if not self.has_change_permission(request):
            raise PermissionDenied
        call = get_object_or_404(
            DuesCall.objects.select_related("member__authority"), pk=pk
        )
        try:
            pdf = certificate_pdf(call, today=timezone.localdate())
        except DuesError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect("admin:dues_duescall_change", call.pk)
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = certificate_filename(call)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def campaign_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        form = CampaignForm(request.POST or None, initial={"year": today.year})
        if request.method == "POST" and form.is_valid():
            year, member = form.cleaned_data["year"], form.cleaned_data["member"]
            try:
                result = campaign.launch_campaign(
                    year,
                    population_year_reason=form.cleaned_data["population_year_reason"],
                    members=None if member is None else [member],
                )
            except DuesError as error:
                self.message_user(request, str(error), messages.ERROR)
            except IntegrityError:  # the same campaign launched at the same time
                self.message_user(
                    request,
                    "La campagne est lancée par quelqu’un d’autre en ce moment : "
                    "réessayez dans un instant.",
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    f"Campagne {year} : {len(result.created)} appel(s) créé(s), "
                    f"{result.already_called} existai(en)t déjà.",
                )
                for call in result.created if member else []:
                    line = invoice_lines.invoice_line(call)
                    self.message_user(
                        request,
                        f"{member} : {formats.euros(call.amount)}, {line.period}.",
                    )
                if result.without_population:
                    names = ", ".join(str(m) for m in result.without_population)
                    self.message_user(
                        request,
                        f"Sans population municipale, donc sans appel : {names}.",
                        messages.WARNING,
                    )
                if result.not_yet_members:
                    names = ", ".join(str(m) for m in result.not_yet_members)
                    self.message_user(
                        request,
                        f"Adhésion décidée après {year}, donc sans appel {year} : "
                        f"{names}.",
                        messages.WARNING,
                    )
                changelist = reverse("admin:dues_duescall_changelist")
                return redirect(f"{changelist}?year={year}")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Lancer la campagne de cotisation",
            "form": form,
        }
        return TemplateResponse(request, "admin/dues/duescall/campaign.html", context)

    def _year(self, request) -> int:
        try:
            return int(request.GET.get("annee", ""))
        except ValueError:
            return timezone.localdate().year

    def treasury_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        year = self._year(request)
        years = sorted(
            set(DuesCall.objects.values_list("year", flat=True)) | {year},
            reverse=True,
        )
        today = timezone.localdate()
        summary = treasury.year_summary(year, today=today)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Trésorerie {year}",
            "summary": summary,
            "charts": [
                charts.by_bracket(summary),
                charts.by_month(summary),
                charts.members_by_year(today),
            ],
            "years": years,
            "year": year,
            "can_export": self.has_change_permission(request),
            "can_download": _can(request, "download_invoice"),
            "can_read_private": may_read_private_recipients(request.user),
        }
        return TemplateResponse(request, "admin/dues/duescall/treasury.html", context)

    def treasury_csv_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        year = self._year(request)
        calls = (
            DuesCall.objects.filter(year=year)
            .with_status(timezone.localdate())
            .order_by("member__authority__name")
        )
        # The year's other invoices (event registrations) follow the calls.
        rows = itertools.chain(
            treasury.csv_rows(
                calls.with_chorus_status().select_related("member__authority")
            ),
            treasury.other_csv_rows(
                treasury.other_invoices(year), today=timezone.localdate()
            ),
        )
        return csv_response(f"cotisations-{year}.csv", treasury.CSV_HEADER, rows)

    def treasury_zip_view(self, request):
        """Every invoice and credit note of a campaign, as Factur-X files."""
        if not _can(request, "download_invoice"):
            raise PermissionDenied
        year = self._year(request)
        response = _zip_response(
            request,
            self,
            Invoice.objects.of_year(year),
            f"factures-{year}.zip",
        )
        if response is None:
            return redirect(f"{reverse('admin:dues_duescall_treasury')}?annee={year}")
        return response


class CreditNoteForm(forms.Form):
    amount = forms.DecimalField(
        label="Montant de l’avoir (€)", min_value=Decimal("0.01"), decimal_places=2
    )
    reason = forms.CharField(label="Motif", max_length=300)


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    """Issued invoices and credit notes: read-only, never deleted; only the
    Chorus Pro follow-up changes (Trésorerie)."""

    list_display = [
        "number",
        "kind",
        "recipient_name",
        "issued_on_display",
        "due_on_display",
        "total_display",
        "credited_invoice",
        "chorus_status",
    ]
    list_filter = ["kind", "year", "chorus_status"]
    list_select_related = ["credited_invoice"]
    search_fields = ["number", "recipient_name", "chorus_deposit_number"]
    actions = ["download_zip", "send_documents"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "kind",
                    "recipient_name",
                    "call_link",
                    "credited_invoice",
                    "issued_on",
                    "due_on",
                    "total",
                    "reason",
                    "credit_notes_list",
                    "sha256",
                ]
            },
        ),
        (
            "Suivi Chorus Pro",
            {
                "fields": [
                    "chorus_deposit_number",
                    "chorus_status",
                    "chorus_status_on",
                    "chorus_rejection_reason",
                ]
            },
        ),
    ]
    # Everything but the Chorus Pro follow-up is printed, hence read-only.
    frozen = fieldsets[0][1]["fields"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.frozen, "recipient_masked"]

    def get_inlines(self, request, obj):
        """A dues call's payments are on the call; other invoices' here."""
        if obj is None or obj.call_id is not None or obj.is_credit_note:
            return []
        return [InvoicePaymentInline]

    def has_add_permission(self, request):
        return False  # issued from the dues calls (or another engine user)

    # A private person's name (an event's registration) only for those who
    # read the registrations: the Bureau sees "Particulier", and cannot
    # search by name (a hit would tell it).
    def _masked(self, request, names):
        if may_read_private_recipients(request.user):
            return names
        return [
            "recipient_masked" if name == "recipient_name" else name for name in names
        ]

    def get_list_display(self, request):
        return self._masked(request, super().get_list_display(request))

    def get_fieldsets(self, request, obj=None):
        return [
            (name, {**options, "fields": self._masked(request, options["fields"])})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_search_fields(self, request):
        if may_read_private_recipients(request.user):
            return self.search_fields
        return [name for name in self.search_fields if name != "recipient_name"]

    @admin.display(description="destinataire", ordering="recipient_name")
    def recipient_masked(self, obj):
        return obj.recipient_masked

    def has_delete_permission(self, request, obj=None):
        return False  # never, superusers included: corrections are credit notes

    def has_download_permission(self, request):
        return _can(request, "download_invoice")

    @admin.display(description="montant", ordering="total")
    def total_display(self, document):
        return formats.euros(document.total)

    @admin.display(description="émise le", ordering="issued_on")
    def issued_on_display(self, document):
        return _long_date(document.issued_on)

    @admin.display(description="échéance", ordering="due_on")
    def due_on_display(self, document):
        return _long_date(document.due_on)

    @admin.display(description="appel de cotisation")
    def call_link(self, document):
        if document.call_id is None:
            return "—"
        url = reverse("admin:dues_duescall_change", args=[document.call_id])
        return format_html('<a href="{}">{}</a>', url, document.call)

    @admin.display(description="avoirs")
    def credit_notes_list(self, document):
        notes = ", ".join(
            f"{n.number} ({formats.euros(n.total)})"
            for n in document.credit_notes.all()
        )
        return notes or "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Links to the file and to a credit note, above the form."""
        document = self.get_object(request, object_id)
        links = []
        if document is not None and self.has_download_permission(request):
            url = reverse("admin:dues_invoice_pdf", args=[document.pk])
            links.append((url, f"Télécharger {document.filename}"))
        if (
            document is not None
            and not document.is_credit_note
            and _can(request, "credit_invoice")
            and credit_notes.creditable(document) > 0
        ):
            url = reverse("admin:dues_invoice_credit", args=[document.pk])
            links.append((url, "Émettre un avoir"))
        extra_context = {**(extra_context or {}), "document_links": links}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Télécharger en ZIP (Factur-X)", permissions=["download"])
    def download_zip(self, request, queryset):
        return _zip_response(request, self, queryset, "factures.zip")

    @admin.action(
        description="Envoyer par courriel à l’acheteur",
        permissions=["download"],
    )
    def send_documents(self, request, queryset):
        """Credit notes are emailed like invoices, to the same contact: a
        member's finance contact, a registration order's buyer."""
        sent, errors = 0, []
        for document in queryset.select_related(
            "call__member__authority", "credited_invoice"
        ):
            try:
                # The outbox's copy and the call's "sent" date: both or neither.
                with transaction.atomic(), kind(document.kind):
                    sending.send_document(document)
                sent += 1
            except DuesError as error:
                errors.append(str(error))
        if sent:
            self.message_user(request, f"{sent} document(s) envoyé(s).")
        for error in errors:
            self.message_user(request, error, messages.WARNING)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<id:pk>/fichier.pdf", view(self.pdf_view), name="dues_invoice_pdf"),
            path("<id:pk>/avoir/", view(self.credit_view), name="dues_invoice_credit"),
        ] + super().get_urls()

    def pdf_view(self, request, pk):
        if not self.has_download_permission(request):
            raise PermissionDenied
        return _download(get_object_or_404(Invoice, pk=pk), request, self)

    def credit_view(self, request, pk):
        if not _can(request, "credit_invoice"):
            raise PermissionDenied
        invoice = get_object_or_404(Invoice.objects.invoices(), pk=pk)
        left = credit_notes.creditable(invoice)
        form = CreditNoteForm(request.POST or None, initial={"amount": left})
        if request.method == "POST" and form.is_valid():
            try:
                note = credit_notes.issue_credit_note(
                    invoice,
                    form.cleaned_data["amount"],
                    form.cleaned_data["reason"],
                    today=timezone.localdate(),
                )
            except DuesError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, f"Avoir {note.number} émis.")
                return redirect(reverse("admin:dues_invoice_change", args=[note.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Avoir sur la facture {invoice.number}",
            "invoice": invoice,
            "left": left,
            "form": form,
        }
        return TemplateResponse(request, "admin/dues/invoice/credit.html", context)


def _csv_response(calls, filename: str) -> HttpResponse:
    rows = treasury.csv_rows(
        calls.with_chorus_status().select_related("member__authority")
    )
    return csv_response(filename, treasury.CSV_HEADER, rows)


@admin.register(ReminderStep)
class ReminderStepAdmin(admin.ModelAdmin):
    list_display = ["days_after_due", "subject"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The log of reminders sent: append-only, for superusers too. It is what
    stops a step from being sent twice: a deleted entry would make "Relancer
    maintenant" send the same step again."""

    list_display = ["call", "step", "sent_at", "recipient"]
    list_filter = ["step", "call__year"]
    list_select_related = ["call__member__authority", "step"]
    date_hierarchy = "sent_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BackgroundRunAdmin(admin.ModelAdmin):
    """Read-only: what a background run did, and how far it is."""

    feminine = False  # "l’émission" (feminine), "l’envoi" (masculine)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="état")
    def state(self, run):
        if run.finished_at:
            when = timezone.localtime(run.finished_at)
            e = "e" if self.feminine else ""
            return f"Terminé{e} le {when:%d/%m/%Y à %H:%M:%S}."
        stalled = type(run).objects.stalled(timezone.now(), tasks.STALLED_AFTER)
        if stalled.filter(pk=run.pk).exists():
            if self.feminine:
                return "Interrompue : elle reprendra d’elle-même dans quelques minutes."
            return "Interrompu : il reprendra de lui-même dans quelques minutes."
        return "En cours (actualisez la page pour suivre l’avancement)."

    @admin.display(description="erreurs")
    def error_list(self, run):
        if not run.errors:
            return "Aucune."
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ((e["error"],) for e in run.errors)),
        )


@admin.register(IssueRun)
class IssueRunAdmin(BackgroundRunAdmin):
    """What a background run of invoices did, and how far it is."""

    feminine = True
    list_display = ["__str__", "created_by", "progress", "state"]
    fields = ["created_at", "created_by", "state", "progress", "error_list", "issued"]
    readonly_fields = fields

    @admin.display(description="avancement")
    def progress(self, run):
        total = run.calls.count()
        issued = run.calls.filter(number__isnull=False).count()
        return f"{issued} / {total} facture(s) émise(s), {len(run.errors)} erreur(s)"

    @admin.display(description="factures émises")
    def issued(self, run):
        calls = run.calls.filter(number__isnull=False).select_related(
            "member__authority"
        )
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a></li>',
                (
                    (reverse("admin:dues_duescall_change", args=[c.pk]), str(c))
                    for c in calls.order_by("year", "number")
                ),
            ),
        )


@admin.register(ReminderRun)
class ReminderRunAdmin(BackgroundRunAdmin):
    """What a background run of reminders did ("Relancer maintenant", or the
    daily command), and how far it is."""

    list_display = ["__str__", "launched_by", "progress", "state"]
    fields = [
        "created_at",
        "launched_by",
        "day",
        "state",
        "progress",
        "error_list",
        "skipped_list",
        "sent",
    ]
    readonly_fields = fields

    @admin.display(description="lancé par")
    def launched_by(self, run):
        return run.created_by or "l’envoi quotidien automatique"

    @admin.display(description="avancement")
    def progress(self, run):
        total = run.calls.count()
        sent = run.reminders.count()
        return (
            f"{sent} / {total} relance(s) envoyée(s), {len(run.skipped)} "
            f"écartée(s), {len(run.errors)} erreur(s)"
        )

    @admin.display(description="appels écartés")
    def skipped_list(self, run):
        if not run.skipped:
            return "Aucun."
        names = dict(
            (call.pk, str(call))
            for call in DuesCall.objects.filter(
                pk__in=[item["call"] for item in run.skipped]
            ).select_related("member__authority")
        )
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} : {}</li>",
                ((names.get(i["call"], "?"), i["reason"]) for i in run.skipped),
            ),
        )

    @admin.display(description="relances envoyées")
    def sent(self, run):
        sent = run.reminders.select_related("call__member__authority", "step")
        if not sent:
            return "Aucune."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> : {}, à {}</li>',
                (
                    (
                        reverse("admin:dues_duescall_change", args=[r.call_id]),
                        str(r.call),
                        str(r.step),
                        r.recipient,
                    )
                    for r in sent.order_by("sent_at", "pk")
                ),
            ),
        )
