"""Sending a letter or a mailing: the recipients are written once when the
secretariat sends it, then a task hands them to the outbox in batches.

Each recipient is its own transaction: its row goes from "à envoyer" to
"confié" by a conditional UPDATE in the transaction that writes its message
to the outbox. A batch interrupted anywhere (worker killed, reboot) leaves
each recipient either pending without a message or sent with exactly one;
running the batch again, even twice at once, writes nobody's message twice.
An address suppressed between the count and its turn (a bounce, a
complaint, an unsubscription) is skipped."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from association.models import SiteSettings
from outbox.models import SuppressedAddress
from outbox.sending import store

from . import audiences, emails
from .models import Mailing, Recipient


class AlreadySent(Exception):
    pass


def start(mailing: Mailing, now: dt.datetime) -> int:
    """Freeze the recipients (each address once, suppressed ones left out)
    and enqueue the first batch, in one transaction. Returns their number."""
    from .tasks import send_batch

    with transaction.atomic():
        locked = Mailing.objects.select_for_update().get(pk=mailing.pk)
        if locked.started_at is not None:
            raise AlreadySent("Cet envoi est déjà parti.")
        found = audiences.addresses(locked)
        Recipient.objects.bulk_create(
            Recipient(mailing=locked, email=address.email, name=address.name[:200])
            for address in found
        )
        Mailing.objects.filter(pk=locked.pk).update(started_at=now, heartbeat_at=now)
        send_batch.enqueue(locked.pk)
    mailing.refresh_from_db()
    return len(found)


def deliver(recipient: Recipient, association: SiteSettings) -> str:
    """Hand one recipient's message to the outbox, once. Returns its state."""
    with transaction.atomic():
        pending = Recipient.objects.filter(
            pk=recipient.pk, state=Recipient.State.PENDING
        )
        if SuppressedAddress.is_suppressed(recipient.email):
            pending.update(state=Recipient.State.SKIPPED)
            return Recipient.State.SKIPPED
        now = timezone.now()
        if not pending.update(state=Recipient.State.SENT, sent_at=now):
            return "already"  # another task took it
        message = store(
            emails.build(recipient.mailing, recipient.email, association=association)
        )
        Recipient.objects.filter(pk=recipient.pk).update(message=message)
    return Recipient.State.SENT


def batch(mailing_id: int) -> bool:
    """One batch; True when recipients are left."""
    mailing = Mailing.objects.filter(pk=mailing_id).first()
    if mailing is None or mailing.finished_at or mailing.started_at is None:
        return False
    association = SiteSettings.load()
    pending = mailing.recipients.filter(state=Recipient.State.PENDING).order_by("pk")
    for recipient in pending[: settings.MAILINGS_BATCH_SIZE]:
        recipient.mailing = mailing
        deliver(recipient, association)
    now = timezone.now()
    if pending.exists():
        Mailing.objects.filter(pk=mailing_id).update(heartbeat_at=now)
        return True
    Mailing.objects.filter(pk=mailing_id).update(heartbeat_at=now, finished_at=now)
    return False


def pause() -> dt.timedelta:
    """The wait between two batches that keeps to MAILINGS_PER_MINUTE."""
    per_minute = max(1, settings.MAILINGS_PER_MINUTE)
    return dt.timedelta(minutes=settings.MAILINGS_BATCH_SIZE / per_minute)


def send_test(mailing: Mailing, email: str) -> None:
    """The message as a recipient gets it, to oneself, subject marked."""
    with transaction.atomic():
        store(emails.build(mailing, email, test=True))


def report(mailing: Mailing) -> dict[str, int]:
    """What happened to the mailing's recipients: handed to the outbox and
    sent by it, failed there, bounced or complained (provider's events),
    unsubscribed through its links, skipped, still to send."""
    recipients = mailing.recipients.all()
    states = dict.fromkeys(Recipient.State.values, 0)
    for row in recipients.values("state").order_by().annotate(count=Count("pk")):
        states[row["state"]] = row["count"]
    messages = recipients.filter(message__isnull=False)
    return {
        "total": sum(states.values()),
        "pending": states[Recipient.State.PENDING],
        "handed": states[Recipient.State.SENT],
        "skipped": states[Recipient.State.SKIPPED],
        "sent": messages.filter(message__status="sent").count(),
        "failed": messages.filter(message__status="failed").count(),
        "bounced": messages.filter(
            message__delivery__in=["bounced", "complained", "rejected"]
        ).count(),
        "unsubscribed": recipients.filter(unsubscribed_at__isnull=False).count(),
    }
