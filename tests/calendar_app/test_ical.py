"""iCalendar: one event's .ics and the subscribable feed."""

import datetime as dt

import icalendar
import pytest
from django.core.cache import cache
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from calendar_app import ical
from calendar_app.models import Event
from tests.factories import PARIS, EventFactory, EventTypeFactory, paris

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

FEED_URL = reverse_lazy("calendar:feed")


def ics_url(event: Event) -> str:
    return reverse("calendar:event-ical", args=[event.slug])


def body(response) -> bytes:
    """The response's bytes; the feed's stream is read once and kept."""
    if not response.streaming:
        return response.content
    if not hasattr(response, "streamed"):
        response.streamed = response.getvalue()
    return response.streamed


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(body(response))


def vevents(response) -> dict[str, icalendar.Event]:
    """The feed's events by summary."""
    return {str(vevent["SUMMARY"]): vevent for vevent in parse(response).walk("VEVENT")}


def only_vevent(response) -> icalendar.Event:
    [vevent] = parse(response).walk("VEVENT")
    return vevent


def soon(**delta) -> dt.datetime:
    return timezone.localtime() + dt.timedelta(**delta)


def test_event_file(client):
    event = EventFactory(
        title="Groupe de travail petite enfance",
        starts_at=paris(2023, 2, 14, 14, 30),
        ends_at=paris(2023, 2, 14, 16),
        place="Hôtel de ville",
        address="Place Lazare-Goujon, 69100 Villeurbanne",
    )

    response = client.get(ics_url(event))

    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    calendar = parse(response)
    vevent = only_vevent(response)
    assert str(vevent["SUMMARY"]) == "Groupe de travail petite enfance"
    assert vevent["DTSTART"].dt == paris(2023, 2, 14, 14, 30)
    assert vevent["DTEND"].dt == paris(2023, 2, 14, 16)
    assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
    assert str(vevent["UID"]) == f"evenement-{event.pk}@villeseducatrices.fr"
    assert isinstance(vevent["DTSTAMP"].dt, dt.datetime)
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["LOCATION"]) == (
        "Hôtel de ville, Place Lazare-Goujon, 69100 Villeurbanne"
    )
    assert str(vevent["URL"]) == (
        f"https://villeseducatrices.fr/agenda/evenements/{event.slug}/"
    )
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]


@pytest.mark.parametrize(
    ("day", "offset_hours"),
    [((2023, 3, 26), 2), ((2023, 10, 29), 1)],
)
def test_event_on_a_clock_change_day_keeps_its_local_time(client, day, offset_hours):
    event = EventFactory(starts_at=paris(*day, 10), ends_at=paris(*day, 12))

    response = client.get(ics_url(event))

    date = f"{day[0]}{day[1]:02d}{day[2]:02d}"
    assert f"DTSTART;TZID=Europe/Paris:{date}T100000" in response.content.decode()
    start = only_vevent(response)["DTSTART"].dt
    assert start.utcoffset() == dt.timedelta(hours=offset_hours)
    assert start.astimezone(dt.UTC).hour == 10 - offset_hours
    # The VTIMEZONE has the rules of that year, both changes included.
    [vtimezone] = parse(response).walk("VTIMEZONE")
    changes = {str(rule["DTSTART"].dt.date()) for rule in vtimezone.subcomponents}
    assert {"2023-03-26", "2023-10-29"} <= changes


def test_all_day_end_is_exclusive(client):
    event = EventFactory(
        all_day=True, starts_at=paris(2023, 2, 27), ends_at=paris(2023, 3, 1)
    )

    response = client.get(ics_url(event))

    vevent = only_vevent(response)
    assert vevent["DTSTART"].dt == dt.date(2023, 2, 27)
    assert vevent["DTEND"].dt == dt.date(2023, 3, 2)
    text = response.content.decode()
    assert "DTSTART;VALUE=DATE:20230227" in text
    assert "DTEND;VALUE=DATE:20230302" in text


