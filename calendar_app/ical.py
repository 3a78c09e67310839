"""iCalendar (RFC 5545) for one event and for the subscribable feed."""

import datetime as dt
from collections.abc import Iterator

import icalendar
from django.conf import settings
from django.utils import timezone

from rfve_site.markup import markdown_to_text
from rfve_site.text import multi_line, one_line

from . import dates
from .models import Event
from .months import shift_month

PRODID = "-//Réseau français des villes éducatrices//Agenda//FR"
STATUS = {
    Event.Status.CANCELLED: "CANCELLED",
    # RFC 5545 has no "postponed": the event stays, marked tentative.
    Event.Status.POSTPONED: "TENTATIVE",
}


def _vevent(event: Event, stamp: dt.datetime) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp)
    vevent.add("sequence", event.sequence)
    vevent.add("last-modified", event.updated_at)
    # RFC 5545 forbids control characters in text, and a line break in a
    # one-line property breaks the line: stored text is cleaned again here.
    summary = one_line(event.title)
    if event.status_flag:
        summary = f"[{event.status_flag}] {summary}"
    vevent.add("summary", summary)
    if event.all_day:
        vevent.add("dtstart", event.first_day)
        # DTEND is exclusive: the day after the last one.
        vevent.add("dtend", event.last_day + dt.timedelta(days=1))
    else:
        vevent.add("dtstart", dates.to_local(event.starts_at))
        vevent.add("dtend", dates.to_local(event.ends_at))
    vevent.add("status", STATUS.get(event.status, "CONFIRMED"))
    location = one_line(
        ", ".join(part for part in (event.place, event.address) if part)
    )
    if location:
        vevent.add("location", location)
    url = f"https://{settings.SITE_DOMAIN}{event.get_absolute_url()}"
    vevent.add("description", description(event, url))
    vevent.add("url", url)
    vevent.add("categories", [one_line(event.event_type.name)])
    return vevent


def description(event: Event, url: str) -> str:
    """DESCRIPTION, the one text every calendar file gives an event (its
    .ics, the feed, the registration emails' attachment): summary, the
    description as plain text (calendar clients show the property as typed:
    Markdown's "## " and "- " would show as such), then the event's page."""
    text = "\n\n".join(
        part
        for part in (
            event.summary,
            markdown_to_text(event.description, f"https://{settings.SITE_DOMAIN}"),
        )
        if part
    )
    return f"{multi_line(text)}\n\n{url}".strip()


# The subscribable feed covers the three months before the current one and
# the twelve after it: calendar clients slow down or give up on feeds holding
# years of history (the archives keep it on the site).
FEED_MONTHS_BEFORE = 3
FEED_MONTHS_AFTER = 12
# Events rendered, sent and cached together (about 500 kB): the feed is
# produced in pieces of this many, in constant memory whatever its size, and
# read back from the cache in as many reads as pieces.
FEED_PART_EVENTS = 500
END = b"END:VCALENDAR\r\n"


def feed_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The feed's first day and the day after its last one."""
    month = today.replace(day=1)
    return (
        shift_month(month, -FEED_MONTHS_BEFORE),
        shift_month(month, FEED_MONTHS_AFTER + 1),
    )


def _empty_calendar(name: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", one_line(name))
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    # Clients poll a subscribed feed; ask for no more than twice an hour.
    cal.add(
        "refresh-interval", dt.timedelta(minutes=30), parameters={"VALUE": "DURATION"}
    )
    cal.add("x-published-ttl", "PT30M")
    return cal


def _calendar(events, name: str) -> bytes:
    cal = _empty_calendar(name)
    stamp = timezone.now()
    first = last = None
    for event in events:
        cal.add_component(_vevent(event, stamp))
        first = min(first or event.first_day, event.first_day)
        last = max(last or event.last_day, event.last_day)
    if first:
        # VTIMEZONE rules only for the years the events span, not since 1970.
        cal.add_missing_timezones(
            first_date=first.replace(month=1, day=1),
            last_date=last.replace(month=12, day=31),
        )
    return cal.to_ical()


def event_calendar(event: Event) -> bytes:
    return _calendar([event], event.title)


def feed_parts(events, name: str, window: tuple[dt.date, dt.date]) -> Iterator[bytes]:
    """The feed as consecutive pieces of bytes: the calendar's properties and
    its VTIMEZONE, then FEED_PART_EVENTS events at a time, read from the
    database in batches, then its end. The same events give the same pieces
    (up to their DTSTAMP): `events` must be ordered."""
    cal = _empty_calendar(name)
    # Rules for the years of the window and of the events reaching past it.
    first, end = window
    cal.add_component(
        icalendar.Timezone.from_tzid(
            settings.TIME_ZONE,
            first_date=dt.date(first.year - 1, 1, 1),
            last_date=dt.date(end.year + 1, 12, 31),
        )
    )
    head = cal.to_ical()
    yield head.removesuffix(END)
    stamp = timezone.now()
    part = []
    for event in events.iterator(chunk_size=FEED_PART_EVENTS):
        part.append(_vevent(event, stamp).to_ical())
        if len(part) == FEED_PART_EVENTS:
            yield b"".join(part)
            part = []
    if part:
        yield b"".join(part)
    yield END
