"""The contact form's work: rate limit, then save, then email the secretariat.

The message is saved before anything is sent: a mail server that is down
loses nothing, and the admin lists the message as not forwarded (with an
action to try again)."""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from association.models import SiteSettings
from outbox.sending import kind
from rfve_site.client_address import client_key
from rfve_site.text import multi_line, one_line
from rfve_site.typography import french

from .models import ContactMessage

logger = logging.getLogger(__name__)

# At most this many messages per hour from one email address or one client.
RATE_LIMIT = 3
RATE_WINDOW = dt.timedelta(hours=1)
# What the privacy page promises (purge_contact_messages, run daily).
MESSAGE_RETENTION = dt.timedelta(days=730)
SENDER_KEY_RETENTION = dt.timedelta(days=1)


def sender_key(request) -> str:
    """The client's address as a keyed hash (rfve_site.client_address)."""
    return client_key(request)


def too_many(email: str, key: str) -> bool:
    since = timezone.now() - RATE_WINDOW
    recent = ContactMessage.objects.recent_from(
        email=email, sender_key=key, since=since
    )
    return recent.count() >= RATE_LIMIT


def forward(message: ContactMessage) -> bool:
    """Email the message to the secretariat; True if the mail server took it."""
    recipient = SiteSettings.load().contact_email
    if not recipient:
        logger.warning(
            "Contact message %s not forwarded: no contact email.", message.pk
        )
        return False
    # One-line fields stay on one line even if stored before the fields
    # cleaned them: a name must not forge lines ("Bcc: …") in the body.
    subject = one_line(message.subject)
    body = render_to_string(
        "pages/email/contact.txt",
        {
            "received": timezone.localtime(message.received_at),
            "name": one_line(message.name),
            "email": message.email,
            "organisation": one_line(message.organisation),
            "subject": subject,
            "body": multi_line(message.message),
            "site_domain": settings.SITE_DOMAIN,
            "admin_path": reverse(
                "admin:pages_contactmessage_change", args=[message.pk]
            ),
        },
    )
    email = EmailMessage(
        subject=french(f"[Site RFVE] {subject}"),
        body=french(body),
        to=[recipient],
        reply_to=[message.email],
    )
    try:
        with transaction.atomic(), kind("contact"):
            email.send()
    except (
        Exception
    ):  # SMTP refusal, network, DNS…: the message is safe in the database
        logger.exception("Contact message %s not forwarded.", message.pk)
        return False
    message.mailed_at = timezone.now()
    message.save(update_fields=["mailed_at"])
    return True


def purge(now: dt.datetime) -> tuple[int, int]:
    """Delete messages past their retention and forget old senders' keys;
    returns (messages deleted, keys forgotten)."""
    deleted, _ = ContactMessage.objects.filter(
        received_at__lt=now - MESSAGE_RETENTION
    ).delete()
    forgotten = (
        ContactMessage.objects.filter(received_at__lt=now - SENDER_KEY_RETENTION)
        .exclude(sender_key="")
        .update(sender_key="")
    )
    return deleted, forgotten
