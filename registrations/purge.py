"""What the daily purge does to registrations, and the delays the privacy
page states (read from here, so that the page and the purge agree)."""

import datetime as dt

from django.db.models import Q

from audit.updates import logged_update

from .models import Registration

# Accessibility and dietary needs (health data, possibly) are erased as soon
# as the event is over.
NEEDS_RETENTION = dt.timedelta(0)
# Names, emails and functions are erased this long after the event; what is
# left (collectivité, rate, days, attendance) feeds the statistics.
REGISTRATION_RETENTION = dt.timedelta(days=365)
# The client's keyed address, for the rate limit only.
SENDER_KEY_RETENTION = dt.timedelta(days=1)


def purge(now: dt.datetime) -> dict[str, int]:
    """Erase what is past its retention; returns how many registrations had
    their needs erased, were anonymised, had their client key forgotten."""
    needs = logged_update(  # fields left out of the audit trail
        Registration.objects.filter(event__ends_at__lt=now - NEEDS_RETENTION).filter(
            ~Q(accessibility_needs="") | ~Q(dietary_needs="")
        ),
        accessibility_needs="",
        dietary_needs="",
    )
    anonymised = logged_update(
        Registration.objects.filter(
            event__ends_at__lt=now - REGISTRATION_RETENTION, anonymised_at=None
        ),
        erase=True,
        first_name="",
        last_name="",
        email="",
        function="",
        organisation="",
        sender_key="",
        anonymised_at=now,
    )
    forgotten = logged_update(
        Registration.objects.filter(created_at__lt=now - SENDER_KEY_RETENTION).exclude(
            sender_key=""
        ),
        sender_key="",
    )
    return {"needs": needs, "anonymised": anonymised, "forgotten": forgotten}
