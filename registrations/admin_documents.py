"""The secretariat's documents of an event in the admin (mixed into
RegistrationSettingsAdmin): the page "Documents et présence" with the
registrations by day and category and the waiting list, attendance marking
per day, the CSV, the attendance sheets and badges, and the actions that
issue the invoices and send the certificates. Also the orders' admin."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from calendar_app.models import Event
from dues.errors import DuesError
from rfve_site import converters  # noqa: F401 - the "id" converter
from rfve_site.csv_export import csv_response

from . import documents, orders, tasks
from .models import BillingProposal, EventDay, Order, Registration, RegistrationSettings


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class AttendanceForm(forms.Form):
    """The day's confirmed registrations; ticked: present."""

    present = forms.ModelMultipleChoiceField(
        label="Présents",
        queryset=Registration.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, attendees, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        field.queryset = Registration.objects.filter(pk__in=[r.pk for r in attendees])
        field.label_from_instance = lambda r: (
            f"{r.last_name.upper()} {r.first_name}"
            + (f" – {r.structure}" if r.structure else "")
        )


class EventDocumentsMixin:
    """Per event: the documents page, its files and the two actions."""

    actions = ["issue_invoices", "send_certificates"]

    def _can_read_people(self, request) -> bool:
        return request.user.has_perm("registrations.view_registration")

    def _can_mark(self, request) -> bool:
        return request.user.has_perm("registrations.change_registration")

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        if self._can_read_people(request):
            return shown
        return [name for name in shown if name != "documents_link"]

    @admin.display(description="documents")
    def documents_link(self, obj):
        url = reverse(
            "admin:registrations_registrationsettings_documents", args=[obj.pk]
        )
        return format_html('<a href="{}">Documents et présence</a>', url)

    def get_urls(self):
        view = self.admin_site.admin_view
        name = "registrations_registrationsettings"
        return [
            path(
                "<id:pk>/documents/",
                view(self.documents_view),
                name=f"{name}_documents",
            ),
            path(
                "<id:pk>/inscriptions.csv",
                view(self.csv_view),
                name=f"{name}_csv",
            ),
            path("<id:pk>/badges.pdf", view(self.badges_view), name=f"{name}_badges"),
            path(
                "<id:pk>/jour/<id:day>/emargement.pdf",
                view(self.attendance_sheet_view),
                name=f"{name}_sheet",
            ),
            path(
                "<id:pk>/jour/<id:day>/presence/",
                view(self.attendance_view),
                name=f"{name}_attendance",
            ),
            *super().get_urls(),
        ]

    def _settings(self, request, pk) -> RegistrationSettings:
        if not self._can_read_people(request):
            raise PermissionDenied
        return get_object_or_404(
            RegistrationSettings.objects.select_related("event"), pk=pk
        )

    def _day(self, settings, day) -> EventDay:
        return get_object_or_404(
            EventDay.objects.select_related("settings__event"),
            pk=day,
            settings=settings,
        )

    def documents_view(self, request, pk):
        settings = self._settings(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Documents et présence : {settings.event}",
            "settings": settings,
            "summary": documents.summary(settings),
            "can_mark": self._can_mark(request),
            "orders": [
                (order, orders.billing_data(order), orders.billing_problems(order))
                for order in Order.objects.filter(event=settings.event_id)
                .select_related("authority__member")
                .order_by("authority__name", "organisation")
            ],
            "can_issue": self.has_issue_permission(request),
            "is_open": settings.is_open_at(timezone.now()),
        }
        return TemplateResponse(
            request, "admin/registrations/registrationsettings/documents.html", context
        )

    def csv_view(self, request, pk):
        settings = self._settings(request, pk)
        with_needs = documents.may_read_needs(request.user)
        return csv_response(
            f"inscriptions-{settings.event.slug}.csv",
            documents.csv_header(with_needs=with_needs),
            documents.csv_rows(settings, with_needs=with_needs),
        )

    def badges_view(self, request, pk):
        settings = self._settings(request, pk)
        return _pdf_response(
            documents.badges_pdf(settings), f"badges-{settings.event.slug}.pdf"
        )

    def attendance_sheet_view(self, request, pk, day):
        day = self._day(self._settings(request, pk), day)
        return _pdf_response(
            documents.attendance_sheet_pdf(day),
            documents.attendance_sheet_filename(day),
        )

    def attendance_view(self, request, pk, day):
        """Tick who came on that day (from the signed sheet)."""
        settings = self._settings(request, pk)
        if not self._can_mark(request):
            raise PermissionDenied
        day = self._day(settings, day)
        attendees = documents.day_attendees(day)
        initial = [r.pk for r in attendees if day in r.attended_days.all()]
        form = AttendanceForm(
            request.POST or None, attendees=attendees, initial={"present": initial}
        )
        if request.method == "POST" and form.is_valid():
            present = {r.pk for r in form.cleaned_data["present"]}
            through = Registration.attended_days.through
            through.objects.filter(
                eventday=day, registration__in=[r.pk for r in attendees]
            ).exclude(registration__in=present).delete()
            through.objects.bulk_create(
                [
                    through(registration_id=pk_, eventday=day)
                    for pk_ in present - set(initial)
                ]
            )
            self.message_user(
                request,
                f"Présence du {day} enregistrée : {len(present)} présent(s) sur "
                f"{len(attendees)}.",
            )
            return redirect(
                "admin:registrations_registrationsettings_documents", settings.pk
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Présence du {day} : {settings.event}",
            "settings": settings,
            "day": day,
            "form": form,
            "count": len(attendees),
        }
        return TemplateResponse(
            request, "admin/registrations/registrationsettings/attendance.html", context
        )

    # Actions -------------------------------------------------------------------

    def has_issue_permission(self, request):
        return request.user.has_perm("dues.add_invoice")

    def has_certify_permission(self, request):
        return self._can_mark(request)

    @admin.action(
        description="Émettre les factures et avoirs des inscriptions payantes",
        permissions=["issue"],
    )
    def issue_invoices(self, request, queryset):
        now = timezone.now()
        for settings in queryset.select_related("event"):
            try:
                invoices, notes, errors = orders.issue_documents(settings, now=now)
            except DuesError as error:
                self.message_user(request, str(error), messages.ERROR)
                continue
            numbers = ", ".join(doc.number for doc in invoices + notes) or "aucun"
            self.message_user(
                request,
                f"{settings.event} : {len(invoices)} facture(s) et {len(notes)} "
                f"avoir(s) émis ({numbers}).",
            )
            for error in errors:
                self.message_user(request, error, messages.WARNING)

    @admin.action(
        description="Envoyer les attestations de présence (après l’événement)",
        permissions=["certify"],
    )
    def send_certificates(self, request, queryset):
        """Rendered and emailed by a background task (a PDF each): the
        outbox shows them as they go."""
        now = timezone.now()
        for settings in queryset.select_related("event"):
            try:
                documents.check_certificates(settings, now=now)
            except documents.DocumentError as error:
                self.message_user(request, str(error), messages.ERROR)
                continue
            count = documents.certificate_recipients(settings).count()
            tasks.send_certificates.enqueue(settings.pk, now.isoformat())
            self.message_user(
                request,
                f"{settings.event} : {count} attestation(s) de présence en cours "
                "d’envoi (une fois par personne présente au moins un jour) ; "
                "elles apparaissent dans la boîte d’envoi des courriels.",
            )


class EventFilter(admin.SimpleListFilter):
    """ "Par événement", each event with its date (a monthly plenary has the
    same title every month); the latest first. Same parameter as Django's
    own filter, so links to "?event__id__exact=" keep working."""

    title = "événement"
    parameter_name = "event__id__exact"

    def lookups(self, request, model_admin):
        events = (
            Event.objects.filter(
                pk__in=model_admin.model.objects.values("event").distinct()
            )
            .only("title", "starts_at")
            .order_by("-starts_at")
        )
        return [
            (
                str(event.pk),
                f"{event.title} ({timezone.localtime(event.starts_at):%d/%m/%Y})",
            )
            for event in events
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(event_id=value)
        return queryset


class OrderRegistrationInline(admin.TabularInline):
    model = Registration
    fields = ["last_name", "first_name", "rate", "status", "invoice", "credit_note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "inscriptions de la commande"

    def has_add_permission(self, request, obj=None):
        return False


class BillingProposalInline(admin.TabularInline):
    model = BillingProposal
    fields = [
        "provenance",
        "legal_name",
        "invoicing_address",
        "siret",
        "service_code",
        "commitment_number",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = (
        "données de facturation saisies à l’inscription (propositions, jamais "
        "appliquées d’elles-mêmes)"
    )

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="provenance")
    def provenance(self, obj):
        return obj.provenance.capitalize()


class OrderForm(forms.ModelForm):
    class Meta:
        model = Order
        fields = [
            "organisation",
            "legal_name",
            "invoicing_address",
            "siret",
            "service_code",
            "commitment_number",
        ]

    def clean(self):
        cleaned = super().clean()
        authority = self.instance.authority
        siret = cleaned.get("siret")
        if siret and authority and authority.siren:
            if not siret.startswith(authority.siren):
                self.add_error(
                    "siret",
                    f"Ce SIRET n’est pas celui de {authority.name} : il commence "
                    f"par son SIREN, {authority.siren}.",
                )
        text = cleaned.get("invoicing_address")
        if text and self.instance.member is None:
            from .order_forms import postal_address_error

            if error := postal_address_error(text):
                self.add_error("invoicing_address", error)
        return cleaned


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """What is invoiced to whom. A member city is billed from its record
    (only the commitment number is the order's); anyone else from the
    order's data, which the secretariat checks against the proposals typed
    at registration and confirms by saving. Until the invoice is issued: an
    issued invoice never changes."""

    form = OrderForm
    list_display = ["payer_display", "event", "billing_status", "created_at"]
    list_filter = [EventFilter]
    list_select_related = ["event", "authority__member"]
    search_fields = ["authority__name", "organisation", "siret", "event__title"]
    readonly_fields = ["event", "authority", "created_at", "billing_summary"]
    inlines = [BillingProposalInline, OrderRegistrationInline]

    def get_fields(self, request, obj=None):
        if obj is not None and obj.member is not None:
            return ["event", "authority", "billing_summary", "commitment_number"]
        return [
            "event",
            "authority",
            "organisation",
            "billing_summary",
            "legal_name",
            "invoicing_address",
            "siret",
            "service_code",
            "commitment_number",
            "created_at",
        ]

    def get_object(self, request, object_id, from_field=None):
        """Never confirmed and still empty: the form starts from the first
        proposal, for the secretariat to check and save."""
        order = super().get_object(request, object_id, from_field)
        if (
            order is not None
            and order.member is None
            and order.billing_confirmed_at is None
            and not (order.legal_name or order.invoicing_address)
        ):
            proposal = order.billing_proposals.first()
            if proposal is not None:
                orders.adopt_proposal(order, proposal)
        return order

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.member is None:
            orders.confirm_billing(
                obj, by=request.user.get_username(), now=timezone.now()
            )

    def has_add_permission(self, request):
        return False  # made by the registrations

    @admin.display(description="facturé à", ordering="authority__name")
    def payer_display(self, obj):
        return obj.payer

    @admin.display(description="données de facturation")
    def billing_status(self, obj):
        if obj.member is not None:
            return "Fiche de la ville adhérente"
        if obj.billing_confirmed_at is None:
            return "À confirmer"
        return "Confirmées le " + timezone.localtime(obj.billing_confirmed_at).strftime(
            "%d/%m/%Y"
        )

    @admin.display(description="facturation")
    def billing_summary(self, obj):
        data = orders.billing_data(obj)
        problems = orders.billing_problems(obj)
        where = data["address"]
        town = f"{where['postcode']} {where['city']}".strip()
        rows = [
            ("Provenance", data["provenance"].capitalize()),
            ("Nom légal", data["legal_name"] or "—"),
            ("Adresse", ", ".join([*where["lines"], town]) or "—"),
            ("SIRET", data["siret"] or "—"),
            ("Code service", data["service_code"] or "—"),
            ("N° d’engagement", data["commitment_number"] or "—"),
        ]
        return format_html(
            "<dl>{}</dl>{}",
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows),
            format_html_join(
                "", '<p class="errornote">{}</p>', ((problem,) for problem in problems)
            ),
        )
