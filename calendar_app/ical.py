"""iCalendar (RFC 5545) for one event and for the subscribable feed."""

import datetime as dt

import icalendar
from django.conf import settings
from django.utils import timezone

from rfve_site.text import multi_line, one_line

from . import dates
from .models import Event

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
    description = multi_line(
        "\n\n".join(part for part in (event.summary, event.description) if part)
    )
    url = f"https://{settings.SITE_DOMAIN}{event.get_absolute_url()}"
    vevent.add("description", f"{description}\n\n{url}".strip())
    vevent.add("url", url)
    vevent.add("categories", [one_line(event.event_type.name)])
    return vevent


def _calendar(events, name: str) -> bytes:
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


def feed_calendar(events, name: str) -> bytes:
    return _calendar(events, name)
