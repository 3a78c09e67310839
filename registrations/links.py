"""Personal links: a signed reference to a registration, to see, change or
cancel it without an account. It works until the day after the event."""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Registration

LINK_SALT = "registrations.personal-link"


class LinkExpired(Exception):
    pass


def personal_token(registration: Registration) -> str:
    """A signed reference to the registration; no account needed."""
    return signing.Signer(salt=LINK_SALT).sign(str(registration.pk))


def registration_from_token(token: str, now: dt.datetime) -> Registration | None:
    """The registration a personal link designates, None for a forged or
    unknown one. Raises LinkExpired once the event is over (the day after its
    end): the registration is then archived, then anonymised."""
    try:
        pk = int(signing.Signer(salt=LINK_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    registration = (
        Registration.objects.filter(pk=pk, anonymised_at=None)
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