def test_one_day_all_day_event_ends_the_next_day(client):
    event = EventFactory(
        all_day=True, starts_at=paris(2023, 3, 26), ends_at=paris(2023, 3, 26)
    )

    vevent = only_vevent(client.get(ics_url(event)))

    assert vevent["DTSTART"].dt == dt.date(2023, 3, 26)
    assert vevent["DTEND"].dt == dt.date(2023, 3, 27)


def test_uid_is_stable_across_edits_and_sequence_increments(client):
    event = EventFactory(title="Bureau")
    first = only_vevent(client.get(ics_url(event)))

    event.title = "Bureau élargi"
    event.slug = "bureau-elargi"
    event.starts_at = paris(2023, 2, 15, 18)
    event.ends_at = paris(2023, 2, 15, 19)
    event.save()
    second = only_vevent(client.get(ics_url(event)))

    assert first["UID"] == second["UID"]
    assert first["SEQUENCE"] == 0
    assert second["SEQUENCE"] == 1
    assert str(second["SUMMARY"]) == "Bureau élargi"
    assert second["DTSTART"].dt == paris(2023, 2, 15, 18)


@pytest.mark.parametrize(
    ("status", "ical_status", "summary"),
    [
        (Event.Status.CANCELLED, "CANCELLED", "[Annulé] Bureau"),
        (Event.Status.POSTPONED, "TENTATIVE", "[Reporté] Bureau"),
        (Event.Status.PUBLISHED, "CONFIRMED", "Bureau"),
    ],
)
def test_status(client, status, ical_status, summary):
    event = EventFactory(title="Bureau", status=status)

    vevent = only_vevent(client.get(ics_url(event)))

    assert str(vevent["STATUS"]) == ical_status
    assert str(vevent["SUMMARY"]) == summary


@pytest.mark.parametrize(
    "values",
    [{"status": Event.Status.DRAFT}, {"visibility": Event.Visibility.INTERNAL}],
)
def test_event_file_of_a_draft_or_internal_event_is_not_found(client, values):
    event = EventFactory(**values)

    assert client.get(ics_url(event)).status_code == 404


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_IF_NONE_MATCH": "*"},
        {"HTTP_IF_MODIFIED_SINCE": "Fri, 01 Jan 2100 00:00:00 GMT"},
        {"HTTP_IF_MATCH": '"something-else"'},
    ],
)
def test_conditional_request_does_not_reveal_a_draft(client, headers):
    draft = EventFactory(status=Event.Status.DRAFT)
    missing = "/agenda/evenements/inconnu.ics"

    response = client.get(ics_url(draft), **headers)

    assert response.status_code == client.get(missing, **headers).status_code
    assert response.status_code in (404, 412)


def test_staff_can_download_a_draft(staff_client):
    event = EventFactory(title="Brouillon", status=Event.Status.DRAFT)

    vevent = only_vevent(staff_client.get(ics_url(event)))

    assert str(vevent["SUMMARY"]) == "Brouillon"


