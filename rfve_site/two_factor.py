"""Who must use a second factor to reach the back office, and whether this
session has used one (ASVS 2.2, level 2).

Superusers and the Trésorerie must, from their first login: the back office
sends them to enrol (TOTP or a passkey, with recovery codes) before showing
anything. The other staff must too, unless settings.STAFF_MFA_OPTIONAL is on;
anyone who enrolled goes through the second step anyway (allauth's `mfa`).

A session "used a second factor" when allauth's login stage checked a code
or a passkey, or when the person enrolled in it (the code typed to activate
TOTP, the passkey created): the signals of allauth.mfa set SESSION_KEY."""

import time

from django.conf import settings

SESSION_KEY = "rfve_second_factor_at"
# The group whose members always need a second factor (rfve_site/groups.py).
TREASURY_GROUP = "Trésorerie"


def required_for(user) -> bool:
    if not (user.is_active and (user.is_staff or user.is_superuser)):
        return False
    if user.is_superuser or not settings.STAFF_MFA_OPTIONAL:
        return True
    return user.groups.filter(name=TREASURY_GROUP).exists()


def used_in(request) -> bool:
    return SESSION_KEY in request.session


def mark_used(request) -> None:
    request.session[SESSION_KEY] = time.time()


def on_factor_used(sender, request=None, **kwargs) -> None:
    """Receiver of allauth.mfa's authenticator_used (a code, a recovery code
    or a passkey checked at sign-in or re-authentication)."""
    if request is not None:
        mark_used(request)


def on_factor_added(sender, request=None, authenticator=None, **kwargs) -> None:
    """Receiver of authenticator_added: enrolling TOTP checks a code, adding
    a passkey checks the key; generated recovery codes prove nothing."""
    if request is not None and authenticator.type != "recovery_codes":
        mark_used(request)


def current_totp_code(secret: str) -> str:
    """The code an authenticator app shows now for `secret` (the demo prints
    it; tests type it): the current period's, the middle of the window the
    server accepts (MFA_TOTP_TOLERANCE periods either side), so that a code
    typed at a period's end is still taken."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))
