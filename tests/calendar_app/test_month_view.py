"""The month page: /agenda/<year>/<month>/."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import escape

from calendar_app.demo import FEBRUARY_2023
from calendar_app.models import Event
from calendar_app.months import EVENTS_SHOWN_PER_DAY
from rfve_site.typography import french_html as typeset
from tests.calendar_app.pages import cell, day_list, html, titles_by_day
from tests.factories import EventFactory, EventTypeFactory, paris
from tests.shared_data import load_demo

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

JANUARY_URL = reverse_lazy("calendar:month", args=[2023, 1])
FEBRUARY_URL = reverse_lazy("calendar:month", args=[2023, 2])
MARCH_URL = reverse_lazy("calendar:month", args=[2023, 3])


def month_url(year: int, month: int) -> str:
    return reverse("calendar:month", args=[year, month])


def test_event_is_listed_on_its_day(client):
    EventFactory(title="Réunion plénière", starts_at=paris(2023, 2, 2, 9))

    response = client.get(FEBRUARY_URL)

    assert response.status_code == 200
    by_day = titles_by_day(response)
    assert by_day[dt.date(2023, 2, 2)] == ["Réunion plénière"]
    assert by_day[dt.date(2023, 2, 3)] == []
    assert "Réunion plénière" in cell(response, dt.date(2023, 2, 2))
    assert typeset('<span class="time">9 h 00</span>') in cell(
        response, dt.date(2023, 2, 2)
    )
    assert "Réunion plénière" not in cell(response, dt.date(2023, 2, 3))


def test_grid_of_february_2023_runs_from_january_30_to_march_5(client):
    response = client.get(FEBRUARY_URL)

    weeks = response.context["weeks"]
    assert len(weeks) == 5
    assert weeks[0][0].date == dt.date(2023, 1, 30)
    assert weeks[-1][-1].date == dt.date(2023, 3, 5)
    assert "<h1>Agenda de février 2023</h1>" in html(response)


def test_grid_of_a_leap_february_shows_the_29th(client):
    response = client.get(month_url(2024, 2))

    assert '<time datetime="2024-02-29">' in html(response)
    assert "jeudi 29 février 2024" in cell(response, dt.date(2024, 2, 29))


def test_grid_of_a_six_week_month(client):
    response = client.get(month_url(2023, 7))

    assert len(response.context["weeks"]) == 6
    assert html(response).count("<tr>") == 7  # the weekday names, then six weeks
    assert '<time datetime="2023-06-26">' in html(response)
    assert '<time datetime="2023-08-06">' in html(response)


def test_seed_events_are_on_their_days(client):
    load_demo()

    response = client.get(FEBRUARY_URL)

    by_day = titles_by_day(response)
    assert len(FEBRUARY_2023) == 4
    for start, _end, title, _type in FEBRUARY_2023:
        day = dt.date.fromisoformat(start[:10])
        assert title in by_day[day]
        assert escape(title) in cell(response, day)
        assert [other for other in by_day if title in by_day[other]] == [day]
    assert by_day[dt.date(2023, 2, 14)] == [
        "Rencontre avec le cabinet d’Olivier Klein",
        "Groupe de travail petite enfance – avec Elisabeth Laithier",
    ]


def test_multi_day_event_is_on_every_day_it_covers(client):
    EventFactory(
        title="Séminaire",
        starts_at=paris(2023, 2, 14, 9),
        ends_at=paris(2023, 2, 16, 17),
    )

    response = client.get(FEBRUARY_URL)

    by_day = titles_by_day(response)
    covered = [day for day, titles in by_day.items() if "Séminaire" in titles]
    assert covered == [dt.date(2023, 2, 14), dt.date(2023, 2, 15), dt.date(2023, 2, 16)]
    assert "Séminaire" in cell(response, dt.date(2023, 2, 15))
    # The start time is shown on the first day only.
    assert typeset("9 h 00") in cell(response, dt.date(2023, 2, 14))
    assert "9 h 00" not in cell(response, dt.date(2023, 2, 15))


def test_all_day_event_is_stored_from_local_midnight_to_local_midnight():
    event = EventFactory(
        all_day=True, starts_at=paris(2023, 2, 27, 15), ends_at=paris(2023, 3, 2, 9)
    )

    event.refresh_from_db()
    assert event.starts_at == paris(2023, 2, 27, 0)
    assert event.ends_at == paris(2023, 3, 2, 0)


def test_all_day_event_across_months_is_on_each_day_of_both_grids(client):
    EventFactory(
        title="Rencontres nationales",
        all_day=True,
        starts_at=paris(2023, 2, 27),
        ends_at=paris(2023, 3, 2),
    )

    february = titles_by_day(client.get(FEBRUARY_URL))
    march_response = client.get(MARCH_URL)
    march = titles_by_day(march_response)

    assert february[dt.date(2023, 2, 26)] == []
    assert february[dt.date(2023, 2, 27)] == ["Rencontres nationales"]
    assert february[dt.date(2023, 2, 28)] == ["Rencontres nationales"]
    assert march[dt.date(2023, 3, 1)] == ["Rencontres nationales"]
    assert march[dt.date(2023, 3, 2)] == ["Rencontres nationales"]
    assert march[dt.date(2023, 3, 3)] == []
    # No hour in the cell of an all-day event.
    assert "Rencontres nationales" in cell(march_response, dt.date(2023, 3, 2))
    assert 'class="time"' not in cell(march_response, dt.date(2023, 3, 2))


def test_one_day_all_day_event_is_on_that_day_only(client):
    EventFactory(
        title="Journée d’étude",
        all_day=True,
        starts_at=paris(2023, 2, 14),
        ends_at=paris(2023, 2, 14),
    )

    by_day = titles_by_day(client.get(FEBRUARY_URL))

    assert [day for day, titles in by_day.items() if titles] == [dt.date(2023, 2, 14)]


def test_event_ending_at_midnight_sharp_is_not_on_the_next_day(client):
    EventFactory(
        title="Soirée", starts_at=paris(2023, 2, 14, 20), ends_at=paris(2023, 2, 15)
    )

    response = client.get(FEBRUARY_URL)

    assert titles_by_day(response)[dt.date(2023, 2, 14)] == ["Soirée"]
    assert titles_by_day(response)[dt.date(2023, 2, 15)] == []
    assert "Soirée" not in cell(response, dt.date(2023, 2, 15))


def test_event_ending_at_midnight_on_the_first_leaves_next_month_empty(client):
    EventFactory(
        title="Soirée de clôture",
        starts_at=paris(2023, 2, 28, 20),
        ends_at=paris(2023, 3, 1),
    )

    response = client.get(MARCH_URL)

    assert "Soirée de clôture" not in html(response)
    assert "Aucun rendez-vous en mars 2023." in html(response)


def test_late_event_on_the_last_day_of_a_month_stays_in_that_month(client):
    # Months begin at midnight Paris time (23:00 UTC the day before in winter).
    EventFactory(
        title="Réunion tardive",
        starts_at=paris(2023, 1, 31, 23, 30),
        ends_at=paris(2023, 1, 31, 23, 59),
    )

    january = client.get(JANUARY_URL)
    february = client.get(FEBRUARY_URL)

    assert titles_by_day(january)[dt.date(2023, 1, 31)] == ["Réunion tardive"]
    assert titles_by_day(january)[dt.date(2023, 2, 1)] == []
    assert typeset("23 h 30") in cell(january, dt.date(2023, 1, 31))
    assert "Réunion tardive" not in html(february)
    assert "Aucun rendez-vous en février 2023." in html(february)


def test_event_just_after_midnight_on_the_first_is_in_the_new_month(client):
    # 00:15 to 00:45 in Paris on February 1 is still January 31 in UTC.
    EventFactory(
        title="Réunion matinale",
        starts_at=paris(2023, 2, 1, 0, 15),
        ends_at=paris(2023, 2, 1, 0, 45),
    )

    january = client.get(JANUARY_URL)
    february = client.get(FEBRUARY_URL)

    assert titles_by_day(february)[dt.date(2023, 2, 1)] == ["Réunion matinale"]
    assert typeset("0 h 15") in cell(february, dt.date(2023, 2, 1))
    assert "Réunion matinale" not in html(january)


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (dt.date(2023, 3, 26), 8),  # clocks go forward at 2:00: UTC+2
        (dt.date(2023, 10, 29), 9),  # clocks go back at 3:00: UTC+1
    ],
)
def test_event_on_a_clock_change_day_shows_its_local_time(client, day, utc_hour):
    event = EventFactory(
        title="Rendez-vous du dimanche",
        starts_at=paris(day.year, day.month, day.day, 10),
    )

    response = client.get(month_url(day.year, day.month))

    event.refresh_from_db()
    assert event.starts_at.astimezone(dt.UTC).hour == utc_hour
    assert titles_by_day(response)[day] == ["Rendez-vous du dimanche"]
    assert typeset('<span class="time">10 h 00</span>') in cell(response, day)
    assert "Rendez-vous du dimanche" not in cell(response, day - dt.timedelta(1))


@pytest.mark.parametrize(
    "path",
    [
        "/agenda/2023/13/",
        "/agenda/2023/0/",
        "/agenda/1899/12/",
        "/agenda/2101/01/",
        "/agenda/abc/01/",
        "/agenda/2023/abc/",
        "/agenda/99999999999999999999/1/",
        "/agenda/2026/2147483648/",
        "/agenda/2147483648/01/",
        "/agenda/archives/0/",
        "/agenda/archives/3000/",
        "/agenda/archives/1899/",
    ],
)
def test_invalid_dates_are_not_found(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "Page introuvable" in html(response)


def test_a_month_has_one_address_with_two_digits(client):
    assert month_url(2027, 1) == "/agenda/2027/01/"
    assert month_url(2026, 12) == "/agenda/2026/12/"


@pytest.mark.parametrize(
    ("path", "canonical"),
    [
        ("/agenda/2027/1/", "/agenda/2027/01/"),
        ("/agenda/2027/001/", "/agenda/2027/01/"),
        ("/agenda/2027/1/?type=webinaire", "/agenda/2027/01/?type=webinaire"),
    ],
)
def test_other_spellings_of_a_month_redirect_to_its_address(client, path, canonical):
    response = client.get(path)

    assert response.status_code == 301
    assert response["Location"] == canonical


def test_the_month_links_use_the_canonical_address(client):
    response = client.get(month_url(2026, 12))

    assert 'href="/agenda/2027/01/"' in html(response)
    assert 'href="/agenda/2026/11/"' in html(response)


def test_first_and_last_months_of_the_agenda_exist(client):
    first = client.get(month_url(1900, 1))
    last = client.get(month_url(2100, 12))

    assert first.status_code == 200
    assert 'rel="prev"' not in html(first)
    assert 'rel="next"' in html(first)
    assert last.status_code == 200
    assert 'rel="next"' not in html(last)
    assert 'rel="prev"' in html(last)


def test_previous_and_next_month_links(client):
    EventFactory(starts_at=paris(2023, 2, 14, 10))

    response = client.get(FEBRUARY_URL)

    page = html(response)
    assert f'<a rel="prev" href="{month_url(2023, 1)}">' in page
    assert f'<a rel="next" href="{month_url(2023, 3)}">' in page
    assert "janvier 2023" in page
    assert "mars 2023" in page


def test_previous_and_next_links_cross_years(client):
    page = html(client.get(month_url(2023, 1)))

    assert f'<a rel="prev" href="{month_url(2022, 12)}">' in page
    assert f'<a rel="next" href="{month_url(2023, 2)}">' in page


def test_month_without_events_says_so_and_points_to_the_next_event(client):
    soon = timezone.localtime() + dt.timedelta(days=10)
    EventFactory(title="Prochaine plénière", slug="prochaine-pleniere", starts_at=soon)

    response = client.get(month_url(2023, 5))

    page = html(response)
    assert "Aucun rendez-vous en mai 2023." in page
    assert f'<a rel="prev" href="{month_url(2023, 4)}">' in page
    assert f'<a rel="next" href="{month_url(2023, 6)}">' in page
    assert "Prochain rendez-vous" in page
    assert 'href="/agenda/evenements/prochaine-pleniere/"' in page
    assert f'href="{month_url(soon.year, soon.month)}"' in page


def test_type_filter_narrows_the_grid_and_is_kept_in_links(client):
    audience = EventTypeFactory(name="Audience", slug="audience")
    EventFactory(title="Audience au ministère", event_type=audience)
    EventFactory(title="Groupe de travail numérique")

    response = client.get(FEBRUARY_URL, {"type": "audience"})

    assert titles_by_day(response)[dt.date(2023, 2, 14)] == ["Audience au ministère"]
    page = html(response)
    assert "Groupe de travail numérique" not in page
    assert f'<a rel="prev" href="{month_url(2023, 1)}?type=audience">' in page
    assert f'<a rel="next" href="{month_url(2023, 3)}?type=audience">' in page
    assert "Retirer les filtres" in page


def test_type_filter_with_no_event_that_month(client):
    EventTypeFactory(name="Webinaire", slug="webinaire")
    EventFactory(title="Groupe de travail numérique")

    page = html(client.get(FEBRUARY_URL, {"type": "webinaire"}))

    assert "Groupe de travail numérique" not in page
    assert "Aucun rendez-vous (Webinaire) en février 2023." in page


@pytest.mark.parametrize("value", ["inconnu", "<script>", "1 OR 1=1", "\x00", ""])
def test_unknown_type_filters_nothing(client, value):
    EventFactory(title="Groupe de travail numérique")

    response = client.get(FEBRUARY_URL, {"type": value})

    assert response.status_code == 200
    assert "Groupe de travail numérique" in cell(response, dt.date(2023, 2, 14))
    assert f'<a rel="next" href="{month_url(2023, 3)}">' in html(response)


def test_more_link_when_a_day_has_too_many_events(client):
    count = EVENTS_SHOWN_PER_DAY + 2
    for hour in range(count):
        EventFactory(
            title=f"Rendez-vous de {9 + hour} h", starts_at=paris(2023, 2, 14, 9 + hour)
        )

    response = client.get(FEBRUARY_URL)

    day = cell(response, dt.date(2023, 2, 14))
    assert day.count("<li ") == EVENTS_SHOWN_PER_DAY
    assert typeset("Rendez-vous de 9 h") in day
    assert typeset(f"Rendez-vous de {9 + count - 1} h") not in day
    assert '<a class="more" href="#jour-2023-02-14">+ 2 autres' in day
    # The anchor leads to the day in the list, which has them all.
    listed = day_list(response, dt.date(2023, 2, 14))
    assert listed.count("<li ") == count
    assert typeset(f"Rendez-vous de {9 + count - 1} h") in listed


def test_more_link_singular(client):
    EventFactory.create_batch(EVENTS_SHOWN_PER_DAY + 1)

    day = cell(client.get(FEBRUARY_URL), dt.date(2023, 2, 14))

    assert "+ 1 autre<" in day


def test_no_more_link_when_every_event_fits(client):
    EventFactory.create_batch(EVENTS_SHOWN_PER_DAY)

    day = cell(client.get(FEBRUARY_URL), dt.date(2023, 2, 14))

    assert day.count("<li ") == EVENTS_SHOWN_PER_DAY
    assert 'class="more"' not in day


def create_february_events(count: int):
    """Many events spread over February, in one INSERT."""
    event_type = EventTypeFactory()
    Event.objects.bulk_create(
        EventFactory.build(
            event_type=event_type,
            starts_at=paris(2023, 2, 1 + n % 28, 8 + n % 12),
        )
        for n in range(count)
    )


# The page's data version (rfve_site/page_cache.py), events (with their type,
# joined), then the types and the working groups of the filter menus; plus the
# header's and footer's: their data's version, then the menu pages and the
# settings when the cache is cold (pages.chrome).
MONTH_QUERIES = 1 + 3 + 3


@pytest.mark.parametrize("count", [5, 500])
def test_query_count_does_not_grow_with_events(
    client, django_assert_max_num_queries, count
):
    create_february_events(count)

    with django_assert_max_num_queries(MONTH_QUERIES):
        response = client.get(FEBRUARY_URL)

    shown = sum(len(titles) for titles in titles_by_day(response).values())
    assert shown == count


def test_query_count_is_the_same_for_5_and_500_events(client):
    create_february_events(4)
    client.get(FEBRUARY_URL)  # warms the header and footer cache
    create_february_events(1)  # the page itself is rendered again
    with CaptureQueriesContext(connection) as few:
        client.get(FEBRUARY_URL)
    create_february_events(495)
    with CaptureQueriesContext(connection) as many:
        response = client.get(FEBRUARY_URL)

    shown = sum(len(titles) for titles in titles_by_day(response).values())
    assert shown == 500
    assert len(few) == len(many)
    assert len(many) <= MONTH_QUERIES - 2  # the cache is warm


def test_drafts_and_internal_events_are_not_on_the_month_page(client):
    EventFactory(title="Brouillon secret", status=Event.Status.DRAFT)
    EventFactory(title="Réunion interne", visibility=Event.Visibility.INTERNAL)
    EventFactory(title="Plénière publique")

    response = client.get(FEBRUARY_URL)

    assert titles_by_day(response)[dt.date(2023, 2, 14)] == ["Plénière publique"]
    assert "Brouillon secret" not in html(response)
    assert "Réunion interne" not in html(response)


def test_drafts_are_not_proposed_as_the_next_event(client):
    soon = timezone.localtime() + dt.timedelta(days=3)
    EventFactory(title="Brouillon secret", starts_at=soon, status=Event.Status.DRAFT)

    page = html(client.get(month_url(2023, 5)))

    assert "Brouillon secret" not in page
    assert "Prochain rendez-vous" not in page


def test_cancelled_and_postponed_events_stay_on_the_grid_marked(client):
    EventFactory(title="Bureau annulé", status=Event.Status.CANCELLED)
    EventFactory(
        title="Bureau reporté",
        status=Event.Status.POSTPONED,
        starts_at=paris(2023, 2, 15, 18),
    )

    response = client.get(FEBRUARY_URL)

    cancelled = cell(response, dt.date(2023, 2, 14))
    postponed = cell(response, dt.date(2023, 2, 15))
    assert "Bureau annulé" in cancelled
    assert '<strong class="badge badge-cancelled">Annulé</strong>' in cancelled
    assert "Bureau reporté" in postponed
    assert '<strong class="badge badge-postponed">Reporté</strong>' in postponed


def test_current_month_page(client, today):
    response = client.get(reverse("calendar:current-month"))

    assert response.status_code == 200
    assert response.context["first_day"] == today.replace(day=1)
    assert 'aria-current="date"' in cell(response, today)
