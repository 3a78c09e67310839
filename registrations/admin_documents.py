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
from django.utils.html import format_html

from dues.dues import DuesError
from rfve_site import converters  # noqa: F401 - the "id" converter
from rfve_site.csv_export import csv_response

from . import documents, orders
from .models import EventDay, Order, Registration, RegistrationSettings


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
            "orders": Order.objects.filter(event=settings.event_id)
            .select_related("authority")
            .order_by("authority__name", "organisation"),
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
        now = timezone.now()
        for settings in queryset.select_related("event"):
            try:
                sent, errors = documents.send_certificates(settings, now=now)
            except documents.DocumentError as error:
                self.message_user(request, str(error), messages.ERROR)
                continue
            self.message_user(
                request,
                f"{settings.event} : {sent} attestation(s) de présence envoyée(s) "
                "(une fois par personne présente au moins un jour).",
            )
            for error in errors:
                self.message_user(request, error, messages.WARNING)


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


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """What is invoiced to whom: the Chorus Pro data can be corrected until
    the invoice is issued (an issued invoice never changes)."""

    list_display = ["payer_display", "event", "siret", "service_code", "created_at"]
    list_filter = ["event"]
    list_select_related = ["event", "authority"]
    search_fields = ["authority__name", "organisation", "siret", "event__title"]
    readonly_fields = ["event", "authority", "created_at"]
    fields = [
        "event",
        "authority",
        "organisation",
        "siret",
        "service_code",
        "commitment_number",
        "invoicing_address",
        "created_at",
    ]
    inlines = [OrderRegistrationInline]

    def has_add_permission(self, request):
        return False  # made by the registrations

    @admin.display(description="facturé à", ordering="authority__name")
    def payer_display(self, obj):
        return obj.payer
