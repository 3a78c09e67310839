"""Reading the agenda pages as a visitor does."""

import datetime as dt
import json
import re


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
    table = html(response).split('<table class="month">', 1)[1].split("</table>")[0]
    for td in table.split("<td ")[1:]:
        if f'<time datetime="{day:%Y-%m-%d}">' in td:
            return td.split("</td>")[0]
    raise AssertionError(f"No cell for {day} in the grid.")


def month_list(response) -> str:
    """The HTML of the list of the month's events under the grid."""
    return (
        html(response).split('<section class="month-list"', 1)[1].split("</section>")[0]
    )


def structured_data(response) -> dict:
    """The JSON-LD block of an event page, parsed."""
    found = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', html(response), re.S
    )
    assert found, "No JSON-LD block on the page."
    return json.loads(found.group(1))
