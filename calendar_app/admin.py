from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from .models import Event, EventPhoto, EventType


class EventPhotoForm(forms.ModelForm):
    """A photo is published with its file, its alternative text, its credit
    and the consent of the people shown (droit à l'image): all required."""

    class Meta:
        model = EventPhoto
        fields = ["image", "alt", "credit", "licence", "consent", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Absent when read only (the Bureau, a photo taken down).
        if "image" in self.fields:
            self.fields["image"].required = True
        if "consent" in self.fields:
            self.fields["consent"].required = True
            self.fields["consent"].error_messages["required"] = (
                "Une photo n’est publiée qu’avec l’accord des personnes "
                "reconnaissables : cochez cette case une fois leur accord obtenu."
            )


@admin.register(EventPhoto)
class EventPhotoAdmin(admin.ModelAdmin):
    form = EventPhotoForm
    list_display = ["preview", "alt", "event", "credit", "consent", "withdrawn_at"]
    list_filter = [("withdrawn_at", admin.EmptyFieldListFilter), "event"]
    list_select_related = ["event"]
    search_fields = ["alt", "credit", "event__title"]
    autocomplete_fields = ["event"]
    actions = ["withdraw"]

    def get_fields(self, request, obj=None):
        return ["event", *EventPhotoForm.Meta.fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_withdrawn:
            return [*self.get_fields(request, obj), "withdrawn_at"]
        return ["withdrawn_at"]

    @admin.display(description="aperçu")
    def preview(self, photo):
        if not photo.renditions:
            return "retirée"
        thumbnail = photo.thumbnail
        return format_html(
            '<img src="{}" alt="" width="96" height="{}">',
            thumbnail["url"],
            round(96 * thumbnail["height"] / thumbnail["width"]),
        )

    @admin.action(
        description="Retirer immédiatement du site (droit à l’image) : "
        "photos et fichiers supprimés",
        permissions=["change"],
    )
    def withdraw(self, request, queryset):
        count = queryset.withdraw()
        self.message_user(
            request,
            f"{count} photo(s) retirée(s) du site : elles n’apparaissent plus sur "
            "aucune page et leurs fichiers sont supprimés.",
        )


@admin.register(EventType)
class EventTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "colour", "order", "is_rencontres"]
    list_editable = ["colour", "order", "is_rencontres"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "event_type",
        "starts_at",
        "status",
        "visibility",
        "is_demo",
    ]
    list_filter = [
        "status",
        "event_type",
        "working_group",
        "visibility",
        "starts_at",
        "is_demo",
    ]
    autocomplete_fields = ["working_group", "host"]
    list_select_related = ["event_type"]
    search_fields = ["title", "place", "summary"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["gallery", "is_demo", "created_at", "updated_at", "sequence"]
    save_on_top = True
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "event_type",
                    "summary",
                    "description",
                    "image",
                    "image_alt",
                ]
            },
        ),
        (
            "Date et lieu",
            {"fields": ["starts_at", "ends_at", "all_day", "place", "address"]},
        ),
        ("Réseau", {"fields": ["working_group", "host"]}),
        ("Publication", {"fields": ["status", "visibility"]}),
        ("Galerie de photos", {"fields": ["gallery"]}),
        (
            "Historique",
            {
                "classes": ["collapse"],
                "fields": ["is_demo", "created_at", "updated_at", "sequence"],
            },
        ),
    ]
    actions = ["publish", "unpublish", "cancel", "postpone", "duplicate"]

    @admin.display(description="photos")
    def gallery(self, event):
        """Links to the event's photos ("Photos d'événements"), where they are
        added and taken down: a separate form, so that the event's own form
        posts no photo."""
        if event.pk is None:
            return "Enregistrez l’événement, puis ajoutez ses photos."
        count = event.photos.shown().count()
        photos = reverse("admin:calendar_app_eventphoto_changelist")
        add = reverse("admin:calendar_app_eventphoto_add")
        return format_html(
            '<a href="{}?event__id__exact={}">{} photo{} publiée{}</a> · '
            '<a href="{}?event={}">Ajouter une photo</a>',
            photos,
            event.pk,
            count,
            pluralize(count),
            pluralize(count),
            add,
            event.pk,
        )

    def save_model(self, request, obj, form, change):
        """A copy re-dated takes a slug from its new date (its address no
        longer says "-copie" of the original's date)."""
        if (
            change
            and obj.is_undated_copy
            and "starts_at" in form.changed_data
            and "slug" not in form.changed_data
        ):
            obj.slug = obj.slug_for_its_date()
        super().save_model(request, obj, form, change)

    def _set_status(self, queryset, status) -> int:
        # One UPDATE; updated_at and sequence move so feeds and clients notice.
        return queryset.update(
            status=status,
            updated_at=timezone.now(),
            sequence=models.F("sequence") + 1,
        )

    @admin.action(
        description="Publier les événements sélectionnés", permissions=["change"]
    )
    def publish(self, request, queryset):
        count = self._set_status(queryset, Event.Status.PUBLISHED)
        self.message_user(request, f"{count} événement(s) publié(s).")

    @admin.action(
        description="Dépublier (repasser en brouillon)", permissions=["change"]
    )
    def unpublish(self, request, queryset):
        count = self._set_status(queryset, Event.Status.DRAFT)
        self.message_user(request, f"{count} événement(s) repassé(s) en brouillon.")

    def _save_status(self, queryset, status) -> int:
        """Each event saved on its own: the apps that follow the agenda hear
        of it (Event.save sends event_rescheduled: registrations emails the
        registrants), each event with its messages or neither."""
        count = 0
        for event in queryset.exclude(status=status):
            with transaction.atomic():
                event.status = status
                event.save()
            count += 1
        return count

    @admin.action(
        description="Annuler (les inscrits et la liste d’attente sont prévenus)",
        permissions=["change"],
    )
    def cancel(self, request, queryset):
        count = self._save_status(queryset, Event.Status.CANCELLED)
        self.message_user(
            request,
            f"{count} événement(s) annulé(s) ; leurs inscrits sont prévenus par "
            "courriel.",
        )

    @admin.action(
        description="Reporter à une date à annoncer (les inscrits sont prévenus)",
        permissions=["change"],
    )
    def postpone(self, request, queryset):
        count = self._save_status(queryset, Event.Status.POSTPONED)
        self.message_user(
            request,
            f"{count} événement(s) reporté(s) ; leurs inscrits sont prévenus par "
            "courriel. Une fois la nouvelle date fixée, modifiez les dates de "
            "l’événement : ils en seront prévenus.",
        )

    @admin.action(
        description="Dupliquer (copies en brouillon, à redater ; inscriptions, "
        "tarifs et places compris)",
        permissions=["add"],
    )
    @transaction.atomic
    def duplicate(self, request, queryset):
        copies = [event.duplicate() for event in queryset]
        self.message_user(
            request,
            f"{len(copies)} copie(s) créée(s) en brouillon : "
            "modifiez leurs dates (leur adresse suivra la nouvelle date) puis "
            "publiez-les.",
        )
