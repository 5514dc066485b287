"""The hooks events sends when a meeting changes (turnout.events.hooks): who hears
what, and that they are sent inside the transaction of the change.

The receivers here are the test's own, connected for one test; the apps' receivers
(rsvp's) stay connected too and do nothing for a meeting nobody registered for.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from turnout.events import hooks
from turnout.events import services as events
from turnout.events.models import Event

pytestmark = pytest.mark.django_db

HOOKS = {
    hooks.meeting_moving_to_past: "meeting_moving_to_past",
    hooks.meeting_changed: "meeting_changed",
    hooks.meeting_cancelled: "meeting_cancelled",
}
PAST_MESSAGE = "This date and time have passed. Choose a date and time after now for the meeting."


@pytest.fixture
def heard():
    """What each hook carried, in order, and what a receiver saw when it was sent (with
    ``transactional_db``, ``in_transaction`` tells whether the service's own was open)."""
    calls = []

    def listen(signal, sender, **kwargs):
        stored = Event.objects.filter(pk=kwargs["event"].pk).values("title", "status").first()
        calls.append(
            {
                "hook": HOOKS[signal],
                "sender": sender,
                **kwargs,
                "stored": stored,
                "in_transaction": connection.in_atomic_block,
            }
        )

    for hook in HOOKS:
        hook.connect(listen, weak=False, dispatch_uid="tests.heard")
    yield calls
    for hook in HOOKS:
        hook.disconnect(dispatch_uid="tests.heard")


@pytest.fixture
def refusing():
    """Connect a receiver that raises ``error`` to ``hook``, for this test only."""
    connected = []

    def connect(hook, error):
        def refuse(**kwargs):
            raise error

        hook.connect(refuse, weak=False, dispatch_uid="tests.refusing")
        connected.append(hook)

    yield connect
    for hook in connected:
        hook.disconnect(dispatch_uid="tests.refusing")


def stored(event: Event) -> dict:
    return Event.objects.filter(pk=event.pk).values().get()


def an_hour_ago() -> dict:
    start = timezone.localtime(timezone.now() - dt.timedelta(hours=1))
    end = start + dt.timedelta(hours=2)
    return {
        "time_zone": str(timezone.get_current_timezone()),
        "start_date": start.date(),
        "start_time": start.time().replace(second=0, microsecond=0),
        "end_date": end.date(),
        "end_time": end.time().replace(second=0, microsecond=0),
    }


def test_update_event_sends_meeting_changed_after_saving_inside_its_transaction(
    transactional_db, event, organiser, heard
):
    old_title = event.title

    saved = events.update_event(event=event, title="Renamed", by=organiser)

    (call,) = heard
    assert call["hook"] == "meeting_changed"
    assert call["sender"] is Event
    assert call["event"] is saved
    assert call["before"].title == old_title
    assert call["before"].pk == saved.pk
    assert call["by"] == organiser
    assert call["stored"] == {"title": "Renamed", "status": Event.Status.PUBLISHED}
    assert call["in_transaction"] is True
    assert saved.change_notice is None


def test_a_meeting_changed_receiver_that_raises_rolls_the_update_back(event, refusing):
    before = stored(event)
    refusing(hooks.meeting_changed, RuntimeError("a receiver failed"))

    with pytest.raises(RuntimeError, match="a receiver failed"):
        events.update_event(event=event, title="Renamed", capacity=99)

    assert stored(event) == before


def test_cancel_event_sends_meeting_cancelled_once_inside_its_transaction(
    transactional_db, event, organiser, heard
):
    cancelled = events.cancel_event(event=event, by=organiser)
    events.cancel_event(event=cancelled, by=organiser)  # twice changes nothing

    (call,) = heard
    assert call["hook"] == "meeting_cancelled"
    assert call["event"] is cancelled
    assert call["before"] is not cancelled
    assert call["before"].status == Event.Status.PUBLISHED
    assert call["by"] == organiser
    assert call["stored"] == {"title": event.title, "status": Event.Status.CANCELLED}
    assert call["in_transaction"] is True
    assert cancelled.change_notice is None


def test_a_meeting_cancelled_receiver_that_raises_rolls_the_cancellation_back(event, refusing):
    before = stored(event)
    refusing(hooks.meeting_cancelled, RuntimeError("a receiver failed"))

    with pytest.raises(RuntimeError, match="a receiver failed"):
        events.cancel_event(event=event)

    assert stored(event) == before


def test_moving_into_the_past_asks_the_hook_before_saving_and_refuses(event, heard):
    before = stored(event)

    with pytest.raises(ValidationError) as refused:
        events.update_event(event=event, **an_hour_ago())

    assert refused.value.message_dict == {"start_date": [PAST_MESSAGE]}
    (call,) = heard
    assert call["hook"] == "meeting_moving_to_past"
    assert call["event"].starts_at < timezone.now() < call["before"].starts_at
    assert call["stored"] == {"title": event.title, "status": Event.Status.PUBLISHED}
    assert stored(event) == before


def test_a_receiver_refusing_a_move_into_the_past_gives_the_organisers_message(event, refusing):
    before = stored(event)
    refusing(
        hooks.meeting_moving_to_past,
        ValidationError({"start_date": "Not while the hall is booked."}),
    )

    with pytest.raises(ValidationError) as refused:
        events.update_event(event=event, **an_hour_ago())

    assert refused.value.message_dict == {"start_date": ["Not while the hall is booked."]}
    assert stored(event) == before


def test_meeting_moving_to_past_is_not_sent_for_a_move_ahead_an_allowed_move_or_a_new_meeting(
    group, event, heard
):
    a_week_later = event.start_date + dt.timedelta(days=7)
    events.update_event(event=event, start_date=a_week_later, end_date=a_week_later)
    events.update_event(event=event, allow_past_start=True, **an_hour_ago())  # an import
    with pytest.raises(ValidationError):
        events.create_event(group=group, title="New", allow_past_start=False, **an_hour_ago())

    assert [call["hook"] for call in heard] == ["meeting_changed", "meeting_changed"]
    assert Event.objects.get(pk=event.pk).starts_at < timezone.now()
