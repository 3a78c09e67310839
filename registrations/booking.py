"""Places and the waiting list: the rules of registration.

Capacity holds under concurrent submissions because every change that takes
or frees a place runs in a transaction that first locks the event's
RegistrationSettings row (SELECT … FOR UPDATE on PostgreSQL): submissions for
one event queue there, each one counts the places after the previous one
committed. SQLite serialises writes anyway.

Waiting list, kept simple: a registration waits if any day it asks for is
full (it waits for the whole event, not day by day). When a place is freed,
the waiting registrations are considered in the order they arrived, and each
one whose days all have room again is confirmed."""

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from audit.updates import logged_update
from outbox.sending import kind as outbox_kind

from . import emails, orders
from .models import EventDay, Registration, RegistrationSettings, new_link_key

logger = logging.getLogger(__name__)

# At most this many registrations per hour from one email address or one
# client (a town hall's secretary may register several colleagues).
RATE_LIMIT = 10
RATE_WINDOW = dt.timedelta(hours=1)
# The personal link is sent again at most this often.
LINK_RESEND_INTERVAL = dt.timedelta(hours=1)


class Refused(Exception):
    """The registration cannot be taken; the message says why, in French."""


FULL = "Cet événement est complet : il n’y a plus de place."


class AlreadyRegistered(Exception):
    """The address is registered to the event already. `status` is what a new
    registration would have got (None: refused, the event is full), so that
    the visitor sees the same answer either way and learns nothing of who is
    registered: the email sent to the address tells its owner."""

    def __init__(self, registration: Registration, status: str | None):
        super().__init__(registration.email)
        self.registration = registration
        self.status = status


@dataclass(frozen=True)
class DayPlaces:
    day: EventDay
    taken: int

    @property
    def left(self) -> int | None:
        """Places left; None when the day has no limit."""
        if self.day.capacity is None:
            return None
        return max(self.day.capacity - self.taken, 0)

    @property
    def is_full(self) -> bool:
        return self.left == 0


def places(settings: RegistrationSettings) -> list[DayPlaces]:
    """Each day of the event with its confirmed registrations (one query)."""
    days = settings.days.annotate(
        taken=Count(
            "registrations",
            filter=Q(registrations__status=Registration.Status.CONFIRMED),
        )
    ).order_by("date")
    return [DayPlaces(day, day.taken) for day in days]


def _has_room(free: dict[int, int | None], day_ids) -> bool:
    return all(free.get(day_id) is None or free[day_id] > 0 for day_id in day_ids)


def _lock(settings: RegistrationSettings) -> RegistrationSettings:
    """The settings row, locked until the end of the transaction."""
    return RegistrationSettings.objects.select_for_update().get(pk=settings.pk)


