"""Fake sign-ups (issue 16, findings 1 and 2): one person filling a meeting with made-up
addresses, and the seats-left number telling whether an address had registered.

Public counts never include unconfirmed holds, a meeting holds at most its hold cap of
seats for people who have not confirmed, and with email confirmation off the public
page shows no exact number at all.
"""

import re

import pytest
from django.utils import timezone

from tests.factories import make_event
from tests.mail import outbox
from tests.rsvp.helpers import held, seats
from tests.rsvp.test_views import CHECK_INBOX, html, in_one_window, page, post
from turnout.pages.views.meeting import PER_CLIENT
from turnout.rsvp import services as rsvp
from turnout.rsvp.models import Registration

Status = Registration.Status


@pytest.fixture(autouse=True)
def _uncached(settings):
    settings.TURNOUT_PAGE_CACHE_SECONDS = 0
    settings.TURNOUT_BEHIND_PROXY = False


def seats_left_shown(client, event) -> str:
    """The seats-left line of the public page, or "" when it shows none."""
    found = re.search(r'<p class="seats-left">(.*?)</p>', html(client.get(page(event))))
    return found.group(1) if found else ""


def held_seats(event) -> int:
    return sum(r.seats for r in event.registrations.filter(status=Status.HELD))


# --- finding 1: one person filling a meeting


def test_ten_made_up_addresses_with_guests_hold_no_more_than_the_hold_cap(client, group, venue):
    hall = make_event(
        group=group, venue=venue, capacity=10, max_guests=2, public_counts="seats_left"
    )
    in_one_window(PER_CLIENT[2])

    answers = [
        post(
            client,
            hall,
            name=f"Fake {n}",
            email=f"fake{n}@made-up{n}.example",
            guests="2",
            extra={"REMOTE_ADDR": "203.0.113.5"},
        ).status_code
        for n in range(10)
    ]

    assert answers == [200] * 10
    assert held_seats(hall) <= 5  # the hold cap of a 10-seat meeting: at least 5
    assert seats_left_shown(client, hall) == "10 seats left."  # holds are not counted
    hall.refresh_from_db()
    assert hall.seats_taken == held_seats(hall)


def test_someone_real_after_the_fake_holds_gets_a_seat_once_they_confirm(client, group, venue):
    hall = make_event(
        group=group, venue=venue, capacity=10, max_guests=2, public_counts="seats_left"
    )
    for n, guests in enumerate([2, 1, 2]):  # 3 + 2 seats held: the cap; the last waits
        rsvp.register(event=hall, name=f"Fake {n}", email=f"f{n}@fake{n}.example", guests=guests)

    real, _created = rsvp.register(event=hall, name="Olena Koval", email="olena@example.org")

    assert real.status == Status.WAITLIST_UNCONFIRMED
    (email,) = [m for m in outbox() if m.to == ["olena@example.org"]]
    assert "the remaining seats are waiting for people to confirm" in email.body
    assert rsvp.confirm(registration=real).status == Status.CONFIRMED
    assert seats_left_shown(client, hall) == "9 seats left."


def test_with_confirmation_off_two_sign_ups_filling_the_meeting_show_no_number(
    client, group, venue
):
    hall = make_event(
        group=group,
        venue=venue,
        capacity=6,
        max_guests=2,
        confirmation_required=False,
        public_counts="seats_left",
    )
    shown = [seats_left_shown(client, hall)]
    for n in range(2):
        post(client, hall, email=f"p{n}@made-up{n}.example", guests="2")
        shown.append(seats_left_shown(client, hall))

    text = html(client.get(page(hall)))
    assert shown == ["Places available.", "Places available.", ""]
    assert "This meeting is full. Join the waitlist" in text
    assert not re.search(r"\d+ seats? left", text)


