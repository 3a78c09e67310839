"""The newsletter's subscriptions: a request (emailed link, nothing stored),
its confirmation (the subscriber is created), preferences, unsubscribing.

Requests are counted per address and per client (the keyed hash of its IP,
rfve_site.client_address) in the shared cache, as the registrations count
their attempts: a robot cannot flood an inbox with confirmation emails. An
address already subscribed gets the same answer on the page as a new one."""

import datetime as dt
import hashlib

from django.core.cache import cache
from django.db import transaction

from outbox.models import SuppressedAddress

from . import emails, links
from .models import Mailing, Recipient, Subscriber, Topic

RATE_LIMIT = 3
RATE_WINDOW = dt.timedelta(hours=1)


def too_many(email: str, key: str, now: dt.datetime) -> bool:
    """Count this request and tell whether the address or the client has
    made more than RATE_LIMIT within the window."""
    window = int(now.timestamp() // RATE_WINDOW.total_seconds())
    timeout = int(RATE_WINDOW.total_seconds()) * 2
    counts = []
    for kind, value in (("email", email.lower()), ("client", key)):
        digest = hashlib.sha256(value.encode()).hexdigest()
        cache_key = f"letter-requests:{kind}:{digest}:{window}"
        cache.add(cache_key, 0, timeout=timeout)
        try:
            counts.append(cache.incr(cache_key))
        except ValueError:  # evicted between the two calls
            cache.set(cache_key, 1, timeout=timeout)
            counts.append(1)
    return max(counts) > RATE_LIMIT


def request(email: str, topics: list[Topic]) -> None:
    """Email the confirmation link; stores nothing."""
    url = links.confirmation_url(email, [topic.pk for topic in topics])
    message = emails.confirmation(email, [topic.name for topic in topics], url)
    with transaction.atomic():
        message.send()


def confirm(email: str, topic_ids: list[int], now: dt.datetime) -> Subscriber:
    """The owner clicked: the subscription exists from now, with the topics
    of the request (added to those of an existing subscription). Confirming
    lifts an earlier unsubscription from the suppression list."""
    with transaction.atomic():
        subscriber, _ = Subscriber.objects.get_or_create(
            email=email.lower(), defaults={"confirmed_at": now}
        )
        subscriber.topics.add(*Topic.objects.filter(pk__in=topic_ids))
        SuppressedAddress.objects.filter(
            email__iexact=email, reason=SuppressedAddress.Reason.UNSUBSCRIBED
        ).delete()
    return subscriber


def find(email: str) -> Subscriber | None:
    return Subscriber.objects.filter(email__iexact=email).first()


def unsubscribe(email: str, mailing_id: int, now: dt.datetime) -> Mailing | None:
    """At once: from the letter (its subscription deleted) or, for a
    mailing, from every mailing (the address joins the suppression list).
    Returns the mailing the link came with, if any."""
    mailing = Mailing.objects.filter(pk=mailing_id).first() if mailing_id else None
    with transaction.atomic():
        if mailing is None or mailing.is_letter:
            Subscriber.objects.filter(email__iexact=email).delete()
        else:
            SuppressedAddress.objects.get_or_create(
                email=email.lower(),
                defaults={
                    "reason": SuppressedAddress.Reason.UNSUBSCRIBED,
                    "created_at": now,
                    "detail": f"Désinscription depuis l’envoi « {mailing.subject} »",
                },
            )
        if mailing is not None:
            Recipient.objects.filter(
                mailing=mailing, email__iexact=email, unsubscribed_at=None
            ).update(unsubscribed_at=now)
    return mailing
