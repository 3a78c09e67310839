"""A month of 800 events: the grid shows three a day and "+ N autres", the
list under it comes in pages, so the page stays small and its queries few."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import Event
from calendar_app.months import EVENTS_SHOWN_PER_DAY, LIST_ENTRIES_PER_PAGE
from tests.calendar_app.pages import cell, html, month_list
from tests.factories import EventFactory, EventTypeFactory, paris
from tests.markup import elements, start_tags

pytestmark = pytest.mark.django_db

DENSE = 800
FEBRUARY_URL = reverse("calendar:month", args=(2023, 2))
# The page's data version, the events, the filter menus' types and groups,
# the header's and footer's version, menu pages and settings (cold cache).
MONTH_QUERIES = 1 + 3 + 3
# Three events a day in the grid and one page of the list: about 40 kB (all
# 800 listed under the grid weighed over 200 kB).
DENSE_PAGE_BYTES = 50_000


def create_events(year: int, month: int, count: int, event_type=None) -> None:
    """`count` events over the first 28 days of the month, in one INSERT."""
    event_type = event_type or EventTypeFactory()
    Event.objects.bulk_create(
        EventFactory.build(
            title=f"Rendez-vous {n}",
            event_type=event_type,
            starts_at=paris(year, month, 1 + n % 28, 8 + n % 12, n % 60),
        )
        for n in range(count)
    )


def more_links(page: str) -> dict[dt.date, str]:
    """The "+ N autres" links of the grid, by day."""
    links = {}
    for tag in start_tags(page, "a"):
        if tag.get("class") == "more":
            day = dt.date.fromisoformat(tag["href"].rsplit("#jour-", 1)[1])
            links[day] = tag["href"]
    return links


def listed_entries(response) -> int:
    return sum(
        content.count("<li ")
        for _tag, content in elements(month_list(response), "ul", class_="day-events")
    )


def test_dense_month_page_is_small_and_its_queries_few(
    client, django_assert_max_num_queries
):
    create_events(2023, 2, DENSE)

    with django_assert_max_num_queries(MONTH_QUERIES):
        response = client.get(FEBRUARY_URL)

    assert response.status_code == 200
    assert len(response.content) < DENSE_PAGE_BYTES, len(response.content)
    assert cell(response, dt.date(2023, 2, 14)).count("<li ") == EVENTS_SHOWN_PER_DAY
    assert listed_entries(response) == LIST_ENTRIES_PER_PAGE
    assert "Page 1 sur 16" in html(response)


def test_every_event_of_a_dense_month_is_on_a_page_of_the_list(client):
    create_events(2023, 2, DENSE)
    pages = [client.get(FEBRUARY_URL, {"page": n}) for n in range(1, 17)]

    listed = [listed_entries(page) for page in pages]

    assert sum(listed) == DENSE
    assert max(listed) == LIST_ENTRIES_PER_PAGE
    # A day cut by a page break goes on under its heading, "(suite)".
    assert "(suite)</h3>" in html(pages[1])


def test_more_links_lead_to_the_list_page_where_the_day_starts(client):
    create_events(2023, 2, DENSE)
    page = html(client.get(FEBRUARY_URL))

    links = more_links(page)

    assert len(links) == 28
    assert links[dt.date(2023, 2, 1)] == "#jour-2023-02-01"
    assert links[dt.date(2023, 2, 28)] == "?page=16#jour-2023-02-28"
    for day, href in links.items():
        target = html(client.get(FEBRUARY_URL + href.split("#")[0]))
        heading = f'<h3 id="jour-{day:%Y-%m-%d}">'
        assert heading in target, href
        # The day's first event follows its heading.
        first = target.split(heading, 1)[1].split("</ul>", 1)[0]
        assert first.count("<li ") >= 1


def test_more_links_keep_the_filter(client):
    webinar = EventTypeFactory(name="Webinaire", slug="webinaire")
    create_events(2023, 2, DENSE, event_type=webinar)

    links = more_links(html(client.get(FEBRUARY_URL, {"type": "webinaire"})))

    assert links[dt.date(2023, 2, 1)] == "?type=webinaire#jour-2023-02-01"
    assert links[dt.date(2023, 2, 28)] == "?type=webinaire&page=16#jour-2023-02-28"


def test_an_out_of_range_list_page_is_the_last_one(client):
    create_events(2023, 2, 60)

    for value in ("99", "abc", "-1"):
        response = client.get(FEBRUARY_URL, {"page": value})
        assert response.status_code == 200


def test_home_more_links_lead_to_the_month_list(client):
    """Whatever today is: the events are on the 1st to the 28th."""
    today = timezone.localdate()
    create_events(today.year, today.month, DENSE)
    month_url = reverse("calendar:current-month")

    response = client.get(reverse("home"))

    assert len(response.content) < DENSE_PAGE_BYTES
    links = more_links(html(response))
    last = dt.date(today.year, today.month, 28)
    assert links[last] == f"{month_url}?page=16#jour-{last:%Y-%m-%d}"
    target = client.get(urlsplit(links[last]).path, {"page": 16})
    assert f'<h3 id="jour-{last:%Y-%m-%d}">' in html(target)
