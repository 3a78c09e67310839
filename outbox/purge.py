"""How long the outbox keeps what it sent (read by the privacy page)."""

import datetime as dt

from .models import DeliveryEvent, OutboxMessage, SuppressedAddress

# The copy of a sent message (recipients, text, attachments) is kept this
# long, then deleted with its delivery events: long enough to answer "did
# you send it?", never longer than its source (contact messages: two years;
# registrations: anonymised a year after the event).
MESSAGE_RETENTION = dt.timedelta(days=365)
# An address on the suppression list, after its last bounce or complaint.
SUPPRESSION_RETENTION = dt.timedelta(days=3 * 365)


def purge(now: dt.datetime) -> tuple[int, int]:
    """Delete messages and suppressed addresses past their retention;
    returns how many of each."""
    _, deleted = OutboxMessage.objects.filter(
        created_at__lt=now - MESSAGE_RETENTION
    ).delete()
    DeliveryEvent.objects.filter(
        message=None, occurred_at__lt=now - MESSAGE_RETENTION
    ).delete()
    addresses, _ = SuppressedAddress.objects.filter(
        created_at__lt=now - SUPPRESSION_RETENTION
    ).delete()
    return deleted.get("outbox.OutboxMessage", 0), addresses
