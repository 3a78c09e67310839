"""The emails that follow an event, each sent once to each registration:
the event cancelled or postponed (to its registrants and its waiting list),
a registration cancelled by the secretariat, the reminder before the event.

Each email is written to the outbox in the same transaction as its Notice,
whose unique key (registration, kind, the event's start) is the proof it
was sent: an event saved again, a reminder job run twice or resumed after a
crash finds the row and sends nothing; two runs at once, one waits on the
other's row and gets an IntegrityError. The event's start is in the key: an
event postponed again to another date, or moved before its reminder, is told
again."""

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce

from association.models import SiteSettings
from calendar_app import dates, ical
from calendar_app.models import Event, Schedule
from outbox.sending import kind as outbox_kind

from . import emails
from .models import Notice, Registration, RegistrationSettings

logger = logging.getLogger(__name__)

# The reminder job looks this far ahead (RegistrationSettings.reminder_days
# is at most 30).
REMINDER_HORIZON = dt.timedelta(days=32)


def _send_once(
    registration: Registration, kind: str, starts_at: dt.datetime, now, **email
) -> bool:
    """Record the notice and write its email, both or neither; False if it
    was sent already."""
    try:
        with transaction.atomic(), outbox_kind(f"inscription-{kind}"):
            Notice.objects.create(
                registration=registration,
                kind=kind,
                event_starts_at=starts_at,
                sent_at=now,
            )
            emails.build(registration, kind, **email).send()
    except IntegrityError:  # sent already, or by another run meanwhile
        return False
    return True


def _reachable(registrations):
    """Registrations whose person can be written to: not anonymised."""
    return registrations.filter(anonymised_at=None).exclude(email="")


def _unsent(registrations, kind: str, starts_at: dt.datetime):
    return registrations.exclude(
        Exists(
            Notice.objects.filter(
                registration=OuterRef("pk"), kind=kind, event_starts_at=starts_at
            )
        )
    )


def event_rescheduled(event: Event, before: Schedule, now: dt.datetime) -> int:
    """Tell the registrants and the waiting list what a change of the
    event's status or dates means to them; returns how many were written
    to. Cancelled: once. Postponed: once, with its new date if the dates
    changed with it; then once for each new date it is given (postponed or
    published again). An event already over is not told about (an old one
    tidied up in the admin)."""
    if event.ends_at < now:
        return 0
    Status = Event.Status
    moved = before.dates != (event.starts_at, event.ends_at, event.all_day)
    if event.status == Status.CANCELLED and before.status != Status.CANCELLED:
        kind = Notice.Kind.EVENT_CANCELLED
        email = {}
    elif (
        event.status == Status.POSTPONED
        and (before.status != Status.POSTPONED or moved)
    ) or (
        before.status == Status.POSTPONED and event.status == Status.PUBLISHED and moved
    ):
        kind = Notice.Kind.EVENT_POSTPONED
        announced = Event(
            starts_at=before.starts_at, ends_at=before.ends_at, all_day=before.all_day
        )
        email = {"moved": moved, "before_when": announced.when_in_sentence}
    else:
        return 0
    registrations = _unsent(
        _reachable(Registration.objects.active().filter(event=event)),
        kind,
        event.starts_at,
    )
    return _send_each(_for_emails(registrations), event, kind, now, **email)


def _for_emails(registrations):
    """What building their emails reads, in a few queries for all."""
    return (
        registrations.select_related("authority", "rate")
        .prefetch_related("days")
        .order_by("pk")
    )


def _send_each(registrations, event: Event, kind: str, now, **email) -> int:
    """Send the notice to each registration that has not had it; the
    event's calendar file and the Reply-To are made once for all."""
    sent = 0
    shared = {}
    for registration in registrations:
        if not shared:
            shared = {
                "calendar": ical.event_calendar(event),
                "reply_to": SiteSettings.load().secretariat_reply_to(),
            }
        registration.event = event
        sent += _send_once(registration, kind, event.starts_at, now, **shared, **email)
    return sent


def registration_cancelled(registration: Registration, now: dt.datetime) -> bool:
    """Tell the person the secretariat cancelled their registration (once)."""
    if not registration.email or registration.anonymised_at:
        return False
    return _send_once(
        registration,
        Notice.Kind.REGISTRATION_CANCELLED,
        registration.event.starts_at,
        now,
    )


def reminder_from(settings: RegistrationSettings) -> dt.datetime:
    """When the reminder of the event is due: local midnight, so many days
    before its first day."""
    first_day = settings.event.first_day
    return dates.local_midnight(first_day - dt.timedelta(days=settings.reminder_days))


def reminders_due(now: dt.datetime):
    """(settings, registrations) for each event whose reminder is due: the
    event published and not started, its reminder day reached; its
    confirmed registrations not reminded of this date yet, except those
    confirmed since the reminder day (their confirmation said it all)."""
    candidates = RegistrationSettings.objects.filter(
        reminder_days__gt=0,
        event__status=Event.Status.PUBLISHED,
        event__starts_at__gt=now,
        event__starts_at__lt=now + REMINDER_HORIZON,
    ).select_related("event__event_type")
    for settings in candidates.order_by("event__starts_at", "pk"):
        since = reminder_from(settings)
        if now < since:
            continue
        event = settings.event
        registrations = (
            _unsent(
                _reachable(Registration.objects.confirmed().filter(event=event)),
                Notice.Kind.REMINDER,
                event.starts_at,
            )
            .alias(confirmed_at=Coalesce("promoted_at", "created_at"))
            .filter(confirmed_at__lt=since)
        )
        yield settings, _for_emails(registrations)


def send_reminders(now: dt.datetime) -> int:
    """Send the reminders due, each registration once per date of its
    event; what a crash left unsent goes at the next run."""
    return sum(
        _send_each(registrations, settings.event, Notice.Kind.REMINDER, now)
        for settings, registrations in reminders_due(now)
    )
