"""The demo: the reference flyer's meeting and a second group, loaded once."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from turnout.cli import DEMO_LOGIN
from turnout.demo import load_demo
from turnout.events.models import Event
from turnout.groups.models import Group, Membership, User, Venue

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
EMAIL, PASSWORD = DEMO_LOGIN


@pytest.fixture
def demo():
    assert load_demo(organiser_email=EMAIL, organiser_password=PASSWORD) is True


def _next_tuesday_in_london() -> dt.date:
    today = timezone.now().astimezone(LONDON).date()
    days = (1 - today.weekday()) % 7 or 7  # Tuesday is 1; never today
    return today + dt.timedelta(days=days)


def test_load_demo_creates_two_groups_owned_by_the_demo_organiser(demo):
    organiser = User.objects.get(email=EMAIL)

    assert sorted(Group.objects.values_list("slug", flat=True)) == [
        "riverside-tenants",
        "ukraine-information-group",
    ]
    assert set(Membership.objects.values_list("user", "role")) == {(organiser.pk, "owner")}
    assert organiser.email_verified is True


def test_load_demo_creates_the_flyer_meeting_next_tuesday_at_7pm_london(demo):
    event = Event.objects.get(group__slug="ukraine-information-group")

    assert event.title == "What internationalism means"
    assert event.tagline == "Unite the struggles of Palestine, Ukraine and beyond"
    assert event.status == Event.Status.PUBLISHED
    assert event.start_date == _next_tuesday_in_london()
    assert event.start_date.weekday() == 1
    assert (event.start_time, event.end_time) == (dt.time(19, 0), dt.time(21, 0))
    assert event.time_zone == "Europe/London"
    assert event.starts_at == dt.datetime.combine(event.start_date, dt.time(19, 0), tzinfo=LONDON)


def test_load_demo_puts_the_meeting_at_the_flyer_s_venue(demo):
    venue = Event.objects.get(group__slug="ukraine-information-group").venue

    assert (venue.address_line1, venue.city, venue.postcode) == (
        "62 Marchmont St",
        "London",
        "WC1N 1AB",
    )


def test_load_demo_uses_contact_addresses_at_example_org(demo):
    addresses = sorted(Group.objects.values_list("contact_email", flat=True))

    assert addresses == [
        "riverside-tenants@example.org",
        "ukraine-information-group@example.org",
    ]


def test_load_demo_never_mentions_a_real_mailbox(demo):
    for model in (Group, Event, Venue, User):
        for row in model.objects.values():
            for field, value in row.items():
                assert "gmail" not in str(value).lower(), f"{model.__name__}.{field}"


def test_load_demo_gives_the_second_group_a_past_and_a_future_meeting(demo):
    now = timezone.now()
    meetings = list(Event.objects.filter(group__slug="riverside-tenants").order_by("starts_at"))

    assert [event.status for event in meetings] == [Event.Status.PUBLISHED] * 2
    assert [event.ends_at < now for event in meetings] == [True, False]
    assert [event.starts_at > now for event in meetings] == [False, True]
    assert {event.venue.name for event in meetings} == {"St Mark's Hall"}


def test_load_demo_twice_changes_nothing(demo):
    counts = [model.objects.count() for model in (User, Group, Membership, Venue, Event)]

    again = load_demo(organiser_email=EMAIL, organiser_password=PASSWORD)

    assert again is False
    assert [model.objects.count() for model in (User, Group, Membership, Venue, Event)] == counts
    assert counts == [1, 2, 2, 2, 3]


def test_load_demo_organiser_can_log_in(demo, client):
    assert client.login(email=EMAIL, password=PASSWORD) is True


def test_load_demo_keeps_an_existing_organiser_account(client):
    User.objects.create_user(email=EMAIL, name="Already Here", password="another passphrase")

    load_demo(organiser_email=EMAIL, organiser_password=PASSWORD)

    assert User.objects.get(email=EMAIL).name == "Already Here"
    assert client.login(email=EMAIL, password="another passphrase") is True
