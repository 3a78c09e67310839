"""The secretariat's registrations: "Inscriptions par événement" (opening,
days and capacity, rates, questions) and the registrations themselves.

Registration settings have their own admin rather than an inline on the
event's: calendar_app's admin cannot import this app, and re-registering
EventAdmin from here would make the event form depend on app order. Each
settings page links to its event and to the event's registrations."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from . import booking, documents, notices, orders
from .admin_documents import EventDocumentsMixin, EventFilter
from .models import EventDay, Rate, Registration, RegistrationSettings


class EventDayInline(admin.TabularInline):
    model = EventDay
    fields = ["date", "capacity"]
    readonly_fields = ["date"]
    extra = 0
    can_delete = False
    verbose_name_plural = "jours et places (les jours suivent les dates de l’événement)"

    def has_add_permission(self, request, obj=None):
        return False


class RateInline(admin.TabularInline):
    model = Rate
    extra = 0
    verbose_name_plural = "tarifs (aucun : inscription gratuite)"


@admin.register(RegistrationSettings)
class RegistrationSettingsAdmin(EventDocumentsMixin, admin.ModelAdmin):
    # Chosen to fit a 1280 px screen (tests/e2e/test_admin_desk.py).
    list_display = [
        "event_and_start",
        "is_open",
        "confirmed",
        "waiting",
        "links",
        "documents_link",
    ]
    list_filter = ["is_open", "audience"]
    search_fields = ["event__title"]
    autocomplete_fields = ["event"]
    list_select_related = ["event"]
    inlines = [EventDayInline, RateInline]
    fieldsets = [
        (None, {"fields": ["event"]}),
        (
            "Ouverture",
            {"fields": ["is_open", "opens_at", "closes_at", "has_waiting_list"]},
        ),
        ("Public", {"fields": ["audience", "invitation_code"]}),
        (
            "Pour les inscrits confirmés",
            {
                "description": "Dans leurs courriels et leur page personnelle, "
                "jamais sur la page publique de l’événement.",
                "fields": ["reminder_days", "access", "visio_url"],
            },
        ),
        (
            "Questions posées",
            {
                "fields": [
                    "ask_function",
                    "ask_authority",
                    "ask_days",
                    "ask_accessibility",
                    "ask_dietary",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        status = Registration.Status
        return (
            super()
            .get_queryset(request)
            .annotate(
                confirmed_count=Count(
                    "event__registrations",
                    filter=Q(event__registrations__status=status.CONFIRMED),
                ),
                waiting_count=Count(
                    "event__registrations",
                    filter=Q(event__registrations__status=status.WAITING),
                ),
            )
        )

    @admin.display(description="événement", ordering="event__starts_at")
    def event_and_start(self, obj):
        start = timezone.localtime(obj.event.starts_at).strftime("%d/%m/%Y")
        return f"{obj.event.title} ({start})"

    @admin.display(description="confirmées", ordering="confirmed_count")
    def confirmed(self, obj):
        return obj.confirmed_count

    @admin.display(description="en attente", ordering="waiting_count")
    def waiting(self, obj):
        return obj.waiting_count

    @admin.display(description="inscriptions")
    def links(self, obj):
        url = reverse("admin:registrations_registration_changelist")
        return format_html(
            '<a href="{}?event__id__exact={}">Inscriptions</a>',
            url,
            obj.event_id,
        )

    def save_related(self, request, form, formsets, change):
        """Days follow the event's dates; a raised capacity goes to the
        waiting list at once."""
        super().save_related(request, form, formsets, change)
        settings = form.instance
        settings.sync_days()
        promoted = booking.promote(settings, timezone.now())
        if promoted:
            self.message_user(
                request,
                f"{len(promoted)} personne(s) de la liste d’attente confirmée(s) "
                "et prévenue(s) par courriel.",
            )


class DayFilter(admin.SimpleListFilter):
    """Days of the event chosen in the event filter (all days otherwise)."""

    title = "jour"
    parameter_name = "jour"

    def lookups(self, request, model_admin):
        days = EventDay.objects.select_related("settings__event")
        event_id = request.GET.get("event__id__exact")
        if event_id and event_id.isdigit():
            days = days.filter(settings__event_id=event_id)
        else:
            days = days.none()
        return [(str(day.pk), str(day).capitalize()) for day in days]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(days=self.value())
        return queryset


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    # Chosen to fit a 1280 px screen (tests/e2e/test_admin_desk.py); the
    # date of registration is in the date hierarchy and the form.
    list_display = [
        "person",
        "structure_display",
        "event",
        "rate_category",
        "status",
    ]
    list_filter = [EventFilter, "status", "rate__category", DayFilter]
    search_fields = ["last_name", "first_name", "email", "authority__name"]
    list_select_related = ["event", "authority", "rate"]
    autocomplete_fields = ["authority"]
    readonly_fields = [
        "created_at",
        "promoted_at",
        "cancelled_at",
        "anonymised_at",
        "notices_sent",
    ]
    ordering = ["event", "status", "created_at"]
    date_hierarchy = "created_at"
    actions = ["cancel"]
    fieldsets = [
        (None, {"fields": ["event", "status"]}),
        (
            "Personne",
            {"fields": ["first_name", "last_name", "email", "function"]},
        ),
        ("Collectivité", {"fields": ["authority", "member", "organisation", "rate"]}),
        ("Présence", {"fields": ["days", "attended_days"]}),
        ("Besoins", {"fields": ["accessibility_needs", "dietary_needs"]}),
        (
            "Suivi",
            {
                "fields": [
                    "created_at",
                    "promoted_at",
                    "cancelled_at",
                    "anonymised_at",
                    "notices_sent",
                ]
            },
        ),
    ]
    raw_id_fields = ["member", "rate"]

    def get_fieldsets(self, request, obj=None):
        """Health data (the needs) only for those who run registrations."""
        fieldsets = super().get_fieldsets(request, obj)
        if documents.may_read_needs(request.user):
            return fieldsets
        return [(name, options) for name, options in fieldsets if name != "Besoins"]

    def has_delete_permission(self, request, obj=None):
        # An invoiced registration is a line of an issued invoice: it is
        # cancelled (a credit note follows), never deleted.
        if obj is not None and obj.invoice_id is not None:
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Only the days of the registration's event.
        if db_field.name in {"days", "attended_days"}:
            object_id = request.resolver_match.kwargs.get("object_id")
            registration = (
                Registration.objects.filter(pk=object_id).first()
                if object_id and str(object_id).isdigit()
                else None
            )
            kwargs["queryset"] = (
                EventDay.objects.filter(settings__event=registration.event_id)
                if registration
                else EventDay.objects.select_related("settings__event")
            )
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """Cancelled here as by the person: the place goes to the waiting list."""
        cancelled = change and "status" in form.changed_data and obj.is_cancelled
        if cancelled:
            obj.cancelled_at = timezone.now()
        super().save_model(request, obj, form, change)
        if cancelled:
            orders.credit_cancelled_quietly(obj, timezone.now())  # if invoiced
            notices.registration_cancelled(obj, timezone.now())
            booking.promote(obj.event.registration_settings, timezone.now())

    @admin.display(description="courriels sur l’événement")
    def notices_sent(self, obj):
        """Cancellation, postponement, reminder: each sent once (Notice)."""
        lines = [
            f"{notice.get_kind_display()} : "
            + date_format(timezone.localtime(notice.sent_at), "j F Y à G \\h i")
            for notice in obj.notices.all()
        ]
        return (
            format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))
            if lines
            else "—"
        )

    @admin.display(description="personne", ordering="last_name")
    def person(self, obj):
        return f"{obj.last_name.upper()} {obj.first_name}" if obj.last_name else obj

    @admin.display(description="collectivité ou organisme")
    def structure_display(self, obj):
        return obj.structure

    @admin.display(description="catégorie", ordering="rate__category")
    def rate_category(self, obj):
        return obj.rate.get_category_display() if obj.rate else "—"

    @admin.action(
        description="Annuler les inscriptions sélectionnées (les personnes sont "
        "prévenues, les places libérées vont à la liste d’attente)"
    )
    def cancel(self, request, queryset):
        now = timezone.now()
        cancelled = promoted = 0
        for registration in queryset.select_related("event"):
            if registration.is_cancelled:
                continue
            with transaction.atomic():
                promoted += len(booking.cancel(registration, now))
                notices.registration_cancelled(registration, now)
            cancelled += 1
        self.message_user(
            request,
            f"{cancelled} inscription(s) annulée(s) et prévenue(s) par courriel ; "
            f"{promoted} personne(s) de la liste d’attente confirmée(s) et "
            "prévenue(s) par courriel.",
            messages.SUCCESS,
        )
