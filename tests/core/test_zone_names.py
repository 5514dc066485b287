"""A meeting's time names its zone the way people say it (issue 19, item 5): "7pm London
time", from the IANA name's last part; a zone with no city (UTC, Etc/GMT+5) by its
offset from UTC, in brackets; never a crash, whatever zone the list holds."""

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import translation

from tests.factories import make_event, make_group
from turnout.core import timefmt
from turnout.core.timezones import available_time_zones, city, offset_name


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Europe/London", "London"),
        ("America/New_York", "New York"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires"),
        ("America/Port-au-Prince", "Port-au-Prince"),
        ("Etc/GMT+5", ""),
        ("UTC", ""),
        ("Etc/UTC", ""),
        ("EST5EDT", ""),
    ],
)
def test_city_is_the_last_part_of_the_zone_s_name(zone, expected):
    assert city(zone) == expected


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        # The sign of Etc/GMT zones is POSIX's, the other way round from what people say.
        ("Etc/GMT+5", "UTC−5"),
        ("Etc/GMT-14", "UTC+14"),
        ("Etc/GMT0", "UTC"),
        ("UTC", "UTC"),
        ("Etc/UTC", "UTC"),
        ("GMT", "UTC"),
        ("Zulu", "UTC"),
        ("EST5EDT", "EST5EDT"),
    ],
)
def test_a_zone_with_no_city_is_named_by_its_offset(zone, expected):
    assert offset_name(zone) == expected


def _at(zone: str, hour: int) -> dt.datetime:
    return dt.datetime(2020, 12, 1, hour, tzinfo=zoneinfo.ZoneInfo(zone))


def test_in_zone_names_the_city():
    text = timefmt.in_zone("7pm – 9pm", "Europe/London")

    assert text == "7pm – 9pm London time"


@pytest.mark.parametrize(("zone", "label"), [("Etc/GMT+5", "UTC−5"), ("UTC", "UTC")])
def test_in_zone_without_a_city_gives_the_offset_in_brackets(zone, label):
    assert timefmt.in_zone("7pm", zone) == f"7pm ({label})"


def test_utc_gives_both_ends_in_utc():
    start, end = _at("America/New_York", 19), _at("America/New_York", 21)

    assert timefmt.in_utc(start, end) == "(12am – 2am UTC)"


@pytest.mark.parametrize("language", ["en", "uk", "ar"])
def test_every_zone_of_the_list_gets_a_name_in_every_language(language):
    with translation.override(language):
        for zone in available_time_zones():
            text = timefmt.in_zone("19:00", zone)
            assert text.startswith("19:00") or text.endswith("19:00") or "19:00" in text
            assert (city(zone) or offset_name(zone)) in text


def _render(event) -> str:
    return Template("{% load turnout %}{% event_when event %}").render(Context({"event": event}))


@pytest.mark.parametrize(
    ("zone", "named"),
    [
        ("Europe/London", "7pm – 9pm London time"),
        ("America/New_York", "7pm – 9pm New York time"),
        ("Etc/GMT+5", "7pm – 9pm (UTC−5)"),
        ("UTC", "7pm – 9pm (UTC)"),
    ],
)
def test_event_when_always_names_the_meeting_s_zone(db, zone, named):
    group = make_group(time_zone="Europe/London")
    event = make_event(group=group, start_date=dt.date(2020, 12, 1), time_zone=zone)

    assert _render(event) == f"Tuesday 1 December 2020, {named}"
