"""How long a signed-in session lasts (ASVS 3.3): it ends after
SESSION_IDLE_TIMEOUT without a request, and in any case SESSION_MAX_AGE after
the sign-in (a working day), whatever the activity.

The middleware keeps two timestamps in the session: the sign-in's and the
last request's. The latter is written at most once a minute, so that a page
of the back office does not cost a session write each time."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.utils import timezone

LOGIN_AT = "rfve_login_at"
SEEN_AT = "rfve_seen_at"
# Precision of the inactivity timeout, and how often the session is written.
SEEN_RESOLUTION = dt.timedelta(minutes=1)


def on_login(sender, request, user, **kwargs) -> None:
    """Receiver of user_logged_in: both clocks start at the sign-in (and the
    first page after it costs no session write)."""
    now = timezone.now().timestamp()
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now


def session_limits(get_response):
    """Placed after AuthenticationMiddleware. An expired session is ended
    (`logout`: the session is flushed) before the view runs, which then
    answers as to anybody signed out (the admin sends to its login page)."""

    def middleware(request):
        session = request.session
        # Without a session cookie there is no session to read (and reading
        # it would add `Vary: Cookie` to public pages).
        if settings.SESSION_COOKIE_NAME in request.COOKIES and SESSION_KEY in session:
            now = timezone.now().timestamp()
            login_at = session.setdefault(LOGIN_AT, now)
            seen_at = session.get(SEEN_AT, now)
            idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            if (
                now - seen_at > idle
                or now - login_at > settings.SESSION_MAX_AGE.total_seconds()
            ):
                logout(request)
            elif SEEN_AT not in session or (
                now - seen_at >= SEEN_RESOLUTION.total_seconds()
            ):
                session[SEEN_AT] = now
        return get_response(request)

    return middleware
