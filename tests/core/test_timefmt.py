"""Event times read the way people say them: "Tuesday 1 December, 7pm – 9pm"."""

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone

from tests.factories import make_event, make_group
from turnout.core.timefmt import clock, when

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def _day_text(day: dt.date) -> str:
    """How ``when`` names a day: the year only when it is not this year."""
    text = f"{day:%A} {day.day} {day:%B}"
    return f"{text} {day.year}" if day.year != timezone.now().year else text


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [
        (19, 0, "7pm"),
        (19, 30, "7:30pm"),
        (12, 0, "12pm"),
        (0, 0, "12am"),
        (0, 5, "12:05am"),
        (9, 0, "9am"),
        (11, 59, "11:59am"),
        (23, 45, "11:45pm"),
    ],
)
def test_clock_says_the_hour_the_english_way(hour, minute, expected):
    assert clock(_at(dt.date(2026, 6, 9), hour, minute)) == expected


def test_when_this_year_gives_weekday_day_month_and_hours():
    day = dt.date(timezone.now().year, 12, 1)

    text = when(_at(day, 19), _at(day, 21))

    assert text == f"{day:%A} 1 December, 7pm – 9pm"


def test_when_a_week_from_now_shows_the_year_only_if_it_is_another_year():
    day = timezone.now().date() + dt.timedelta(days=7)

    text = when(_at(day, 19, 30), _at(day, 21))

    assert text == f"{_day_text(day)}, 7:30pm – 9pm"


def test_when_in_another_year_shows_the_year():
    day = dt.date(2020, 12, 1)

    text = when(_at(day, 19), _at(day, 21))

    assert text == "Tuesday 1 December 2020, 7pm – 9pm"


def test_when_next_year_shows_the_year():
    day = dt.date(timezone.now().year + 1, 6, 1)

    text = when(_at(day, 12), _at(day, 14, 30))

    assert text == f"{day:%A} 1 June {day.year}, 12pm – 2:30pm"


def test_when_from_noon_to_midnight():
    day = dt.date(2020, 12, 1)

    text = when(_at(day, 12), _at(day, 23, 59))

    assert text == "Tuesday 1 December 2020, 12pm – 11:59pm"


def test_when_over_several_days_names_both_days():
    start, end = dt.date(2020, 12, 1), dt.date(2020, 12, 2)

    text = when(_at(start, 19), _at(end, 0))

    assert text == "Tuesday 1 December 2020, 7pm – Wednesday 2 December 2020, 12am"


def test_when_over_several_days_this_year_leaves_out_the_year():
    start = dt.date(timezone.now().year, 3, 1)
    end = start + dt.timedelta(days=2)

    text = when(_at(start, 10), _at(end, 16))

    assert text == f"{start:%A} 1 March, 10am – {end:%A} 3 March, 4pm"


def test_when_with_a_zone_label_appends_it():
    day = dt.date(2020, 12, 1)

    text = when(_at(day, 19), _at(day, 21), zone_label="Europe/Kyiv")

    assert text == "Tuesday 1 December 2020, 7pm – 9pm (Europe/Kyiv)"


def _render_event_when(event) -> str:
    return Template("{% load turnout %}{% event_when event %}").render(Context({"event": event}))


def test_event_when_tag_names_the_zone_of_the_group_too(db):
    """Issue 19: a visitor from abroad needs the zone whatever the group's is."""
    group = make_group(time_zone="Europe/London")
    event = make_event(group=group, start_date=dt.date(2020, 12, 1))

    assert _render_event_when(event) == "Tuesday 1 December 2020, 7pm – 9pm London time"


def test_event_when_tag_names_a_zone_other_than_the_group_s(db):
    group = make_group(time_zone="Europe/London")
    event = make_event(
        group=group,
        start_date=dt.date(2020, 12, 1),
        start_time=dt.time(18, 30),
        end_time=dt.time(20, 0),
        time_zone="America/New_York",
    )

    assert _render_event_when(event) == ("Tuesday 1 December 2020, 6:30pm – 8pm New York time")
