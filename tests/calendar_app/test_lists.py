"""Lists of events: upcoming (/agenda/a-venir/) and archives by year."""

import datetime as dt

import pytest
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from calendar_app.models import Event
from calendar_app.views import UPCOMING_PER_PAGE
from rfve_site.typography import french_html as typeset
from tests.calendar_app.pages import html
from tests.factories import EventFactory, EventTypeFactory, paris
from tests.markup import elements, inner

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

UPCOMING_URL = reverse_lazy("calendar:upcoming")


def listed_titles(response) -> list[str]:
    """The titles of the event list, in order."""
    items = inner(html(response), "ul", class_="event-list")
    return [inner(h2, "a") for h2, _ in elements(items, "h2")]


def create_upcoming(count: int, **values):
    now = timezone.now()
    for n in range(1, count + 1):
        EventFactory(
            title=f"Rendez-vous {n:02d}",
            starts_at=now + dt.timedelta(days=n),
            **values,
        )


def test_upcoming_lists_events_not_yet_over_soonest_first(client):
    now = timezone.now()
    EventFactory(title="Dans deux jours", starts_at=now + dt.timedelta(days=2))
    EventFactory(title="Demain", starts_at=now + dt.timedelta(days=1))
    EventFactory(
        title="En cours",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=1),
    )
    EventFactory(
        title="Terminé",
        starts_at=now - dt.timedelta(hours=3),
        ends_at=now - dt.timedelta(hours=1),
    )

    response = client.get(UPCOMING_URL)

    assert listed_titles(response) == ["En cours", "Demain", "Dans deux jours"]


def test_upcoming_shows_dates_and_statuses(client):
    start = timezone.localtime() + dt.timedelta(days=3)
    event = EventFactory(title="Bureau", starts_at=start, status=Event.Status.CANCELLED)

    page = html(client.get(UPCOMING_URL))

    assert (
        typeset(f'<p class="when">{event.when[0].upper()}{event.when[1:]}</p>') in page
    )
    assert '<strong class="badge badge-cancelled">Annulé</strong>' in page


def test_upcoming_hides_drafts_and_internal_events(client):
    start = timezone.now() + dt.timedelta(days=3)
    EventFactory(title="Public", starts_at=start)
    EventFactory(title="Brouillon", starts_at=start, status=Event.Status.DRAFT)
    EventFactory(title="Interne", starts_at=start, visibility=Event.Visibility.INTERNAL)

    assert listed_titles(client.get(UPCOMING_URL)) == ["Public"]


def test_upcoming_is_paginated(client):
    create_upcoming(UPCOMING_PER_PAGE + 5)

    first = client.get(UPCOMING_URL)
    second = client.get(UPCOMING_URL, {"page": 2})

    assert UPCOMING_PER_PAGE == 20
    assert listed_titles(first) == [f"Rendez-vous {n:02d}" for n in range(1, 21)]
    assert "Page 1 sur 2" in html(first)
    assert '<a rel="next" href="?page=2">Page suivante</a>' in html(first)
    assert listed_titles(second) == [f"Rendez-vous {n:02d}" for n in range(21, 26)]
    assert '<a rel="prev" href="?page=1">Page précédente</a>' in html(second)
    assert 'rel="next"' not in inner(html(second), "main")


def test_upcoming_pagination_keeps_the_type_filter(client):
    webinar = EventTypeFactory(name="Webinaire", slug="webinaire")
    create_upcoming(UPCOMING_PER_PAGE + 1, event_type=webinar)
    EventFactory(title="Autre type", starts_at=timezone.now() + dt.timedelta(days=1))

    response = client.get(UPCOMING_URL, {"type": "webinaire"})

    assert "Autre type" not in listed_titles(response)
    assert len(listed_titles(response)) == UPCOMING_PER_PAGE
    assert 'href="?type=webinaire&amp;page=2"' in html(response)


@pytest.mark.parametrize(("page", "expected"), [("abc", 1), ("999", 2), ("-1", 2)])
def test_upcoming_invalid_page_numbers_do_not_fail(client, page, expected):
    create_upcoming(UPCOMING_PER_PAGE + 1)

    response = client.get(UPCOMING_URL, {"page": page})

    assert response.status_code == 200
    assert f"Page {expected} sur 2" in html(response)


def test_upcoming_without_events(client):
    page = html(client.get(UPCOMING_URL, {"page": "abc", "type": "inconnu"}))

    assert "Aucun rendez-vous annoncé pour le moment." in page


def test_archives_list_the_events_of_a_past_year(client):
    EventFactory(title="Plénière de février", starts_at=paris(2023, 2, 2, 9, 30))
    EventFactory(title="Plénière de décembre", starts_at=paris(2023, 12, 7, 9, 30))
    EventFactory(title="Plénière de 2022", starts_at=paris(2022, 12, 1, 9, 30))
    EventFactory(title="Brouillon", status=Event.Status.DRAFT)
    EventFactory(title="Interne", visibility=Event.Visibility.INTERNAL)

    response = client.get(reverse("calendar:archives", args=[2023]))

    assert response.status_code == 200
    assert "<h1>Rendez-vous passés en 2023</h1>" in html(response)
    assert listed_titles(response) == ["Plénière de février", "Plénière de décembre"]
    assert '<a href="/agenda/archives/2022/">2022</a>' in html(response)
    assert '<a href="/agenda/archives/2023/" aria-current="page">2023</a>' in html(
        response
    )


def test_archives_of_a_year_without_events(client):
    page = html(client.get(reverse("calendar:archives", args=[1999])))

    assert "Aucun rendez-vous passé en 1999." in page


def test_archives_of_this_year_leave_out_what_is_to_come(client):
    now = timezone.localtime()
    past = EventFactory(
        title="Passé",
        starts_at=now - dt.timedelta(minutes=3),
        ends_at=now - dt.timedelta(minutes=2),
    )
    EventFactory(title="À venir", starts_at=now + dt.timedelta(minutes=2))

    year = past.first_day.year
    titles = listed_titles(client.get(reverse("calendar:archives", args=[year])))

    assert "Passé" in titles
    assert "À venir" not in titles


def test_archives_filtered_by_type(client):
    audience = EventTypeFactory(name="Audience", slug="audience")
    EventFactory(title="Audience au ministère", event_type=audience)
    EventFactory(title="Groupe de travail")

    response = client.get(
        reverse("calendar:archives", args=[2023]), {"type": "audience"}
    )

    assert listed_titles(response) == ["Audience au ministère"]
    assert '<a href="/agenda/archives/2023/?type=audience"' in html(response)
