"""The outbox in the back office: what was sent, to whom, how it went; a
failed or interrupted message can be sent again."""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from . import sending
from .models import DeliveryEvent, OutboxMessage, SuppressedAddress, stale_after


class AttentionFilter(admin.SimpleListFilter):
    title = "à traiter"
    parameter_name = "a-traiter"

    def lookups(self, request, model_admin):
        return [("oui", "Échecs et envois interrompus")]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(
                Q(status=OutboxMessage.Status.FAILED)
                | Q(
                    status=OutboxMessage.Status.SENDING,
                    claimed_at__lt=timezone.now() - stale_after(),
                )
            )
        return queryset


class DeliveryEventInline(admin.TabularInline):
    model = DeliveryEvent
    fields = ["occurred_at", "event_type", "recipient", "description"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "to_list",
        "subject",
        "kind",
        "status_label",
        "attempts",
        "delivery",
    ]
    list_filter = [AttentionFilter, "status", "kind", "delivery"]
    search_fields = ["to", "cc", "subject"]
    date_hierarchy = "created_at"
    inlines = [DeliveryEventInline]
    actions = ["send_again"]
    fields = [
        "created_at",
        "kind",
        "from_email",
        "to",
        "cc",
        "bcc",
        "reply_to",
        "subject",
        "status_label",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
        "delivery",
        "attachments",
        "message_id",
        "provider_id",
        "as_sent",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_resend_permission(self, request):
        return request.user.has_perm("outbox.resend_outboxmessage")

    @admin.display(description="destinataires")
    def to_list(self, message):
        return ", ".join(message.to.splitlines())

    @admin.display(description="état", ordering="status")
    def status_label(self, message):
        if (
            message.status == OutboxMessage.Status.SENDING
            and message.claimed_at
            and message.claimed_at < timezone.now() - stale_after()
        ):
            return "envoi interrompu (à vérifier)"
        if message.status == OutboxMessage.Status.QUEUED and message.attempts:
            when = timezone.localtime(message.next_attempt_at)
            return f"nouvel essai le {when:%d/%m/%Y à %H:%M}"
        return message.get_status_display()

    @admin.display(description="pièces jointes")
    def attachments(self, message):
        if not message.attachment_names:
            return "Aucune."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{}</li>", ((n,) for n in message.attachment_names)
            ),
        )

    @admin.display(description="message tel qu’envoyé (sans les pièces jointes)")
    def as_sent(self, message):
        return format_html("<pre>{}</pre>", readable(message))

    @admin.action(
        description="Envoyer à nouveau (échecs et envois interrompus)",
        permissions=["resend"],
    )
    def send_again(self, request, queryset):
        count = sending.send_again(queryset)
        self.message_user(request, f"{count} courriel(s) remis en file d’envoi.")
        if count < queryset.count():
            self.message_user(
                request,
                "Les courriels envoyés ou en attente ne sont pas renvoyés.",
                messages.WARNING,
            )


def readable(message: OutboxMessage) -> str:
    """The headers and text parts of the stored MIME, decoded."""
    stored = sending.StoredEmail(message)
    headers = "\n".join(f"{name}: {value}" for name, value in stored.message().items())
    parts = [stored.body] + [body for body, _ in stored.alternatives]
    return headers + "\n\n" + "\n\n".join(str(part) for part in parts)


@admin.register(SuppressedAddress)
class SuppressedAddressAdmin(admin.ModelAdmin):
    list_display = ["email", "reason", "created_at"]
    list_filter = ["reason"]
    search_fields = ["email"]
