"""The month grid: weeks of days, Monday first, each day with its events.

Plain code on a list of events already fetched: no queries here."""

import calendar
import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator

# A cell shows this many events; the rest are reached by a "+ N autres" link.
EVENTS_SHOWN_PER_DAY = 3
# The list under the grid shows this many entries a page (an event is an entry
# on each day it covers): a month of hundreds of events stays a small page.
LIST_ENTRIES_PER_PAGE = 50
# The grid's column headings, Monday first: (abbreviation, full name).
WEEKDAY_NAMES = [
    ("lun", "lundi"),
    ("mar", "mardi"),
    ("mer", "mercredi"),
    ("jeu", "jeudi"),
    ("ven", "vendredi"),
    ("sam", "samedi"),
    ("dim", "dimanche"),
]


@dataclass
class Day:
    date: dt.date
    in_month: bool
    is_today: bool = False
    events: list = field(default_factory=list)
    # Where its entries start in the list under the grid: their index in the
    # whole month's list, and the list's page that shows it.
    list_start: int = 0
    list_page: int = 1

    @property
    def shown_events(self) -> list:
        return self.events[:EVENTS_SHOWN_PER_DAY]

    @property
    def hidden_count(self) -> int:
        return max(0, len(self.events) - EVENTS_SHOWN_PER_DAY)


def events_by_day(events) -> dict[dt.date, list]:
    """Map each local date to the events covering it, in the given order."""
    by_day = defaultdict(list)
    for event in events:
        for day in event.days():
            by_day[day].append(event)
    return by_day


def month_weeks(first_day: dt.date, events, today: dt.date) -> list[list[Day]]:
    """Rows of seven days covering the month, with the neighbouring months'
    days that complete the first and last weeks."""
    by_day = events_by_day(events)
    weeks = [
        [
            Day(
                date=day,
                in_month=day.month == first_day.month,
                is_today=day == today,
                events=by_day.get(day, []),
            )
            for day in week
        ]
        for week in calendar.Calendar(calendar.MONDAY).monthdatescalendar(
            first_day.year, first_day.month
        )
    ]
    entries = 0
    for day in month_days_with_events(weeks):
        day.list_start = entries
        day.list_page = entries // LIST_ENTRIES_PER_PAGE + 1
        entries += len(day.events)
    return weeks


def month_days_with_events(weeks: list[list[Day]]) -> list[Day]:
    """The month's own days that have events, for the list under the grid."""
    return [day for week in weeks for day in week if day.in_month and day.events]


@dataclass
class ListedDay:
    """A day's part of one page of the list under the grid; `continued`: its
    first entries are on the page before."""

    day: Day
    events: list
    continued: bool


def month_list_page(days_with_events: list[Day], number) -> tuple[Page, list]:
    """The page `number` (as typed in the address: anything) of the list
    under the grid, and its days."""
    entries = [(day, event) for day in days_with_events for event in day.events]
    page = Paginator(entries, LIST_ENTRIES_PER_PAGE).get_page(number)
    first = page.start_index() - 1
    listed = []
    for day, group in itertools.groupby(page.object_list, key=lambda pair: pair[0]):
        events = [event for _day, event in group]
        listed.append(ListedDay(day, events, continued=day.list_start < first))
    return page, listed


def shift_month(first_day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` away (negative: earlier)."""
    index = first_day.year * 12 + first_day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)
