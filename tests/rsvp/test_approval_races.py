"""Approving under a rush: organisers approving many requests at once never oversell.

As in test_races.py: each thread has its own database connection (distinct server
backends on PostgreSQL; a file in WAL mode on SQLite), released together by a barrier.
"""

import pytest
from django.core.exceptions import ValidationError

from tests.concurrency import race
from tests.factories import make_event, make_group, make_user
from turnout.events.models import Event
from turnout.groups.models import AuditEntry
from turnout.rsvp import selectors
from turnout.rsvp import services as rsvp
from turnout.rsvp.models import Registration

pytestmark = pytest.mark.django_db(transaction=True)

Status = Registration.Status
CAPACITY = 10
REQUESTS = 40


@pytest.fixture(autouse=True)
def _no_domain_limit(settings):
    """Every request here comes from one made-up domain: its limit is tested elsewhere."""
    settings.TURNOUT_RSVP_PER_DOMAIN = 0


@pytest.fixture
def organisers() -> list:
    return [make_user(name="Olena"), make_user(name="Taras")]


@pytest.fixture
def meeting(organisers) -> Event:
    return make_event(
        group=make_group(owner=organisers[0]), capacity=CAPACITY, approval_required=True
    )


@pytest.fixture
def requests(meeting) -> list[Registration]:
    made = []
    for i in range(REQUESTS):
        registration, _created = rsvp.register(event=meeting, name=f"P{i}", email=f"p{i}@x.org")
        made.append(rsvp.confirm(registration=registration))
    assert {r.status for r in made} == {Status.REQUESTED}
    return made


def approve(registration: Registration, by) -> bool:
    """Whether this call approved it (False: someone had already)."""
    try:
        rsvp.approve(registration=registration, by=by)
    except ValidationError as exc:
        assert exc.messages == [f"{registration.name}’s request was approved already."]
        return False
    return True


def assert_exactly_the_capacity_seated(meeting: Event) -> None:
    meeting.refresh_from_db()
    assert meeting.seats_taken == selectors.seats_taken(event=meeting) == CAPACITY
    assert meeting.seats_held == 0
    assert meeting.registrations.filter(status=Status.CONFIRMED).count() == CAPACITY
    waiting = meeting.registrations.filter(status=Status.WAITLISTED)
    assert waiting.count() == REQUESTS - CAPACITY
    assert meeting.registrations.filter(status=Status.REQUESTED).count() == 0


def test_forty_requests_approved_at_once_by_two_organisers_seat_exactly_ten(
    meeting, requests, organisers
):
    results = race(REQUESTS, lambda i: approve(requests[i], organisers[i % 2]))

    assert results == [True] * REQUESTS
    assert_exactly_the_capacity_seated(meeting)
    positions = meeting.registrations.filter(status=Status.WAITLISTED).values_list(
        "waitlist_position", flat=True
    )
    assert sorted(positions) == list(range(1, REQUESTS - CAPACITY + 1))  # one queue, no gaps
    assert AuditEntry.objects.filter(action="request_approved").count() == REQUESTS


def test_two_organisers_approving_the_same_list_at_once_approve_each_once_in_order(
    meeting, requests, organisers
):
    """Both walk the list from the top: every request is approved once, by one of them,
    and the first ten get the seats, the other thirty the waitlist in the list's order."""
    results = race(2, lambda i: [approve(r, organisers[i]) for r in requests])

    approvals = [a or b for a, b in zip(*results, strict=True)]
    assert approvals == [True] * REQUESTS
    assert [a and b for a, b in zip(*results, strict=True)] == [False] * REQUESTS
    assert_exactly_the_capacity_seated(meeting)
    statuses = [Registration.objects.get(pk=r.pk) for r in requests]
    assert [r.status for r in statuses] == [Status.CONFIRMED] * 10 + [Status.WAITLISTED] * 30
    assert [r.waitlist_position for r in statuses[CAPACITY:]] == list(range(1, 31))
    assert AuditEntry.objects.filter(action="request_approved").count() == REQUESTS
