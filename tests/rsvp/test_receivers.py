"""rsvp's receivers of the meeting hooks (turnout.rsvp.receivers): connected once, and
what they write commits or rolls back with the change that woke them."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from tests.factories import make_venue
from tests.mail import outbox
from tests.rsvp.helpers import confirmed, seats
from turnout.events import hooks
from turnout.events import services as events
from turnout.events.models import Event
from turnout.rsvp import receivers
from turnout.rsvp.models import ChangeNotice, Registration

pytestmark = pytest.mark.django_db

Status = Registration.Status


class RolledBack(Exception):
    """Raised after the change, inside its transaction: what a failed request does."""


def statuses(event) -> dict[str, str]:
    return dict(event.registrations.values_list("name", "status"))


@pytest.fixture
def waiting(small):
    """Three seats: Ann's party of three confirmed, Bob waiting for two."""
    confirmed(small, "Ann", guests=2)
    confirmed(small, "Bob", guests=1)
    assert statuses(small) == {"Ann": Status.CONFIRMED, "Bob": Status.WAITLISTED}
    return small


def test_connecting_the_receivers_again_changes_nothing():
    counts = {hook: len(hook.receivers) for hook, _receiver in receivers.RECEIVERS}

    receivers.connect()
    receivers.connect()

    assert {hook: len(hook.receivers) for hook in counts} == counts


def test_every_receiver_is_connected_once_in_order():
    connected = [
        (hook, key[0])
        for hook in (hooks.meeting_moving_to_past, hooks.meeting_changed, hooks.meeting_cancelled)
        for key, _receiver, _is_async in hook.receivers
        if str(key[0]).startswith("rsvp.")
    ]

    assert connected == [
        (hooks.meeting_moving_to_past, "rsvp.refuse_move_to_past"),
        (hooks.meeting_changed, "rsvp.move_reminders"),
        (hooks.meeting_changed, "rsvp.record_change_notice"),
        (hooks.meeting_changed, "rsvp.promote_waitlist"),
        (hooks.meeting_cancelled, "rsvp.record_cancellation_notice"),
    ]


def test_a_rolled_back_update_records_no_notice_promotes_nobody_and_queues_no_email(waiting, group):
    hall, elsewhere = waiting.venue_id, make_venue(group=group, name="St Mark's Hall")
    sent = len(outbox())

    with pytest.raises(RolledBack), transaction.atomic():
        events.update_event(event=waiting, capacity=5, venue=elsewhere)
        raise RolledBack

    waiting.refresh_from_db()
    assert (waiting.capacity, waiting.venue_id) == (3, hall)
    assert statuses(waiting) == {"Ann": Status.CONFIRMED, "Bob": Status.WAITLISTED}
    assert seats(waiting) == (3, 3)
    assert ChangeNotice.objects.count() == 0
    assert outbox()[sent:] == []

    # The same edit committed: Bob is promoted and emailed, and a notice waits.
    saved = events.update_event(event=waiting, capacity=5, venue=elsewhere)

    assert statuses(waiting) == {"Ann": Status.CONFIRMED, "Bob": Status.CONFIRMED}
    assert [e.to for e in outbox()[sent:]] == [["bob@example.org"]]
    assert saved.change_notice == ChangeNotice.objects.get(kind=ChangeNotice.Kind.CHANGED)


def test_a_rolled_back_cancellation_records_no_notice(waiting):
    with pytest.raises(RolledBack), transaction.atomic():
        cancelled = events.cancel_event(event=waiting)
        assert cancelled.change_notice.kind == ChangeNotice.Kind.CANCELLED
        raise RolledBack

    assert Event.objects.get(pk=waiting.pk).status == Event.Status.PUBLISHED
    assert ChangeNotice.objects.count() == 0


def test_moving_the_start_makes_the_reminded_due_again_other_edits_do_not(small):
    ann = confirmed(small, "Ann")
    reminded = timezone.now()
    Registration.objects.filter(pk=ann.pk).update(reminded_at=reminded)

    events.update_event(event=small, title="Renamed", capacity=10)
    ann.refresh_from_db()
    assert ann.reminded_at == reminded

    later = small.start_date + dt.timedelta(days=1)
    events.update_event(event=small, start_date=later, end_date=later)
    ann.refresh_from_db()
    assert ann.reminded_at is None
