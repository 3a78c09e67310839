"""The back office's login throttle: django-axes with one limit per kind of
lockout (settings.LOGIN_FAILURE_LIMITS) instead of one for all."""

import datetime as dt

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum

# The back office's login log (who logged in or failed, from which address):
# kept this long, as /donnees-personnelles/ states (purge_personal_data).
LOGIN_LOG_RETENTION = dt.timedelta(days=365)


def username(request, credentials: dict | None = None) -> str | None:
    """The username tried: allauth authenticates with `username=`, its form
    field is `login` (settings.AXES_USERNAME_CALLABLE)."""
    if credentials and credentials.get("username"):
        return credentials["username"]
    data = getattr(request, "POST", {}) or {}
    return data.get("login") or data.get("username")


class LoginThrottle(AxesDatabaseHandler):
    """django-axes compares one failure count with AXES_FAILURE_LIMIT; this
    handler reports that limit as soon as any parameter set of
    AXES_LOCKOUT_PARAMETERS reaches its own limit, so that the address and
    username pair locks after a few failures and the username alone (attacked
    from many addresses) only after many more."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        attempts = self.get_user_attempts(request, credentials)
        limits = settings.LOGIN_FAILURE_LIMITS.values()
        counts = [
            group.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for group in attempts
        ]
        if any(count >= limit for count, limit in zip(counts, limits, strict=True)):
            return settings.AXES_FAILURE_LIMIT
        return counts[0]


def purge_login_log(now: dt.datetime) -> int:
    """Delete the login log's entries past LOGIN_LOG_RETENTION; returns how many."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    limit = now - LOGIN_LOG_RETENTION
    return sum(
        model.objects.filter(**{f"{field}__lt": limit}).delete()[0]
        for model, field in (
            (AccessLog, "attempt_time"),
            (AccessFailureLog, "attempt_time"),
            (AccessAttempt, "attempt_time"),
        )
    )
