"""The month grid as plain code: months.py, without HTTP or database."""

import datetime as dt

import pytest

from calendar_app.months import (
    EVENTS_SHOWN_PER_DAY,
    Day,
    events_by_day,
    month_days_with_events,
    month_weeks,
    shift_month,
)
from tests.factories import EventFactory, paris

pytestmark = pytest.mark.dates

# A day in none of the months below: no cell is "today".
ELSEWHERE = dt.date(2000, 1, 1)


def grid(year: int, month: int, events=(), today=ELSEWHERE):
    return month_weeks(dt.date(year, month, 1), list(events), today)


def test_february_2023_starts_on_wednesday_in_five_monday_first_rows():
    weeks = grid(2023, 2)

    assert len(weeks) == 5
    assert all(len(week) == 7 for week in weeks)
    assert all(week[0].date.weekday() == 0 for week in weeks)  # Monday first
    assert weeks[0][0].date == dt.date(2023, 1, 30)
    assert weeks[0][2].date == dt.date(2023, 2, 1)  # a Wednesday
    assert weeks[-1][-1].date == dt.date(2023, 3, 5)


def test_days_outside_the_month_complete_the_weeks():
    days = [day for week in grid(2023, 2) for day in week]

    outside = [day.date for day in days if not day.in_month]
    assert outside == [
        dt.date(2023, 1, 30),
        dt.date(2023, 1, 31),
        *(dt.date(2023, 3, n) for n in range(1, 6)),
    ]
    inside = [day.date for day in days if day.in_month]
    assert inside == [dt.date(2023, 2, n) for n in range(1, 29)]


def test_leap_february_has_29_days():
    weeks = grid(2024, 2)

    inside = [day.date for week in weeks for day in week if day.in_month]
    assert len(inside) == 29
    assert inside[-1] == dt.date(2024, 2, 29)
    assert weeks[0][0].date == dt.date(2024, 1, 29)
    assert weeks[-1][-1].date == dt.date(2024, 3, 3)


@pytest.mark.parametrize(
    ("year", "month", "first", "last"),
    [
        (2023, 7, dt.date(2023, 6, 26), dt.date(2023, 8, 6)),
        (2023, 10, dt.date(2023, 9, 25), dt.date(2023, 11, 5)),
    ],
)
def test_month_spanning_six_weeks(year, month, first, last):
    weeks = grid(year, month)

    assert len(weeks) == 6
    assert weeks[0][0].date == first
    assert weeks[-1][-1].date == last


def test_today_is_marked_once():
    days = [day for week in grid(2023, 2, today=dt.date(2023, 2, 14)) for day in week]

    assert [day.date for day in days if day.is_today] == [dt.date(2023, 2, 14)]


def test_no_day_is_today_in_another_month():
    days = [day for week in grid(2023, 2, today=dt.date(2023, 6, 1)) for day in week]

    assert not any(day.is_today for day in days)


def test_events_are_put_in_the_cell_of_their_local_day():
    # 23:30 in Paris is 22:30 UTC the same day in winter, 21:30 UTC in summer.
    late = EventFactory.build(
        title="Tard", starts_at=paris(2023, 2, 14, 23, 30), ends_at=None
    )
    late.normalise_dates()
    by_date = {day.date: day.events for week in grid(2023, 2, [late]) for day in week}

    assert by_date[dt.date(2023, 2, 14)] == [late]
    assert by_date[dt.date(2023, 2, 15)] == []


def test_multi_day_event_is_on_each_day_it_covers():
    seminar = EventFactory.build(
        starts_at=paris(2023, 2, 27, 9), ends_at=paris(2023, 3, 1, 17)
    )

    assert sorted(events_by_day([seminar])) == [
        dt.date(2023, 2, 27),
        dt.date(2023, 2, 28),
        dt.date(2023, 3, 1),
    ]


def test_event_ending_at_midnight_sharp_is_not_on_the_next_day():
    evening = EventFactory.build(
        starts_at=paris(2023, 2, 14, 20), ends_at=paris(2023, 2, 15, 0)
    )

    assert list(events_by_day([evening])) == [dt.date(2023, 2, 14)]


def test_event_at_midnight_sharp_without_duration_is_on_its_day():
    point = EventFactory.build(starts_at=paris(2023, 2, 15, 0), ends_at=None)
    point.normalise_dates()

    assert list(events_by_day([point])) == [dt.date(2023, 2, 15)]


def test_day_shows_a_limited_number_of_events():
    events = [object() for _ in range(EVENTS_SHOWN_PER_DAY + 2)]
    day = Day(date=dt.date(2023, 2, 14), in_month=True, events=events)

    assert day.shown_events == events[:EVENTS_SHOWN_PER_DAY]
    assert day.hidden_count == 2


def test_day_with_few_events_hides_none():
    day = Day(date=dt.date(2023, 2, 14), in_month=True, events=[object()])

    assert day.hidden_count == 0


def test_list_under_the_grid_keeps_only_the_months_days_with_events():
    before = EventFactory.build(
        starts_at=paris(2023, 1, 30, 9), ends_at=paris(2023, 2, 1, 12)
    )
    weeks = grid(2023, 2, [before])

    assert [day.date for day in month_days_with_events(weeks)] == [dt.date(2023, 2, 1)]


@pytest.mark.parametrize(
    ("first_day", "months", "expected"),
    [
        (dt.date(2023, 2, 1), 1, dt.date(2023, 3, 1)),
        (dt.date(2023, 2, 1), -1, dt.date(2023, 1, 1)),
        (dt.date(2023, 1, 1), -1, dt.date(2022, 12, 1)),
        (dt.date(2023, 12, 1), 1, dt.date(2024, 1, 1)),
        (dt.date(2023, 12, 1), -12, dt.date(2022, 12, 1)),
    ],
)
def test_shift_month(first_day, months, expected):
    assert shift_month(first_day, months) == expected
