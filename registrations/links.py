"""Personal links: a signed secret of the registration, to see, change or
cancel it without an account. It works until the day after the event.

The token carries the registration's random `link_key`, never its number, and
the key is replaced each time the link is sent again (`booking.resend_link`): an old
link, forwarded or left in a shared inbox, then stops working."""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Registration

LINK_SALT = "registrations.personal-link"


class LinkExpired(Exception):
    pass


def personal_token(registration: Registration) -> str:
    """The signed secret of the registration; no account needed."""
    return signing.Signer(salt=LINK_SALT).sign(registration.link_key)


def registration_from_token(token: str, now: dt.datetime) -> Registration | None:
    """The registration a personal link designates, None for a forged,
    replaced or unknown one. Raises LinkExpired once the event is over (the
    day after its end): the registration is then archived, then anonymised."""
    try:
        key = signing.Signer(salt=LINK_SALT).unsign(token)
    except signing.BadSignature:
        return None
    registration = (
        Registration.objects.filter(link_key=key, anonymised_at=None)
        .select_related("event__registration_settings", "authority", "rate")
        .first()
    )
    if registration is None:
        return None
    if now >= registration.event.registration_settings.link_expires_at:
        raise LinkExpired
    return registration


def personal_url(registration: Registration) -> str:
    """The absolute personal link, as emails carry it."""
    path = reverse(
        "registrations:manage",
        kwargs={"slug": registration.event.slug, "token": personal_token(registration)},
    )
    return f"https://{settings.SITE_DOMAIN}{path}"
