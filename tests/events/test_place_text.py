"""The place as one public line (turnout.events.places.place_text), which the Atom feed,
the JSON-LD description and the fediverse's summary all show: the venue and its address,
only the area of a private address, "Online" and never the online link."""

from django.utils import translation

from tests.factories import make_event, make_group, make_venue
from turnout.events import places

SECRET_LINK = "https://meet.example.org/secret-room"
AREA = "Central London, near King’s Cross"


def test_a_venue_is_its_name_and_address(db):
    group = make_group()
    event = make_event(group=group, venue=make_venue(group=group))
    assert places.place_text(event) == "Community Centre, 62 Marchmont St, London WC1N 1AB"


def test_a_private_address_is_only_its_area(db):
    group = make_group()
    event = make_event(
        group=group, venue=make_venue(group=group), address_private=True, address_area=AREA
    )
    assert places.place_text(event) == AREA


def test_online_only_says_online_and_never_the_link(db):
    event = make_event(group=make_group(), online_url=SECRET_LINK)
    assert places.place_text(event) == "Online"


def test_a_hybrid_meeting_is_the_place_also_online(db):
    group = make_group()
    event = make_event(group=group, venue=make_venue(group=group), online_url=SECRET_LINK)
    assert places.place_text(event) == (
        "Community Centre, 62 Marchmont St, London WC1N 1AB; also online"
    )


def test_it_is_written_in_the_active_language(db):
    event = make_event(group=make_group(), online_url=SECRET_LINK)
    with translation.override("uk"):
        assert places.place_text(event) == "Онлайн"