def too_many(email: str, key: str, now: dt.datetime) -> bool:
    """Count this attempt, whatever comes of it (a new registration, an
    address already registered, a full event), and tell whether the address
    or the client has made too many within the window."""
    window = int(now.timestamp() // RATE_WINDOW.total_seconds())
    attempts = max(
        _count_attempt(f"{kind}:{hashlib.sha256(value.encode()).hexdigest()}", window)
        for kind, value in (("email", email.lower()), ("client", key))
    )
    recent = Registration.objects.recent_from(
        email=email, sender_key=key, since=now - RATE_WINDOW
    )
    return attempts > RATE_LIMIT or recent.count() >= RATE_LIMIT


def _count_attempt(who: str, window: int) -> int:
    """Attempts from `who` in this window of the shared cache, this one included."""
    key = f"registration-attempts:{who}:{window}"
    cache.add(key, 0, timeout=int(RATE_WINDOW.total_seconds()) * 2)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between the two calls
        cache.set(key, 1, timeout=int(RATE_WINDOW.total_seconds()) * 2)
        return 1


def register(
    settings: RegistrationSettings, registration: Registration, days: list[EventDay]
) -> Registration:
    """Save a new registration, confirmed if all its days have room, else on
    the waiting list (or refused when there is none). Emails it after commit.

    Raises AlreadyRegistered for an address already registered to the event
    (its link is then sent again), Refused when the event is full."""
    with transaction.atomic():
        _lock(settings)
        existing = (
            Registration.objects.active()
            .filter(event=settings.event_id, email__iexact=registration.email)
            .first()
        )
        free = {place.day.pk: place.left for place in places(settings)}
        if _has_room(free, [day.pk for day in days]):
            status = Registration.Status.CONFIRMED
        elif settings.has_waiting_list:
            status = Registration.Status.WAITING
        else:
            status = None
        if existing:
            raise AlreadyRegistered(existing, status)
        if status is None:
            raise Refused(FULL)
        registration.status = status
        registration.event_id = settings.event_id
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError:  # same address, in a race the lock did not see
            existing = (
                Registration.objects.active()
                .filter(event=settings.event_id, email__iexact=registration.email)
                .first()
            )
            if existing is None:
                raise
            raise AlreadyRegistered(existing, status) from None
        registration.days.set(days)
        # Written to the outbox with the registration: both or neither.
        send(registration, "confirmation")
    return registration


def resend_link(registration: Registration, now: dt.datetime) -> bool:
    """Send the personal link again, unless it was sent again within the
    hour; True if sent. The link sent is a new one: the registration's
    `link_key` is replaced, so the links sent before stop working. The row
    update is the guard: two requests at once cannot both win it."""
    key = new_link_key()
    won = logged_update(  # fields left out of the audit trail: no entry
        Registration.objects.filter(pk=registration.pk).filter(
            Q(link_resent_at=None) | Q(link_resent_at__lt=now - LINK_RESEND_INTERVAL)
        ),
        link_resent_at=now,
        link_key=key,
    )
    if not won:
        return False
    registration.link_key = key
    return send(registration, "rappel-lien")


def cancel(registration: Registration, now: dt.datetime) -> list[Registration]:
    """Cancel a registration; a freed place goes to the waiting list.
    Returns the registrations promoted (each is emailed after commit)."""
    settings = registration.event.registration_settings
    with transaction.atomic():
        _lock(settings)
        registration.refresh_from_db(fields=["status"])
        if registration.is_cancelled:
            return []
        freed = registration.is_confirmed
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        orders.credit_cancelled_quietly(registration, now)  # if invoiced
        return promote(settings, now) if freed else []


def change_days(
    registration: Registration, days: list[EventDay], now: dt.datetime
) -> None:
    """New days for a registration. A confirmed one keeps its place on the
    days it keeps and needs room on the days it adds (else Refused, nothing
    changes); the days it drops go to the waiting list. A waiting one waits
    for its new days, and is confirmed at once if they have room."""
    settings = registration.event.registration_settings
    with transaction.atomic():
        _lock(settings)
        old = set(registration.days.values_list("pk", flat=True))
        new = {day.pk for day in days}
        if new == old:
            return
        if registration.is_confirmed:
            full = [
                place.day
                for place in places(settings)
                if place.day.pk in new - old and place.is_full
            ]
            if full:
                names = ", ".join(str(day) for day in full)
                raise Refused(
                    f"Il n’y a plus de place le {names} : vos jours de présence "
                    "n’ont pas été modifiés."
                )
        registration.days.set(days)
        promote(settings, now)


def promote(settings: RegistrationSettings, now: dt.datetime) -> list[Registration]:
    """Confirm the waiting registrations that now fit, first come first
    served. Call inside a transaction that locked `settings` (or let it lock)."""
    with transaction.atomic():
        _lock(settings)
        free = {place.day.pk: place.left for place in places(settings)}
        promoted = []
        waiting = (
            Registration.objects.waiting()
            .filter(event=settings.event_id)
            .prefetch_related("days")
        )
        for candidate in waiting:
            day_ids = [day.pk for day in candidate.days.all()]
            if not _has_room(free, day_ids):
                continue
            for day_id in day_ids:
                if free.get(day_id) is not None:
                    free[day_id] -= 1
            candidate.status = Registration.Status.CONFIRMED
            candidate.promoted_at = now
            candidate.save(update_fields=["status", "promoted_at"])
            promoted.append(candidate)
            send(candidate, "promotion")
        return promoted


# ---------------------------------------------------------------------------
# Emails
# ---------------------------------------------------------------------------


def send(registration: Registration, kind: str) -> bool:
    """Email the registration's person (kind: "confirmation", "promotion",
    "rappel-lien") through the outbox, in the caller's transaction; True if
    the outbox took it (the outbox retries a mail server that fails). A
    failure is logged: the registration is safe and its page shows it."""
    try:
        with transaction.atomic(), outbox_kind(f"inscription-{kind}"):
            emails.build(registration, kind).send()
    except Exception:  # SMTP refusal, network, DNS…
        logger.exception("Registration %s: %s email not sent.", registration.pk, kind)
        return False
    return True