def test_one_ipv6_64_with_many_addresses_is_limited_like_one_client(client, group, venue):
    hall = make_event(group=group, venue=venue, capacity=100, public_counts="seats_left")
    limit = PER_CLIENT[1]
    in_one_window(PER_CLIENT[2])

    answers = [
        post(
            client,
            hall,
            email=f"p{n}@made-up{n}.example",
            extra={"REMOTE_ADDR": f"2001:db8:5:7::{n + 1:x}"},
        ).status_code
        for n in range(limit + 5)
    ]

    assert answers == [200] * limit + [429] * 5
    assert hall.registrations.count() == limit
    other = post(
        client, hall, email="x@elsewhere.example", extra={"REMOTE_ADDR": "2001:db8:5:8::1"}
    )
    assert other.status_code == 200


# --- finding 2: the seats-left number telling who registered


def test_seats_left_is_the_same_after_an_rsvp_for_a_registered_address_or_a_new_one(
    client, group, venue
):
    hall = make_event(group=group, venue=venue, capacity=60, public_counts="seats_left")
    ann, _created = rsvp.register(event=hall, name="Ann Smith", email="ann@example.org")
    rsvp.confirm(registration=ann)
    before = seats_left_shown(client, hall)

    post(client, hall, email="ann@example.org")
    after_registered = seats_left_shown(client, hall)
    post(client, hall, email="bob@example.org")
    after_new = seats_left_shown(client, hall)

    assert before == after_registered == after_new == "59 seats left."


def test_with_confirmation_off_the_page_is_the_same_after_a_registered_or_a_new_address(
    client, group, venue
):
    hall = make_event(
        group=group,
        venue=venue,
        capacity=60,
        confirmation_required=False,
        public_counts="seats_left",
    )
    rsvp.register(event=hall, name="Ann Smith", email="ann@example.org")

    post(client, hall, email="ann@example.org")
    after_registered = seats_left_shown(client, hall)
    post(client, hall, email="bob@example.org")
    after_new = seats_left_shown(client, hall)

    assert after_registered == after_new == "Places available."
    assert "remainingAttendeeCapacity" not in html(client.get(page(hall)))  # nor in JSON-LD


# --- bad input: 50 addresses of one domain


def test_fifty_addresses_of_one_domain_are_refused_past_the_domain_limit(
    client, group, venue, settings
):
    hall = make_event(group=group, venue=venue, capacity=100, public_counts="seats_left")
    limit = settings.TURNOUT_RSVP_PER_DOMAIN

    answers = [
        post(
            client,
            hall,
            email=f"person{n}@flood.example",
            extra={"REMOTE_ADDR": f"198.51.100.{n + 1}"},
        )
        for n in range(50)
    ]

    assert [a.status_code for a in answers] == [200] * 50
    assert [CHECK_INBOX in html(a) for a in answers] == [True] * limit + [False] * (50 - limit)
    refused = html(answers[-1])
    assert (
        "Too many registrations from addresses at flood.example for this meeting. "
        "Try again in an hour, or ask the organisers to add you."
    ) in refused
    assert hall.registrations.count() == limit
    assert len(outbox()) == limit


def test_a_public_mail_provider_is_not_limited_per_domain(group, venue, settings):
    hall = make_event(group=group, venue=venue, capacity=100)

    for n in range(settings.TURNOUT_RSVP_PER_DOMAIN + 5):
        rsvp.register(event=hall, name=f"P {n}", email=f"person{n}@gmail.com")

    assert hall.registrations.count() == settings.TURNOUT_RSVP_PER_DOMAIN + 5


# --- the held seats: counted apart, kept equal to the held parties


@pytest.mark.parametrize(("capacity", "cap"), [(10, 5), (20, 5), (40, 10), (3, 3)])
def test_the_hold_cap_is_a_quarter_of_the_capacity_and_at_least_five(group, venue, capacity, cap):
    hall = make_event(group=group, venue=venue, capacity=capacity)

    for n in range(capacity):
        rsvp.register(event=hall, name=f"P {n}", email=f"p{n}@d{n}.example")

    assert held(hall) == (cap, cap)
    assert hall.registrations.filter(status=Status.WAITLIST_UNCONFIRMED).count() == capacity - cap