def test_event_file_conditional_get(client):
    event = EventFactory()

    response = client.get(ics_url(event))
    etag = response["ETag"]

    assert client.get(ics_url(event), HTTP_IF_NONE_MATCH=etag).status_code == 304
    event.save()
    changed = client.get(ics_url(event), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_feed_lists_public_events_of_the_window(client):
    """From the first day of the month three months back to the end of the
    twelfth month ahead (days chosen inside or outside on any date)."""
    EventFactory(title="Plénière à venir", starts_at=soon(days=10))
    EventFactory(title="Plénière passée", starts_at=soon(days=-85))
    EventFactory(title="Plénière dans onze mois", starts_at=soon(days=335))
    EventFactory(
        title="Plénière ancienne",
        starts_at=soon(days=-135),
        ends_at=soon(days=-125),
    )
    EventFactory(title="Plénière lointaine", starts_at=soon(days=400))
    EventFactory(title="Seed 2023")  # default date: February 2023
    EventFactory(title="Brouillon", starts_at=soon(days=5), status=Event.Status.DRAFT)
    EventFactory(
        title="Interne",
        starts_at=soon(days=5),
        visibility=Event.Visibility.INTERNAL,
    )
    EventFactory(title="Bureau", starts_at=soon(days=6), status=Event.Status.CANCELLED)

    response = client.get(FEED_URL)

    assert response["Content-Disposition"] == 'inline; filename="agenda-rfve.ics"'
    calendar = parse(response)
    assert response.streaming
    assert sorted(vevents(response)) == [
        "Plénière dans onze mois",
        "Plénière passée",
        "Plénière à venir",
        "[Annulé] Bureau",
    ]
    assert str(calendar["X-WR-CALNAME"]) == (
        "Agenda du Réseau français des villes éducatrices"
    )
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    for vevent in calendar.walk("VEVENT"):
        assert "DTSTAMP" in vevent
        assert "UID" in vevent
    assert str(vevents(response)["[Annulé] Bureau"]["STATUS"]) == "CANCELLED"


def test_feed_filtered_by_type(client):
    webinar = EventTypeFactory(name="Webinaire", slug="webinaire")
    EventFactory(
        title="Webinaire restauration", event_type=webinar, starts_at=soon(days=3)
    )
    EventFactory(title="Plénière", starts_at=soon(days=4))

    filtered = client.get(FEED_URL, {"type": "webinaire"})
    unknown = client.get(FEED_URL, {"type": "inconnu"})

    assert list(vevents(filtered)) == ["Webinaire restauration"]
    assert str(parse(filtered)["X-WR-CALNAME"]).endswith(" – Webinaire")
    assert sorted(vevents(unknown)) == ["Plénière", "Webinaire restauration"]


def test_empty_feed_is_a_valid_calendar(client):
    calendar = parse(client.get(FEED_URL))

    assert calendar.walk("VEVENT") == []
    assert str(calendar["VERSION"]) == "2.0"


def test_feed_times_are_paris_local_times(client):
    start = timezone.localtime(soon(days=20)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    EventFactory(title="Plénière", starts_at=start)

    vevent = vevents(client.get(FEED_URL))["Plénière"]

    assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
    assert vevent["DTSTART"].dt.astimezone(PARIS).hour == 10
    assert vevent["DTSTART"].dt == start


def test_feed_conditional_get(client):
    event = EventFactory(starts_at=soon(days=3))

    response = client.get(FEED_URL)
    etag = response["ETag"]

    assert client.get(FEED_URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
    event.title = "Titre corrigé"
    event.save()
    changed = client.get(FEED_URL, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert list(vevents(changed)) == ["Titre corrigé"]


def test_deleted_event_never_hidden_behind_if_modified_since(client):
    """A client sending only If-Modified-Since must still learn of a deletion:
    the feed has no Last-Modified (a deletion would not move it)."""
    event = EventFactory(starts_at=soon(days=3))
    response = client.get(FEED_URL)
    assert "Last-Modified" not in response
    event.delete()
    later = client.get(FEED_URL, HTTP_IF_MODIFIED_SINCE="Fri, 01 Jan 2100 00:00:00 GMT")
    assert later.status_code == 200
    assert list(vevents(later)) == []


def test_feed_etag_changes_when_an_event_leaves_the_feed(client):
    event = EventFactory(starts_at=soon(days=3))
    EventFactory(starts_at=soon(days=4))
    etag = client.get(FEED_URL)["ETag"]

    event.delete()

    assert client.get(FEED_URL, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_feed_etag_depends_on_the_type_filter(client):
    EventTypeFactory(slug="webinaire")
    EventFactory(starts_at=soon(days=3))

    all_types = client.get(FEED_URL)["ETag"]
    webinars = client.get(FEED_URL, {"type": "webinaire"})["ETag"]

    assert all_types != webinars


def test_feed_follows_events_updated_without_save(client):
    """update() stamps updated_at (StampedQuerySet): the ETag and the cached
    feed move."""
    event = EventFactory(title="Plénière", starts_at=soon(days=10))
    first = client.get("/agenda/agenda.ics")
    Event.objects.filter(pk=event.pk).update(title="Assemblée générale")
    again = client.get("/agenda/agenda.ics", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert "Assemblée générale" in again.getvalue().decode()


def test_feed_window_in_months():
    assert ical.feed_window(dt.date(2026, 12, 31)) == (
        dt.date(2026, 9, 1),
        dt.date(2028, 1, 1),
    )
    assert ical.feed_window(dt.date(2024, 2, 29)) == (
        dt.date(2023, 11, 1),
        dt.date(2025, 3, 1),
    )


def test_feed_is_sent_in_parts_of_a_few_events(client, monkeypatch):
    """Produced in constant memory: rendered and sent a few events at a
    time, read from the database in batches, as a valid calendar."""
    monkeypatch.setattr(ical, "FEED_PART_EVENTS", 2)
    for day in range(5):
        EventFactory(title=f"Réunion {day}", starts_at=soon(days=day + 1))

    response = client.get(FEED_URL)
    parts = list(response.streaming_content)

    # Head (with VTIMEZONE), three parts of events (2, 2, 1), end.
    assert len(parts) == 5
    assert parts[0].count(b"BEGIN:VTIMEZONE") == 1
    assert [part.count(b"BEGIN:VEVENT") for part in parts] == [0, 2, 2, 1, 0]
    calendar = icalendar.Calendar.from_ical(b"".join(parts))
    assert [str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")] == [
        f"Réunion {day}" for day in range(5)
    ]


def test_feed_served_again_from_the_cache(client, django_assert_num_queries):
    EventFactory(title="Plénière", starts_at=soon(days=3))
    first = client.get(FEED_URL).getvalue()

    # The version, the filter's lists; no events read.
    with django_assert_num_queries(1):
        again = client.get(FEED_URL).getvalue()

    assert again == first


def test_feed_part_evicted_from_the_cache_is_produced_again(client, monkeypatch):
    monkeypatch.setattr(ical, "FEED_PART_EVENTS", 1)
    for day in range(3):
        EventFactory(title=f"Réunion {day}", starts_at=soon(days=day + 1))
    response = client.get(FEED_URL)
    response.getvalue()
    [key] = [key for key in cache._cache if key.endswith(":2")]  # locmem keys
    cache.delete(key.split(":", 2)[2])

    calendar = icalendar.Calendar.from_ical(client.get(FEED_URL).getvalue())

    assert [str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")] == [
        "Réunion 0",
        "Réunion 1",
        "Réunion 2",
    ]


def test_feed_follows_a_renamed_event_type(client):
    event = EventFactory(starts_at=soon(days=3))
    etag = client.get(FEED_URL)["ETag"]

    event.event_type.name = "Plénière annuelle"
    event.event_type.save()

    changed = client.get(FEED_URL, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "Plénière annuelle" in changed.getvalue().decode()


def test_subscribe_page_names_the_window(client):
    page = client.get(reverse("calendar:subscribe")).content.decode()

    assert "les 3 derniers mois et les 12 prochains" in page


def test_description_is_plain_text_in_the_file_and_the_feed(client):
    """Calendar clients show DESCRIPTION as typed: the Markdown is rendered
    to text (headings, one line per item, links with their address)."""
    event = EventFactory(
        title="Webinaire",
        starts_at=soon(days=3),
        ends_at=soon(days=3, hours=1),
        summary="Retours d’expérience.",
        description="## Programme\n\n- Le cadre national\n- Trois villes "
        "**témoignent**\n\nVoir [la note](https://exemple.fr/note).",
    )
    expected = (
        "Retours d’expérience.\n\nProgramme\n\n"
        "• Le cadre national\n• Trois villes témoignent\n\n"
        "Voir la note (https://exemple.fr/note).\n\n"
        f"https://villeseducatrices.fr/agenda/evenements/{event.slug}/"
    )
    in_file = str(only_vevent(client.get(ics_url(event)))["DESCRIPTION"])
    in_feed = str(vevents(client.get(FEED_URL))["Webinaire"]["DESCRIPTION"])
    assert in_file == in_feed == expected
