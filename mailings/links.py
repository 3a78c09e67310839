"""Signed links: the address is the credential, no account, nothing stored
before the owner acts.

- Confirming a subscription: the link carries the address and the topics
  chosen; the subscriber is created only when it is used (double opt-in). It
  works for CONFIRMATION_DAYS.
- Preferences (in every letter): the address.
- Unsubscribing (every letter and mailing, and its List-Unsubscribe header):
  the address and the mailing it came with (0 from the preferences page).

A token that does not verify (forged, altered, made up) reads as None: the
page is a 404. Only a genuine confirmation link past its days raises
LinkExpired, which has its own explanation page."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRMATION_DAYS = 7
_CONFIRM = "mailings.confirm"
_PREFERENCES = "mailings.preferences"
_UNSUBSCRIBE = "mailings.unsubscribe"


class LinkExpired(Exception):
    pass


def absolute(path: str) -> str:
    return f"https://{settings.SITE_DOMAIN}{path}"


def confirmation_token(email: str, topic_ids: list[int]) -> str:
    return signing.dumps(
        {"e": email.lower(), "t": sorted(topic_ids)}, salt=_CONFIRM, compress=True
    )


def read_confirmation(token: str) -> tuple[str, list[int]] | None:
    """(address, topic ids), or None for a forged or altered link. Raises
    LinkExpired for a genuine one older than CONFIRMATION_DAYS."""
    try:
        data = signing.loads(
            token, salt=_CONFIRM, max_age=CONFIRMATION_DAYS * 24 * 3600
        )
        return str(data["e"]), [int(pk) for pk in data["t"]]
    except signing.SignatureExpired:  # verified first: a genuine link
        raise LinkExpired from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def preferences_token(email: str) -> str:
    return signing.Signer(salt=_PREFERENCES).sign_object(email.lower())


def read_preferences(token: str) -> str | None:
    try:
        return str(signing.Signer(salt=_PREFERENCES).unsign_object(token))
    except (signing.BadSignature, ValueError):
        return None


def unsubscribe_token(email: str, mailing_id: int = 0) -> str:
    return signing.Signer(salt=_UNSUBSCRIBE).sign_object([email.lower(), mailing_id])


def read_unsubscribe(token: str) -> tuple[str, int] | None:
    try:
        email, mailing_id = signing.Signer(salt=_UNSUBSCRIBE).unsign_object(token)
        return str(email), int(mailing_id)
    except (signing.BadSignature, TypeError, ValueError):
        return None


def confirmation_url(email: str, topic_ids: list[int]) -> str:
    token = confirmation_token(email, topic_ids)
    return absolute(reverse("mailings:confirm", kwargs={"token": token}))


def preferences_url(email: str) -> str:
    token = preferences_token(email)
    return absolute(reverse("mailings:preferences", kwargs={"token": token}))


def unsubscribe_url(email: str, mailing_id: int = 0) -> str:
    token = unsubscribe_token(email, mailing_id)
    return absolute(reverse("mailings:unsubscribe", kwargs={"token": token}))
