"""The door: check in, undo, let in anyway, walk-ins, the search and the counts."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_event
from turnout.rsvp import services as rsvp
from turnout.rsvp.models import Registration

Status = Registration.Status
NOT_CONFIRMED = "{name} is not confirmed ({status}). Check them in anyway if you let them in."


def door_url(event, name: str = "door", **kwargs) -> str:
    return reverse(
        f"organise:{name}", kwargs={"group": event.group.slug, "event": event.slug, **kwargs}
    )


def check_in_url(event, registration) -> str:
    return door_url(event, "door_check_in", registration=registration.pk)


def html(response) -> str:
    return response.content.decode()


def messages_shown(response) -> list[tuple[str, str]]:
    return re.findall(r'<li class="message ([a-z]+)">(.*?)</li>', html(response))


def counts(client, event) -> dict:
    response = client.get(door_url(event, "door_counts"))
    assert response.status_code == 200
    return response.json()


def fresh(registration) -> Registration:
    return Registration.objects.get(pk=registration.pk)


def seats_taken(event) -> int:
    event.refresh_from_db()
    return event.seats_taken


def held(event, name: str) -> Registration:
    registration, created = rsvp.register(
        event=event, name=name, email=f"{name.split()[0].lower()}@example.org"
    )
    assert created
    return registration


def confirmed(event, name: str) -> Registration:
    return rsvp.confirm(registration=held(event, name))


@pytest.fixture
def small(group, venue):
    """Two seats, email confirmation on."""
    return make_event(group=group, venue=venue, capacity=2)


@pytest.fixture
def full(small):
    """Both seats confirmed; Wes waits on the list; Cas cancelled."""
    confirmed(small, "Ann Smith")
    cas = confirmed(small, "Cas Cancel")
    rsvp.cancel(registration=cas)
    confirmed(small, "Bob Jones")
    wes = confirmed(small, "Wes Waiting")
    assert wes.status == Status.WAITLISTED
    return small


def person(event, name: str) -> Registration:
    return event.registrations.get(name=name)


# --- checking in


def test_check_in_confirmed_sets_the_time_and_the_count(organiser_client, small):
    ann = confirmed(small, "Ann Smith")
    assert counts(organiser_client, small) == {"checked_in": 0, "expected": 1, "also_here": 0}

    response = organiser_client.post(check_in_url(small, ann), follow=True)

    assert response.redirect_chain == [(door_url(small), 302)]
    assert ("success", "Ann Smith is checked in.") in messages_shown(response)
    assert fresh(ann).attended_at is not None
    assert fresh(ann).check_in_override is False
    assert counts(organiser_client, small) == {"checked_in": 1, "expected": 1, "also_here": 0}


def test_check_in_keeps_the_search_when_coming_back(organiser_client, small):
    ann = confirmed(small, "Ann Smith")

    response = organiser_client.post(check_in_url(small, ann), {"q": "ann"})

    assert response.status_code == 302
    assert response.url == door_url(small) + "?q=ann"


def test_check_in_twice_changes_nothing(organiser_client, small):
    ann = confirmed(small, "Ann Smith")
    organiser_client.post(check_in_url(small, ann))
    first = fresh(ann).attended_at

    response = organiser_client.post(check_in_url(small, ann), follow=True)

    assert response.status_code == 200
    assert fresh(ann).attended_at == first
    assert counts(organiser_client, small)["checked_in"] == 1


def test_undo_clears_the_check_in(organiser_client, small):
    ann = confirmed(small, "Ann Smith")
    organiser_client.post(check_in_url(small, ann))
    assert fresh(ann).attended_at is not None

    response = organiser_client.post(door_url(small, "door_undo", registration=ann.pk), follow=True)

    assert ("success", "Ann Smith is no longer checked in.") in messages_shown(response)
    assert fresh(ann).attended_at is None
    assert fresh(ann).check_in_override is False
    assert fresh(ann).status == Status.CONFIRMED
    assert counts(organiser_client, small) == {"checked_in": 0, "expected": 1, "also_here": 0}


def test_undo_clears_an_override_too(organiser_client, full):
    wes = person(full, "Wes Waiting")
    organiser_client.post(check_in_url(full, wes), {"override": "1"})
    assert fresh(wes).check_in_override is True

    organiser_client.post(door_url(full, "door_undo", registration=wes.pk))

    assert fresh(wes).attended_at is None
    assert fresh(wes).check_in_override is False


def test_held_is_confirmed_as_they_arrive_and_no_longer_expires(organiser_client, small):
    bea = held(small, "Bea Held")
    assert bea.status == Status.HELD and bea.hold_expires_at is not None
    taken = seats_taken(small)

    organiser_client.post(check_in_url(small, bea))

    bea = fresh(bea)
    assert bea.status == Status.CONFIRMED
    assert bea.attended_at is not None
    assert bea.confirmed_at is not None
    assert bea.hold_expires_at is None
    assert bea.check_in_override is False
    assert seats_taken(small) == taken
    assert rsvp.expire_holds(now=timezone.now() + dt.timedelta(days=30)) == 0
    assert fresh(bea).status == Status.CONFIRMED
    assert counts(organiser_client, small) == {"checked_in": 1, "expected": 1, "also_here": 0}


def test_the_expiry_job_would_have_cancelled_an_unchecked_hold(small):
    """The control for the test above: the same job does cancel a hold left alone."""
    bea = held(small, "Bea Held")

    assert rsvp.expire_holds(now=timezone.now() + dt.timedelta(days=30)) == 1
    assert fresh(bea).status == Status.CANCELLED


@pytest.mark.parametrize(
    ("name", "status_shown"), [("Wes Waiting", "on the waitlist"), ("Cas Cancel", "cancelled")]
)
def test_waitlisted_and_cancelled_are_refused(organiser_client, full, name, status_shown):
    target = person(full, name)
    before = list(full.registrations.order_by("pk").values())
    taken = seats_taken(full)

    response = organiser_client.post(check_in_url(full, target), follow=True)

    assert response.status_code == 200
    assert ("error", NOT_CONFIRMED.format(name=name, status=status_shown)) in messages_shown(
        response
    )
    assert list(full.registrations.order_by("pk").values()) == before
    assert seats_taken(full) == taken


@pytest.mark.parametrize("name", ["Wes Waiting", "Cas Cancel"])
def test_override_checks_in_and_leaves_status_and_seats(organiser_client, full, name):
    target = person(full, name)
    status = target.status
    taken = seats_taken(full)

    response = organiser_client.post(check_in_url(full, target), {"override": "1"}, follow=True)

    assert ("success", f"{name} is checked in.") in messages_shown(response)
    target = fresh(target)
    assert target.attended_at is not None
    assert target.check_in_override is True
    assert target.status == status
    assert seats_taken(full) == taken
    assert "let in anyway" in html(organiser_client.get(door_url(full), {"q": name}))


def test_override_on_a_confirmed_person_is_not_recorded_as_one(organiser_client, small):
    ann = confirmed(small, "Ann Smith")

    organiser_client.post(check_in_url(small, ann), {"override": "1"})

    assert fresh(ann).attended_at is not None
    assert fresh(ann).check_in_override is False


@pytest.mark.parametrize("value", ["yes", "2", "true", "on", " 1", ""])
def test_a_tampered_override_does_not_override(organiser_client, full, value):
    wes = person(full, "Wes Waiting")

    response = organiser_client.post(check_in_url(full, wes), {"override": value}, follow=True)

    assert [kind for kind, _text in messages_shown(response)] == ["error"]
    assert fresh(wes).attended_at is None
    assert fresh(wes).check_in_override is False


# --- walk-ins


def test_walk_in_is_added_checked_in_and_counted(organiser_client, small, organiser):
    assert counts(organiser_client, small) == {"checked_in": 0, "expected": 0, "also_here": 0}

    response = organiser_client.post(
        door_url(small, "door_walk_in"), {"name": "  Zoe   Walker "}, follow=True
    )

    assert response.redirect_chain == [(door_url(small), 302)]
    assert ("success", "Zoe Walker is added and checked in.") in messages_shown(response)
    zoe = small.registrations.get()
    assert zoe.name == "Zoe Walker"
    assert zoe.source == Registration.Source.WALK_IN
    assert zoe.status == Status.CONFIRMED
    assert zoe.attended_at is not None
    assert zoe.added_by == organiser
    assert zoe.email == ""
    assert counts(organiser_client, small) == {"checked_in": 1, "expected": 1, "also_here": 0}


def test_walk_in_when_full_goes_over_the_capacity_on_record(organiser_client, full):
    organiser_client.post(door_url(full, "door_walk_in"), {"name": "Zoe"})

    zoe = person(full, "Zoe")
    assert zoe.over_capacity is True
    assert zoe.attended_at is not None
    assert seats_taken(full) == 3


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_walk_in_without_a_name_adds_nobody(organiser_client, small, name):
    response = organiser_client.post(door_url(small, "door_walk_in"), {"name": name}, follow=True)

    assert ("error", "Give your name.") in messages_shown(response)
    assert not small.registrations.exists()
    assert seats_taken(small) == 0


def test_walk_in_with_no_name_field_adds_nobody(organiser_client, small):
    response = organiser_client.post(door_url(small, "door_walk_in"), follow=True)

    assert ("error", "Give your name.") in messages_shown(response)
    assert not small.registrations.exists()


def test_walk_in_with_a_huge_name_is_refused(organiser_client, small):
    response = organiser_client.post(
        door_url(small, "door_walk_in"), {"name": "x" * 10_000}, follow=True
    )

    shown = messages_shown(response)
    assert [kind for kind, _text in shown] == ["error"]
    assert "at most 200 characters" in shown[0][1]
    assert not small.registrations.exists()
    assert seats_taken(small) == 0


def test_names_are_escaped_on_the_door_page(organiser_client, small):
    hostile = '<script>alert("x")</script>Ann'
    organiser_client.post(door_url(small, "door_walk_in"), {"name": hostile})

    page = html(organiser_client.get(door_url(small)))

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;Ann" in page


# --- the list and its search


def names_listed(response) -> list[str]:
    return re.findall(r'<span class="who"><strong><bdi>(.*?)</bdi></strong>', html(response))


def test_list_hides_the_cancelled_and_sorts_by_name(organiser_client, full):
    response = organiser_client.get(door_url(full))

    assert response.status_code == 200
    assert names_listed(response) == ["Ann Smith", "Bob Jones", "Wes Waiting"]
    assert re.search(r"<strong data-checked-in>0</strong>", html(response))
    assert re.search(r"<span data-expected>2</span>", html(response))


def test_search_finds_part_of_the_name_whatever_the_case(organiser_client, full):
    response = organiser_client.get(door_url(full), {"q": "sMiT"})

    assert names_listed(response) == ["Ann Smith"]


def test_search_shows_the_cancelled(organiser_client, full):
    response = organiser_client.get(door_url(full), {"q": "cas"})

    assert names_listed(response) == ["Cas Cancel"]
    assert "Let in anyway" in html(response)


def test_search_finding_nobody_says_so(organiser_client, full):
    response = organiser_client.get(door_url(full), {"q": "nobody-like-this"})

    assert names_listed(response) == []
    assert "Nobody by that name." in html(response)


def test_door_page_with_nobody_registered(organiser_client, small):
    response = organiser_client.get(door_url(small))

    assert response.status_code == 200
    assert "Nobody has registered yet." in html(response)
    assert counts(organiser_client, small) == {"checked_in": 0, "expected": 0, "also_here": 0}


# --- who may, and how


@pytest.mark.parametrize("name", ["door", "door_counts"])
def test_another_groups_organiser_gets_404_on_the_pages(outsider_client, full, name):
    assert outsider_client.get(door_url(full, name)).status_code == 404


def test_another_groups_organiser_cannot_check_in_undo_or_walk_in(
    outsider_client, organiser_client, full
):
    ann = person(full, "Ann Smith")
    bob = person(full, "Bob Jones")
    organiser_client.post(check_in_url(full, bob))
    before = list(full.registrations.order_by("pk").values())
    taken = seats_taken(full)

    posts = [
        (check_in_url(full, ann), {}),
        (check_in_url(full, person(full, "Wes Waiting")), {"override": "1"}),
        (door_url(full, "door_undo", registration=bob.pk), {}),
        (door_url(full, "door_walk_in"), {"name": "Intruder"}),
    ]
    for target, data in posts:
        assert outsider_client.post(target, data).status_code == 404

    assert list(full.registrations.order_by("pk").values()) == before
    assert seats_taken(full) == taken


def test_a_registration_of_another_event_is_404(organiser_client, small, group, venue):
    other = make_event(group=group, venue=venue, title="Another meeting")
    stranger = confirmed(other, "Sam Stranger")

    check = organiser_client.post(check_in_url(small, stranger))
    undo = organiser_client.post(door_url(small, "door_undo", registration=stranger.pk))

    assert check.status_code == 404
    assert undo.status_code == 404
    assert fresh(stranger).attended_at is None


@pytest.mark.parametrize("name", ["door_check_in", "door_undo", "door_walk_in"])
def test_the_post_urls_refuse_get(organiser_client, full, name):
    ann = person(full, "Ann Smith")
    kwargs = {} if name == "door_walk_in" else {"registration": ann.pk}

    response = organiser_client.get(door_url(full, name, **kwargs), {"name": "Zoe"})

    assert response.status_code == 405
    assert fresh(ann).attended_at is None
    assert not full.registrations.filter(name="Zoe").exists()


def test_signed_out_is_sent_to_sign_in(client, full):
    ann = person(full, "Ann Smith")

    response = client.post(check_in_url(full, ann))

    assert response.status_code == 302
    assert fresh(ann).attended_at is None


def test_someone_removed_after_arriving_counts_apart_from_the_expected(
    organiser_client, small, organiser
):
    """Not "2 checked in of 1 expected": the people expected who are here, of the
    expected, and apart from them who else is in the room (removed after arriving, or
    let in anyway)."""
    from turnout.rsvp.services import organisers

    ann, bob = confirmed(small, "Ann Smith"), confirmed(small, "Bob Jones")
    for person in (ann, bob):
        organiser_client.post(check_in_url(small, person))
    organisers.remove(registration=bob, by=organiser)

    assert counts(organiser_client, small) == {"checked_in": 1, "expected": 1, "also_here": 1}
    page = " ".join(re.sub(r"<[^>]+>", " ", html(organiser_client.get(door_url(small)))).split())
    assert " Here: 1 of 1 expected " in page
    assert " Also in the room, not expected (removed, or let in anyway): 1 " in page


def test_the_search_comes_first_and_the_walk_in_form_after_the_list(organiser_client, full):
    page = html(organiser_client.get(door_url(full)))

    search, people, walk_in = (
        page.index('id="door-search"'),
        page.index('class="door-list"'),
        page.index('id="walk-in-name"'),
    )
    assert search < people < walk_in
