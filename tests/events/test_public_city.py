"""``Event.public_city``, the town "/?city=" filters by (issue 22: read by its own index,
not by joining every upcoming meeting to its venue), is always the venue's town as the
public may read it: after each way a meeting or its venue changes, and never the town of
an address kept for attendees."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.concurrency import race
from tests.factories import make_event, make_group, make_venue
from tests.test_public_queries import card_titles
from turnout.events import services as events
from turnout.events.models import Event
from turnout.groups import services as groups
from turnout.groups.models import Venue

AREA = "Central London, near King’s Cross"


def stored_city(event: Event) -> str:
    return Event.objects.values_list("public_city", flat=True).get(pk=event.pk)


def listed_in(client, town: str) -> list[str]:
    return card_titles(client.get("/", {"city": town}))


@pytest.mark.django_db
def test_a_meeting_takes_its_venues_town_and_is_found_by_it(client, group, venue, event):
    online = make_event(group=group, title="Online only", online_url="https://meet.example")

    assert stored_city(event) == "London"
    assert stored_city(online) == ""
    assert listed_in(client, "London") == [event.title]
    assert listed_in(client, "london") == [event.title]  # as the menu offers it, any case


@pytest.mark.django_db
def test_an_address_made_private_takes_the_town_off_and_public_again_puts_it_back(
    client, group, event
):
    events.update_event(event=event, address_private=True, address_area=AREA)
    assert stored_city(event) == ""
    html = client.get("/", {"city": "London"}).content.decode()
    assert "No such place" in html  # no public meeting there: the town is not offered
    assert event.title in html  # ... and every place is shown, this one by its area

    events.update_event(event=event, address_private=False)
    assert stored_city(event) == "London"
    assert listed_in(client, "London") == [event.title]


@pytest.mark.django_db
def test_a_venue_renamed_takes_its_meetings_with_it_but_not_a_private_one(
    client, group, venue, event
):
    private = make_event(
        group=group, venue=venue, title="Private", address_private=True, address_area=AREA
    )

    groups.update_venue(venue=venue, city="Leeds")

    assert (stored_city(event), stored_city(private)) == ("Leeds", "")
    assert listed_in(client, "Leeds") == [event.title]
    assert "No such place" in client.get("/", {"city": "London"}).content.decode()


@pytest.mark.django_db
def test_a_meeting_moved_to_another_venue_or_to_none_follows(client, group, venue, event):
    leeds = make_venue(group=group, name="Leeds Hall", city="Leeds")

    events.update_event(event=event, venue=leeds)
    assert stored_city(event) == "Leeds"

    events.update_event(event=event, venue=None, online_url="https://meet.example")
    assert stored_city(event) == ""


@pytest.mark.django_db
def test_a_copy_of_a_meeting_has_its_town(group, event):
    assert stored_city(events.duplicate_event(event=event)) == "London"


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# NUL excepted: the venue form refuses it (Django forms do), PostgreSQL cannot store it.
@given(town=st.text(st.characters(blacklist_characters="\x00"), min_size=1, max_size=100))
def test_any_town_a_venue_may_have_finds_its_meetings(town):
    """Whatever the venue's form takes (Cyrillic, Arabic, quotes, markup), the meeting is
    stored and found under exactly that town; what it refuses changes nothing."""
    group = make_group()
    venue = make_venue(group=group)
    event = make_event(group=group, venue=venue)
    try:
        groups.update_venue(venue=venue, city=town)
    except ValidationError:  # the venue's own checks: a message, nothing saved
        assert stored_city(event) == "London"
        return

    assert stored_city(event) == Venue.objects.get(pk=venue.pk).city


@pytest.mark.django_db(transaction=True)
def test_a_venue_renamed_while_its_meetings_are_saved_and_made_leaves_them_the_new_town():
    """A save reads the town once it holds the meeting's row, a new meeting holds the
    venue's: either the new town is read, or the renaming moves the meeting after it
    (see places.public_city); and the two orders of taking the rows never deadlock."""
    group = make_group()
    for round_ in range(5):
        venue = make_venue(group=group, name=f"Hall {round_}", city="London")
        event = make_event(group=group, venue=venue, title=f"Round {round_}")
        town = f"Leeds {round_}"

        def act(i: int, venue=venue, event=event, town=town, round_=round_) -> None:
            if i == 0:
                groups.update_venue(venue=Venue.objects.get(pk=venue.pk), city=town)
            elif i == 1:
                events.update_event(event=Event.objects.get(pk=event.pk), tagline="Moved")
            else:
                make_event(group=group, venue=venue, title=f"New {round_}")

        race(3, act)
        assert set(Event.objects.filter(venue=venue).values_list("public_city", flat=True)) == {
            town
        }
