"""The event page: /agenda/evenements/<slug>/."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import Event
from rfve_site.typography import french_html as typeset
from tests.calendar_app.pages import html, json_ld, structured_data
from tests.factories import EventFactory, paris
from tests.markup import inner

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def event_url(event: Event) -> str:
    return reverse("calendar:event", args=[event.slug])


def test_event_page_shows_title_date_and_place(client):
    event = EventFactory(
        title="Groupe de travail petite enfance",
        starts_at=paris(2023, 2, 14, 14, 30),
        ends_at=paris(2023, 2, 14, 16),
        place="Hôtel de ville de Villeurbanne",
        address="Place Lazare-Goujon, 69100 Villeurbanne",
    )

    response = client.get(event_url(event))

    assert response.status_code == 200
    page = html(response)
    assert "<h1>Groupe de travail petite enfance</h1>" in page
    assert typeset("<dd>Mardi 14 février 2023, 14 h 30 – 16 h 00</dd>") in page
    assert "Hôtel de ville de Villeurbanne<br>Place Lazare-Goujon" in page
    assert 'href="/agenda/2023/02/">Agenda de février 2023</a>' in page


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "all_day", "expected"),
    [
        (
            paris(2023, 2, 14, 14, 30),
            paris(2023, 2, 14, 16),
            False,
            "mardi 14 février 2023, 14 h 30 – 16 h 00",
        ),
        # No end: a point in time.
        (paris(2023, 2, 14, 9), None, False, "mardi 14 février 2023, 9 h 00"),
        (
            paris(2023, 3, 1, 9, 30),
            paris(2023, 3, 1, 12),
            False,
            "mercredi 1er mars 2023, 9 h 30 – 12 h 00",
        ),
        (
            paris(2023, 2, 14, 9),
            paris(2023, 2, 16, 17),
            False,
            "du mardi 14 février 2023, 9 h 00 au jeudi 16 février 2023, 17 h 00",
        ),
        # Across the spring clock change: both hours are local ones.
        (
            paris(2023, 3, 25, 23),
            paris(2023, 3, 26, 4),
            False,
            "du samedi 25 mars 2023, 23 h 00 au dimanche 26 mars 2023, 4 h 00",
        ),
        (
            paris(2023, 2, 14),
            paris(2023, 2, 14),
            True,
            "mardi 14 février 2023 (toute la journée)",
        ),
        (
            paris(2023, 2, 14),
            paris(2023, 2, 16),
            True,
            "du mardi 14 au jeudi 16 février 2023",
        ),
        (
            paris(2023, 3, 1),
            paris(2023, 3, 2),
            True,
            "du mercredi 1er au jeudi 2 mars 2023",
        ),
        (
            paris(2023, 2, 28),
            paris(2023, 3, 1),
            True,
            "du mardi 28 février au mercredi 1er mars 2023",
        ),
        (
            paris(2023, 12, 31),
            paris(2024, 1, 1),
            True,
            "du dimanche 31 décembre 2023 au lundi 1er janvier 2024",
        ),
    ],
)
def test_dates_in_french(client, starts_at, ends_at, all_day, expected):
    event = EventFactory(starts_at=starts_at, ends_at=ends_at, all_day=all_day)

    page = html(client.get(event_url(event)))

    assert event.when == expected
    assert typeset(f"<dd>{expected[0].upper()}{expected[1:]}</dd>") in page


@pytest.mark.parametrize(
    ("day", "offset"),
    [((2023, 3, 26), "+02:00"), ((2023, 10, 29), "+01:00")],
)
def test_event_on_a_clock_change_day_shows_its_local_time(client, day, offset):
    event = EventFactory(starts_at=paris(*day, 10), ends_at=paris(*day, 12))

    response = client.get(event_url(event))

    assert typeset("10 h 00 – 12 h 00</dd>") in html(response)
    assert structured_data(response)["startDate"] == (
        f"{day[0]}-{day[1]:02d}-{day[2]:02d}T10:00:00{offset}"
    )


def test_cancelled_event_is_marked_and_offers_no_calendar_file(client):
    event = EventFactory(status=Event.Status.CANCELLED)

    page = html(client.get(event_url(event)))

    assert typeset("<strong>Annulé :</strong> ce rendez-vous n’aura pas lieu.") in page
    assert (
        typeset("<dd><del>Mardi 14 février 2023, 10 h 00 – 12 h 00</del></dd>") in page
    )
    assert "Ajouter à mon agenda</a>" not in inner(page, "main")


def test_postponed_event_is_marked(client):
    event = EventFactory(status=Event.Status.POSTPONED)

    page = html(client.get(event_url(event)))

    assert typeset("<strong>Reporté :</strong>") in page
    assert "Annulé" not in page


def test_scheduled_event_has_no_status_notice(client):
    event = EventFactory()

    page = html(client.get(event_url(event)))

    assert "Annulé" not in page
    assert "Reporté" not in page
    assert f'href="/agenda/evenements/{event.slug}.ics" download' in page


def test_markdown_description_is_rendered_and_scripts_neutralised(client):
    event = EventFactory(
        description="## Programme\n\n"
        "- Le cadre national\n- Trois villes témoignent\n\n"
        "<script>alert('programme')</script>\n\n"
        "[Inscription](javascript:alert(1)) "
        '<img src="x.png" onerror="alert(2)">'
    )

    page = html(client.get(event_url(event)))

    assert "<h2>Programme</h2>" in page
    assert "<li>Le cadre national</li>" in page
    assert "alert(" not in page
    assert "javascript:" not in page
    assert "onerror" not in page
    assert ">Inscription</a>" in page


def test_structured_data(client):
    event = EventFactory(
        title="Réunion plénière",
        starts_at=paris(2023, 2, 2, 9, 30),
        ends_at=paris(2023, 2, 2, 12),
        place="Visioconférence",
        summary="Point mensuel des villes adhérentes.",
    )

    data = structured_data(client.get(event_url(event)))

    assert data["@type"] == "Event"
    assert data["name"] == "Réunion plénière"
    assert data["startDate"] == "2023-02-02T09:30:00+01:00"
    assert data["endDate"] == "2023-02-02T12:00:00+01:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["location"]["name"] == "Visioconférence"
    assert data["description"] == "Point mensuel des villes adhérentes."
    assert data["url"].endswith(event_url(event))


def test_structured_data_of_a_cancelled_all_day_event(client):
    event = EventFactory(
        status=Event.Status.CANCELLED,
        all_day=True,
        starts_at=paris(2023, 2, 14),
        ends_at=paris(2023, 2, 15),
    )

    data = structured_data(client.get(event_url(event)))

    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["startDate"] == "2023-02-14"
    assert data["endDate"] == "2023-02-15"
    assert "location" not in data


def test_structured_data_cannot_close_its_script_tag(client):
    hostile = "</script><script>alert(1)</script> & <!--"
    event = EventFactory(title=hostile, summary=hostile)

    response = client.get(event_url(event))

    data = structured_data(response)
    assert data["name"] == hostile
    assert data["description"] == hostile
    block = json_ld(response)
    assert "<" not in block
    assert ">" not in block
    assert "<script>alert(1)" not in html(response)


@pytest.mark.parametrize(
    "values",
    [
        {"status": Event.Status.DRAFT},
        {"visibility": Event.Visibility.INTERNAL},
        {"status": Event.Status.PUBLISHED, "visibility": Event.Visibility.INTERNAL},
    ],
)
def test_drafts_and_internal_events_are_not_found_by_visitors(client, values):
    event = EventFactory(**values)

    response = client.get(event_url(event))

    assert response.status_code == 404
    assert event.title not in html(response)


def test_unknown_event_is_not_found(client):
    assert client.get("/agenda/evenements/inconnu/").status_code == 404


def test_staff_can_preview_a_draft(staff_client):
    event = EventFactory(title="Plénière à confirmer", status=Event.Status.DRAFT)

    response = staff_client.get(event_url(event))

    assert response.status_code == 200
    page = html(response)
    assert "<h1>Plénière à confirmer</h1>" in page
    assert (
        typeset("Aperçu réservé à l’équipe : cet événement est\n    un brouillon")
        in page
    )
    # Search engines are not told about it.
    assert "application/ld+json" not in page


def test_staff_can_preview_an_internal_event(staff_client):
    event = EventFactory(visibility=Event.Visibility.INTERNAL)

    page = html(staff_client.get(event_url(event)))

    assert "interne au réseau" in page


def test_public_rule_is_the_same_in_queries_and_in_python(db):
    """Event.public_condition() (queries) and Event.is_public (one event in
    hand) are one rule: they agree on every status and visibility."""
    for status in Event.Status:
        for visibility in Event.Visibility:
            EventFactory(status=status, visibility=visibility)
    public = set(Event.objects.public())
    assert public == {event for event in Event.objects.all() if event.is_public}
    assert {(e.status, e.visibility) for e in public} == {
        (status, Event.Visibility.PUBLIC) for status in Event.VISIBLE_STATUSES
    }


@pytest.mark.parametrize("status", [Event.Status.CANCELLED, Event.Status.POSTPONED])
def test_status_wording_comes_from_the_choices(client, status):
    starts_at = timezone.now() + dt.timedelta(days=3)
    event = EventFactory(title="Plénière", status=status, starts_at=starts_at)
    page = html(client.get(event.get_absolute_url()))
    feed = client.get(reverse("calendar:rss")).content.decode()
    assert event.status_flag == status.label
    assert typeset(f"<strong>{status.label} :</strong>") in page
    assert f"{status.label} : Plénière" in feed
