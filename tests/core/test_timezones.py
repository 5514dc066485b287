"""Time zones are IANA names from the list; local times map to the right instant."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from turnout.core.timezones import (
    available_time_zones,
    time_zone_choices,
    to_aware,
    validate_time_zone,
)


@pytest.mark.parametrize(
    "zone", ["Europe/London", "Europe/Kyiv", "UTC", "America/Argentina/Buenos_Aires"]
)
def test_validate_time_zone_accepts_iana_names(zone):
    validate_time_zone(zone)


@pytest.mark.parametrize(
    "zone", ["London", "Mars/Base", "../etc", "", "europe/london", "Europe/London ", "/etc/passwd"]
)
def test_validate_time_zone_refuses_anything_else(zone):
    with pytest.raises(ValidationError) as exc:
        validate_time_zone(zone)

    assert exc.value.messages == [
        f"“{zone}” is not a time zone. Pick one from the list, e.g. Europe/London."
    ]
    assert exc.value.code == "invalid_time_zone"


@settings(max_examples=50, deadline=None)
@given(zone=st.text(max_size=40))
def test_validate_time_zone_accepts_exactly_the_listed_zones(zone):
    try:
        validate_time_zone(zone)
    except ValidationError:
        assert zone not in available_time_zones()
    else:
        assert zone in available_time_zones()


def test_time_zone_choices_show_spaces_for_underscores():
    choices = dict(time_zone_choices())

    assert choices["America/New_York"] == "America/New York"
    assert choices["Europe/London"] == "Europe/London"


@pytest.mark.parametrize(
    ("day", "zone", "utc_hour"),
    [
        (dt.date(2026, 7, 7), "Europe/London", 18),  # BST, UTC+1
        (dt.date(2026, 12, 1), "Europe/London", 19),  # GMT
        (dt.date(2026, 7, 7), "Europe/Kyiv", 16),  # EEST, UTC+3
        (dt.date(2026, 12, 1), "Europe/Kyiv", 17),  # EET, UTC+2
    ],
)
def test_to_aware_gives_the_instant_of_a_local_time(day, zone, utc_hour):
    moment = to_aware(day, dt.time(19, 0), zone)

    assert moment.astimezone(dt.UTC) == dt.datetime.combine(day, dt.time(utc_hour), tzinfo=dt.UTC)
    assert (moment.hour, moment.minute) == (19, 0)
