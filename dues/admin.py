"""Back office for the dues: scales, the campaign, invoices, payments,
reminders and the treasurer's view."""

from types import SimpleNamespace

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from members.models import Member
from rfve_site import formats
from rfve_site.csv_export import csv_response
from rfve_site.text import MultiLineFormField

from . import dues
from .models import (
    DuesBracket,
    DuesCall,
    DuesScale,
    Payment,
    Reminder,
    ReminderStep,
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
        errors = dues.validate_brackets(brackets)
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
                copy = dues.copy_scale(scale.year, scale.year + 1)
            except dues.DuesError as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                self.message_user(
                    request,
                    f"Barème {copy.year} créé à partir du barème {scale.year} : "
                    "ajustez les montants si besoin.",
                )


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 1


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

    def lookups(self, request, model_admin):
        return DuesCall.Status.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(status=self.value())
        return queryset


class CampaignForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    due_on = forms.DateField(
        label="Échéance",
        help_text="Date limite de paiement indiquée sur les factures.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
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


@admin.register(DuesCall)
class DuesCallAdmin(admin.ModelAdmin):
    list_display = [
        "invoice",
        "member",
        "year",
        "amount_display",
        "paid",
        "status_label",
        "due_on",
        "sent_at",
        "no_reminders",
    ]
    list_display_links = ["invoice", "member"]
    list_filter = ["year", StatusFilter, "no_reminders"]
    list_select_related = ["member__authority"]
    search_fields = ["member__authority__search_name", "member__authority__code"]
    autocomplete_fields = ["member"]
    inlines = [PaymentInline, ReminderInline]
    actions = ["issue_invoices", "send_invoices", "send_reminders", "export_csv"]
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
        """The invoice PDF (the city's invoicing data) only for those who
        handle invoices: see pdf_view."""
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
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
            "sent_at",
        ]
        if obj is not None:
            fields += ["member", "year"]
        if obj is not None and obj.number:
            # An issued invoice is not changed (a credit note would be needed).
            fields += ["amount", "override_reason"]
        return fields

    def has_delete_permission(self, request, obj=None):
        # An issued invoice is never deleted: its number would leave a gap.
        if obj is not None and obj.number:
            return False
        return super().has_delete_permission(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).with_status(timezone.localdate())

    @admin.display(description="facture", ordering="number")
    def invoice(self, call):
        return call.invoice_number or "—"

    @admin.display(description="montant", ordering="amount")
    def amount_display(self, call):
        return formats.euros(call.amount)

    @admin.display(description="payé", ordering="paid_total")
    def paid(self, call):
        return formats.euros(call.paid_total)

    @admin.display(description="calcul")
    def terms(self, call):
        return dues.invoice_line(call).text if call.pk else "—"

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
        if not call.number:
            return "Pas encore émise."
        url = reverse("admin:dues_duescall_pdf", args=[call.pk])
        return format_html('<a href="{}">Télécharger la facture (PDF)</a>', url)

    # Actions ---------------------------------------------------------------

    def _report(self, request, done: str, errors: list[str]):
        if done:
            self.message_user(request, done)
        for error in errors:
            self.message_user(request, error, messages.WARNING)

    @admin.action(description="Émettre les factures", permissions=["change"])
    def issue_invoices(self, request, queryset):
        try:
            dues.check_issuer()
        except dues.DuesError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        today = timezone.localdate()
        issued, errors = 0, []
        for call in queryset.filter(number__isnull=True).order_by(
            "year", "member__authority__name"
        ):
            try:
                dues.issue_invoice(call, today=today)
                issued += 1
            except dues.DuesError as error:
                errors.append(str(error))
        self._report(request, f"{issued} facture(s) émise(s).", errors)

    @admin.action(description="Envoyer par courriel", permissions=["change"])
    def send_invoices(self, request, queryset):
        sent, errors = 0, []
        for call in queryset.select_related("member__authority"):
            try:
                dues.send_invoice(call)
                sent += 1
            except dues.DuesError as error:
                errors.append(str(error))
        self._report(request, f"{sent} facture(s) envoyée(s).", errors)

    @admin.action(description="Relancer maintenant", permissions=["change"])
    def send_reminders(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        sent = dues.send_reminders(
            DuesCall.objects.filter(pk__in=ids), today=timezone.localdate()
        )
        self.message_user(
            request,
            f"{len(sent)} relance(s) envoyée(s). Les appels payés, pas encore "
            "en retard, déjà relancés pour l’étape en cours ou marqués « ne pas "
            "relancer » ne sont pas relancés.",
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
            path("<int:pk>/facture.pdf", view(self.pdf_view), name="dues_duescall_pdf"),
            path(
                "<int:pk>/attestation.pdf",
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
        ] + super().get_urls()

    def pdf_view(self, request, pk):
        from .invoices import invoice_pdf

        if not self.has_change_permission(request):
            raise PermissionDenied
        call = get_object_or_404(
            DuesCall.objects.select_related("member__authority"), pk=pk
        )
        if not call.number:
            raise Http404("Cette facture n’est pas encore émise.")
        response = HttpResponse(invoice_pdf(call), content_type="application/pdf")
        filename = dues.invoice_filename(call)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

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
        except dues.DuesError as error:
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
        form = CampaignForm(
            request.POST or None,
            initial={"year": today.year, "due_on": dues.default_due_date(today)},
        )
        if request.method == "POST" and form.is_valid():
            year, member = form.cleaned_data["year"], form.cleaned_data["member"]
            try:
                result = dues.launch_campaign(
                    year,
                    due_on=form.cleaned_data["due_on"],
                    population_year_reason=form.cleaned_data["population_year_reason"],
                    members=None if member is None else [member],
                )
            except dues.DuesError as error:
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
                    line = dues.invoice_line(call)
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
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Trésorerie {year}",
            "summary": dues.year_summary(year, today=timezone.localdate()),
            "years": years,
            "year": year,
            "can_export": self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/dues/duescall/treasury.html", context)

    def treasury_csv_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        year = self._year(request)
        calls = (
            DuesCall.objects.filter(year=year)
            .with_status(timezone.localdate())
            .select_related("member__authority")
            .order_by("member__authority__name")
        )
        return _csv_response(calls, f"cotisations-{year}.csv")


def _csv_response(calls, filename: str) -> HttpResponse:
    rows = dues.csv_rows(calls.select_related("member__authority"))
    return csv_response(filename, dues.CSV_HEADER, rows)


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
