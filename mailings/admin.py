"""The secretariat's desk for letters and mailings: compose (Markdown),
choose recipients from the data, preview as HTML and text with the count and
a sample of recipients, send a test to oneself, send, follow the report.

"Écrire aux inscrits", an action on the events' list, creates a draft
mailing to the chosen event's registrants."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from calendar_app.models import Event
from rfve_site.markup import render_markdown
from rfve_site.typography import french, french_html

from . import audiences, emails, sending
from .models import Mailing, Subscriber, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "description", "order", "subscriber_count"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(description="abonnés")
    def subscriber_count(self, topic):
        return topic.subscribers.count()


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "confirmed_at"]
    list_filter = ["topics"]
    search_fields = ["email"]
    filter_horizontal = ["topics"]
    readonly_fields = ["confirmed_at"]


class MailingForm(forms.ModelForm):
    event_statuses = forms.MultipleChoiceField(
        label="inscrits retenus",
        choices=Mailing.EventStatus.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Mailing
        fields = [
            "kind",
            "subject",
            "slug",
            "body",
            "topics",
            "to_representatives",
            "to_elected",
            "to_agents",
            "to_finance",
            "working_groups",
            "event",
            "event_statuses",
        ]


@admin.register(Mailing)
class MailingAdmin(admin.ModelAdmin):
    form = MailingForm
    list_display = ["subject", "kind", "status", "started_at", "recipient_count"]
    list_filter = ["kind"]
    search_fields = ["subject"]
    autocomplete_fields = ["event"]
    filter_horizontal = ["working_groups", "topics"]
    prepopulated_fields = {"slug": ["subject"]}
    change_form_template = "admin/mailings/mailing/change_form.html"
    fieldsets = [
        (None, {"fields": ["kind", "subject", "slug", "body"]}),
        (
            "Destinataires (chaque adresse une seule fois ; adresses exclues retirées)",
            {
                "fields": [
                    "topics",
                    "to_representatives",
                    "to_elected",
                    "to_agents",
                    "to_finance",
                    "working_groups",
                    "event",
                    "event_statuses",
                ]
            },
        ),
    ]
    sent_fieldsets = [
        (None, {"fields": ["kind", "subject", "slug", "body"]}),
        ("Envoi", {"fields": ["started_at", "finished_at", "report"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("event")

    @admin.display(description="état")
    def status(self, mailing):
        return mailing.status_label

    @admin.display(description="destinataires")
    def recipient_count(self, mailing):
        return mailing.recipients.count() if mailing.started_at else "–"

    @admin.display(description="compte rendu")
    def report(self, mailing):
        figures = sending.report(mailing)
        return format_html(
            "{} destinataires : {} confiés à la boîte d’envoi (dont {} envoyés, "
            "{} en échec, {} revenus ou signalés), {} exclus, {} à envoyer ; "
            "{} désinscriptions.",
            figures["total"],
            figures["handed"],
            figures["sent"],
            figures["failed"],
            figures["bounced"],
            figures["skipped"],
            figures["pending"],
            figures["unsubscribed"],
        )

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.started_at:
            return self.sent_fieldsets
        return self.fieldsets

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and obj.started_at:
            return {}
        return super().get_prepopulated_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.started_at:
            return ["kind", "subject", "slug", "body", "started_at", "finished_at"] + [
                "report"
            ]
        return []

    def has_delete_permission(self, request, obj=None):
        # A sent mailing keeps its report (and a letter its archive page).
        if obj is not None and obj.started_at:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<id:pk>/apercu/",
                view(self.preview_view),
                name="mailings_mailing_preview",
            ),
        ] + super().get_urls()

    def preview_view(self, request, pk):
        mailing = get_object_or_404(Mailing, pk=pk)
        if not self.has_change_permission(request, mailing):
            raise PermissionDenied
        action = request.POST.get("action")
        if request.method == "POST" and action == "essai":
            if not request.user.email:
                self.message_user(
                    request,
                    "Votre compte n’a pas d’adresse électronique : l’essai n’est "
                    "pas envoyé.",
                    messages.ERROR,
                )
            else:
                sending.send_test(mailing, request.user.email)
                self.message_user(request, f"Essai envoyé à {request.user.email}.")
            return redirect(request.path)
        if request.method == "POST" and action == "envoyer":
            try:
                count = sending.start(mailing, timezone.now())
            except sending.AlreadySent as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"Envoi lancé : {count} destinataire(s), par lots de "
                    "la boîte d’envoi.",
                )
            return redirect(reverse("admin:mailings_mailing_change", args=[pk]))
        found = audiences.addresses(mailing) if mailing.is_draft else []
        example = found[0].email if found else "destinataire@example.org"
        message = emails.build(mailing, example)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Aperçu : {mailing.subject}",
            "mailing": mailing,
            "count": len(found),
            "sample": found[: audiences.SAMPLE_SIZE],
            "suppressed": audiences.suppressed_count(mailing)
            if mailing.is_draft
            else 0,
            # Sanitised by render_markdown; french_html only changes text nodes.
            "html": mark_safe(french_html(render_markdown(mailing.body))),  # noqa: S308
            "text": message.body,
            "subject": french(mailing.subject),
            "headers": {
                name: message.extra_headers[name]
                for name in ("List-Unsubscribe", "List-Unsubscribe-Post")
            },
        }
        return TemplateResponse(request, "admin/mailings/mailing/preview.html", context)


@admin.action(description="Écrire aux inscrits (nouvel envoi préparé)")
def write_to_registrants(modeladmin, request, queryset):
    """A draft mailing to the registrants of the chosen event, prefilled;
    the secretariat writes the text and chooses the statuses."""
    if not request.user.has_perm("mailings.add_mailing"):
        raise PermissionDenied
    events = list(queryset[:2])
    if len(events) != 1:
        modeladmin.message_user(
            request, "Choisissez un seul événement.", messages.WARNING
        )
        return None
    event = events[0]
    mailing = Mailing.objects.create(
        kind=Mailing.Kind.MAILING,
        subject=f"{event.title} : information aux inscrits",
        body=f"Bonjour,\n\nVous êtes inscrit ou inscrite à « {event.title} ».\n\n",
        event=event,
        event_statuses=[Mailing.EventStatus.CONFIRMED, Mailing.EventStatus.WAITING],
        created_by=request.user,
    )
    return redirect(reverse("admin:mailings_mailing_change", args=[mailing.pk]))


def _add_event_action():
    """The action joins the events' admin (calendar_app, below this app)."""
    event_admin = admin.site.get_model_admin(Event)
    event_admin.actions = [*event_admin.actions, write_to_registrants]


_add_event_action()