def test_the_hold_cap_follows_its_settings(group, venue, settings):
    settings.TURNOUT_RSVP_HOLD_PERCENT, settings.TURNOUT_RSVP_HOLD_MIN = 50, 2
    hall = make_event(group=group, venue=venue, capacity=10)

    for n in range(10):
        rsvp.register(event=hall, name=f"P {n}", email=f"p{n}@d{n}.example")

    assert held(hall) == (5, 5)


def test_confirming_a_hold_moves_its_seats_from_held_to_confirmed(group, venue):
    hall = make_event(group=group, venue=venue, capacity=10, max_guests=2)
    registration, _created = rsvp.register(
        event=hall, name="Ann Smith", email="ann@example.org", guests=2
    )
    assert held(hall) == (3, 3)

    rsvp.confirm(registration=registration)

    assert held(hall) == (0, 0)
    assert seats(hall) == (3, 3)


def test_cancelling_or_shrinking_a_hold_gives_back_its_held_seats(group, venue):
    hall = make_event(group=group, venue=venue, capacity=10, max_guests=2)
    ann, _created = rsvp.register(event=hall, name="Ann Smith", email="ann@example.org", guests=2)
    bob, _created = rsvp.register(event=hall, name="Bob Jones", email="bob@example.org", guests=1)

    rsvp.change_details(registration=ann, name="Ann Smith", guests=0)
    assert held(hall) == (3, 3)
    rsvp.cancel(registration=bob)

    assert held(hall) == (1, 1)
    assert seats(hall) == (1, 1)


def test_a_lapsed_hold_makes_room_for_the_next_hold(group, venue):
    hall = make_event(group=group, venue=venue, capacity=10)
    holds = [
        rsvp.register(event=hall, name=f"P {n}", email=f"p{n}@d{n}.example")[0] for n in range(5)
    ]
    late, _created = rsvp.register(event=hall, name="Late", email="late@example.org")
    assert late.status == Status.WAITLIST_UNCONFIRMED

    Registration.objects.filter(pk=holds[0].pk).update(hold_expires_at=timezone.now())
    rsvp.expire_holds()
    again, _created = rsvp.register(event=hall, name="Next", email="next@example.org")

    assert again.status == Status.HELD
    assert held(hall) == (5, 5)


def test_checking_in_a_held_place_confirms_its_seats(group, venue, organiser):
    hall = make_event(group=group, venue=venue, capacity=10)
    ann, _created = rsvp.register(event=hall, name="Ann Smith", email="ann@example.org")

    rsvp.check_in(registration=ann, by=organiser)

    assert held(hall) == (0, 0)
    assert seats(hall) == (1, 1)


def test_organisers_see_the_held_seats_the_public_page_leaves_out(client, group, venue, organiser):
    hall = make_event(group=group, venue=venue, capacity=10, public_counts="seats_left")
    rsvp.register(event=hall, name="Ann Smith", email="ann@example.org")
    rsvp.register(event=hall, name="Bob Jones", email="bob@example.org")
    client.force_login(organiser)

    text = html(client.get(f"/organise/groups/{group.slug}/events/{hall.slug}/registrations/"))

    assert "2 of 10 seats taken. 2 of them held until people confirm their email" in text


def test_few_places_left_without_confirmation_and_no_number(client, group, venue):
    hall = make_event(
        group=group,
        venue=venue,
        capacity=10,
        confirmation_required=False,
        public_counts="seats_left",
    )
    for n in range(8):
        rsvp.register(event=hall, name=f"P {n}", email=f"p{n}@d{n}.example")

    assert seats_left_shown(client, hall) == "Few places left."


def test_the_organiser_is_told_why_numbers_hide_without_confirmation(client, group, organiser):
    client.force_login(organiser)

    text = html(client.get(f"/organise/groups/{group.slug}/events/new/"))

    assert "Without it, the public page shows no exact number of seats left" in text
