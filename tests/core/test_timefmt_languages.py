"""Dates and times in each language's own form, from formats the catalogues translate
(issue 18): "вівторок, 8 грудня, 19:00", "الثلاثاء 8 ديسمبر، 7:00 م", "Tuesday 8 December,
7pm"."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import timezone, translation

from tests.factories import make_event, make_group
from turnout.core import timefmt
from turnout.events import services as events

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def _first_tuesday_of_december() -> dt.date:
    """A Tuesday in December of this year, so that no year is shown."""
    first = dt.date(timezone.now().year, 12, 1)
    return first + dt.timedelta(days=(1 - first.weekday()) % 7)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Tuesday {d} December, 7pm – 9pm"),
        ("uk", "вівторок, {d} грудня, 19:00 – 21:00"),
        ("ar", "الثلاثاء {d} ديسمبر، 7:00 م – 9:00 م"),
    ],
)
def test_when_this_year_in_each_language(language, expected):
    day = _first_tuesday_of_december()

    with translation.override(language):
        text = timefmt.when(_at(day, 19), _at(day, 21))

    assert text == expected.format(d=day.day)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Tuesday {d} December, 7:30pm"),
        ("uk", "вівторок, {d} грудня, 19:30"),
        ("ar", "الثلاثاء {d} ديسمبر، 7:30 م"),
    ],
)
def test_a_hold_expiry_moment_in_each_language(language, expected):
    day = _first_tuesday_of_december()

    with translation.override(language):
        text = timefmt.moment(_at(day, 19, 30), "Europe/London")

    assert text == expected.format(d=day.day)


@pytest.mark.parametrize(
    ("language", "noon", "midnight", "morning"),
    [
        ("en", "12pm", "12am", "9:05am"),
        ("uk", "12:00", "00:00", "09:05"),
        ("ar", "12:00 م", "12:00 ص", "9:05 ص"),
    ],
)
def test_noon_midnight_and_a_morning_in_each_language(language, noon, midnight, morning):
    day = dt.date(2026, 6, 9)

    with translation.override(language):
        said = [
            timefmt.clock(_at(day, 12)),
            timefmt.clock(_at(day, 0)),
            timefmt.clock(_at(day, 9, 5)),
        ]

    assert said == [noon, midnight, morning]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Thursday 31 December 2020, 10pm – Friday 1 January 2021, 2am"),
        ("uk", "четвер, 31 грудня 2020, 22:00 – п’ятниця, 1 січня 2021, 02:00"),
        ("ar", "الخميس 31 ديسمبر 2020، 10:00 م – الجمعة 1 يناير 2021، 2:00 ص"),
    ],
)
def test_a_night_over_the_year_boundary_in_each_language(language, expected):
    with translation.override(language):
        text = timefmt.when(_at(dt.date(2020, 12, 31), 22), _at(dt.date(2021, 1, 1), 2))

    assert text == expected


def test_over_the_new_year_from_this_year_both_days_name_their_year():
    year = timezone.now().year
    start, end = _at(dt.date(year, 12, 31), 22), _at(dt.date(year + 1, 1, 1), 2)

    with translation.override("en"):
        text = timefmt.when(start, end)

    assert text == f"{start:%A} 31 December {year}, 10pm – {end:%A} 1 January {year + 1}, 2am"


@pytest.mark.parametrize(
    ("language", "one_day", "several_days"),
    [
        (
            "en",
            "Saturday 5 December 2020, all day",
            "Thursday 31 December 2020 – Saturday 2 January 2021, all day",
        ),
        (
            "uk",
            "субота, 5 грудня 2020, увесь день",
            "четвер, 31 грудня 2020 – субота, 2 січня 2021, увесь день",
        ),
        (
            "ar",
            "السبت 5 ديسمبر 2020، طوال اليوم",
            "الخميس 31 ديسمبر 2020 – السبت 2 يناير 2021، طوال اليوم",
        ),
    ],
)
def test_all_day_meetings_in_each_language(language, one_day, several_days):
    with translation.override(language):
        said = [
            timefmt.all_day(dt.date(2020, 12, 5), dt.date(2020, 12, 6)),
            timefmt.all_day(dt.date(2020, 12, 31), dt.date(2021, 1, 3)),
        ]

    assert said == [one_day, several_days]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Tuesday 1 December 2020, 6:30pm – 8pm New York time"),
        ("uk", "вівторок, 1 грудня 2020, 18:30 – 20:00 (час: New York)"),
        ("ar", "الثلاثاء 1 ديسمبر 2020، 6:30 م – 8:00 م بتوقيت New York"),
    ],
)
def test_a_meeting_in_another_zone_names_it_in_each_language(db, language, expected):
    event = make_event(
        group=make_group(time_zone="Europe/London"),
        start_date=dt.date(2020, 12, 1),
        start_time=dt.time(18, 30),
        end_time=dt.time(20, 0),
        time_zone="America/New_York",
    )

    with translation.override(language):
        text = Template("{% load turnout %}{% event_when event %}").render(
            Context({"event": event})
        )

    assert text == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "8 December 2026"), ("uk", "8 грудня 2026"), ("ar", "8 ديسمبر 2026")],
)
def test_a_date_with_its_year_in_each_language(language, expected):
    with translation.override(language):
        text = Template("{% load turnout %}{{ day|long_date }}").render(
            Context({"day": dt.date(2026, 12, 8)})
        )

    assert text == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "8 December 2026, 7:05pm"),
        ("uk", "8 грудня 2026, 19:05"),
        ("ar", "8 ديسمبر 2026، 7:05 م"),
    ],
)
def test_a_date_and_time_with_its_year_in_each_language(language, expected):
    with translation.override(language):
        text = Template("{% load turnout %}{{ at|long_date_time }}").render(
            Context({"at": _at(dt.date(2026, 12, 8), 19, 5)})
        )

    assert text == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "1,000,000"), ("uk", "1\xa0000\xa0000"), ("ar", "1,000,000")],
)
def test_a_limit_in_a_message_is_grouped_the_language_s_way(db, language, expected):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        events.change_capacity(event=make_event(group=make_group()), capacity=2_000_000)

    assert expected in refused.value.message_dict["capacity"][0]
