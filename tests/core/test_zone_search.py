"""Typing a time zone (issue 20, item 5): its full IANA name in any case, or the unique
city it is named after; a clear message for anything else, never an exception."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from turnout.core.timezones import available_time_zones, resolve_zone, searchable_zones


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Europe/Kyiv", "Europe/Kyiv"),
        ("europe/kyiv", "Europe/Kyiv"),
        ("  kyiv ", "Europe/Kyiv"),
        ("KYIV", "Europe/Kyiv"),
        ("new york", "America/New_York"),
        ("New_York", "America/New_York"),
        ("new   york", "America/New_York"),
        ("etc/gmt+5", "Etc/GMT+5"),
        ("utc", "UTC"),
        ("Ushuaia", "America/Argentina/Ushuaia"),
        # Two names for Buenos Aires: the one in the menu wins.
        ("buenos aires", "America/Argentina/Buenos_Aires"),
    ],
)
def test_a_full_name_or_a_unique_city_is_found(typed, zone):
    assert resolve_zone(typed) == zone


@pytest.mark.parametrize("typed", ["Mars/Base", "Europe/", "/", "../etc", "Lon", "x" * 5000])
def test_an_unknown_zone_gets_a_clear_message(typed):
    with pytest.raises(ValidationError) as caught:
        resolve_zone(typed)

    assert caught.value.code == "unknown_time_zone"
    assert "is not a time zone we know" in caught.value.messages[0]


def test_the_servers_own_zone_is_never_a_meetings():
    """“localtime” is whatever zone the server is set to: not a place."""
    with pytest.raises(ValidationError):
        resolve_zone("localtime")


def test_a_city_two_zones_are_named_after_asks_for_the_full_name():
    with pytest.raises(ValidationError) as caught:
        resolve_zone("indianapolis")

    assert caught.value.code == "ambiguous_time_zone"
    message = caught.value.messages[0]
    assert "America/Indiana/Indianapolis" in message and "America/Indianapolis" in message


ZONES = sorted(available_time_zones() - {"localtime"})


@given(zone=st.sampled_from(ZONES), upper=st.booleans())
def test_every_zone_is_found_by_its_full_name_in_any_case(zone, upper):
    assert resolve_zone(zone.upper() if upper else zone.lower()) == zone


@given(typed=st.text(max_size=80))
def test_any_text_is_a_zone_or_a_validation_error(typed):
    try:
        zone = resolve_zone(typed)
    except ValidationError as exc:
        assert exc.code in ("unknown_time_zone", "ambiguous_time_zone")
    else:
        assert zone in available_time_zones() and zone != "localtime"


def test_the_search_list_leaves_out_the_odd_names():
    names = searchable_zones()

    assert "Europe/Kyiv" in names and "America/Argentina/Ushuaia" in names and "UTC" in names
    assert not [z for z in names if z in ("Factory", "localtime") or z.startswith("Etc/")]
    assert names == sorted(names)
