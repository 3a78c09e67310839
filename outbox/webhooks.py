"""The provider's delivery events (django-anymail's tracking webhooks, when
an HTTP provider is configured): recorded on the message, and a bounce or a
complaint puts the address on the suppression list that mailings respect."""

from anymail.signals import tracking
from django.dispatch import receiver
from django.utils import timezone

from .models import DeliveryEvent, OutboxMessage, SuppressedAddress

SUPPRESSING = {
    "bounced": SuppressedAddress.Reason.BOUNCED,
    "complained": SuppressedAddress.Reason.COMPLAINED,
    "unsubscribed": SuppressedAddress.Reason.UNSUBSCRIBED,
}
# Events that say how the message ended, shown in the outbox's list.
DELIVERY = {"delivered", "bounced", "complained", "rejected", "failed", "deferred"}


def record(event) -> DeliveryEvent:
    message = None
    if event.message_id:
        message = OutboxMessage.objects.filter(provider_id=event.message_id).first()
    detail = " ".join(
        str(part) for part in (event.description, event.mta_response) if part
    )
    recorded = DeliveryEvent.objects.create(
        message=message,
        recipient=(event.recipient or "")[:254],
        event_type=str(event.event_type)[:30],
        occurred_at=event.timestamp or timezone.now(),
        description=detail[:2000],
    )
    if message is not None and event.event_type in DELIVERY:
        OutboxMessage.objects.filter(pk=message.pk).update(delivery=event.event_type)
    reason = SUPPRESSING.get(event.event_type)
    if reason and event.recipient:
        SuppressedAddress.objects.get_or_create(
            email=event.recipient.strip().lower(),
            defaults={"reason": reason, "detail": detail[:2000]},
        )
    return recorded


@receiver(tracking, dispatch_uid="outbox_tracking")
def _tracking(sender, event, esp_name, **kwargs):
    record(event)
