"""Reading the agenda pages as a visitor does."""

import datetime as dt
import json

from tests.markup import elements, inner, outer, start_tags


def html(response) -> str:
    return response.content.decode()


def titles_by_day(response) -> dict[dt.date, list[str]]:
    """The titles in each cell of the month grid, from the view's context."""
    return {
        day.date: [event.title for event in day.events]
        for week in response.context["weeks"]
        for day in week
    }


def cell(response, day: dt.date) -> str:
    """The HTML of the grid cell of this day."""
    table = inner(html(response), "table", class_="month")
    for td, content in elements(table, "td"):
        if f'<time datetime="{day:%Y-%m-%d}">' in content:
            return td
    raise AssertionError(f"No cell for {day} in the grid.")


def month_list(response) -> str:
    """The HTML of the list of the month's events under the grid."""
    return outer(html(response), "section", class_="month-list")


def day_list(response, day: dt.date) -> str:
    """The HTML of this day's list of events under the grid (the <ul> after
    its heading, whose id is the grid's "more" anchor)."""
    section = month_list(response)
    headings = [tag.get("id") for tag in start_tags(section, "h3")]
    lists = elements(section, "ul", class_="day-events")
    assert len(headings) == len(lists), "Each day's heading is followed by its list."
    return lists[headings.index(f"jour-{day:%Y-%m-%d}")][0]


def structured_data(response) -> dict:
    """The JSON-LD block of an event page, parsed."""
    return json.loads(json_ld(response))


def json_ld(response) -> str:
    """The source of the JSON-LD block of an event page."""
    return inner(html(response), "script", type="application/ld+json")
