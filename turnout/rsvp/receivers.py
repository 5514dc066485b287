"""rsvp's reactions to a meeting's change, announced by turnout.events.hooks.

Each receiver is one call to an rsvp service; ``connect`` (called by RsvpConfig.ready())
connects them in the order they run. events sends the hooks inside the transaction of
the change, so what they write commits or rolls back with it.
"""

from turnout.events import hooks
from turnout.events.models import Event
from turnout.rsvp import notices, reminders
from turnout.rsvp import services as rsvp


def refuse_move_to_past(*, event: Event, **kwargs) -> None:
    notices.refuse_move_to_past(event=event)


def move_reminders(*, event: Event, before: Event, **kwargs) -> None:
    if event.starts_at != before.starts_at:
        reminders.start_moved(event=event)


def record_change_notice(*, event: Event, before: Event, by, **kwargs) -> None:
    event.change_notice = notices.record_changes(event=event, before=before, by=by)


def promote_waitlist(*, event: Event, before: Event, **kwargs) -> None:
    if event.capacity != before.capacity:
        rsvp.promote_waitlist(event=event)  # a raised capacity frees seats


def record_cancellation_notice(*, event: Event, by, **kwargs) -> None:
    event.change_notice = notices.record_cancellation(event=event, by=by)


def refuse_withdrawal(*, event: Event, action: str, **kwargs) -> None:
    notices.refuse_withdrawal(event=event, action=action)


RECEIVERS = [
    (hooks.meeting_moving_to_past, refuse_move_to_past),
    (hooks.meeting_changed, move_reminders),
    (hooks.meeting_changed, record_change_notice),
    (hooks.meeting_changed, promote_waitlist),
    (hooks.meeting_cancelled, record_cancellation_notice),
    (hooks.meeting_withdrawing, refuse_withdrawal),
]


def connect() -> None:
    """Connect every receiver above; connecting again changes nothing (``dispatch_uid``)."""
    for hook, receiver in RECEIVERS:
        hook.connect(receiver, sender=Event, dispatch_uid=f"rsvp.{receiver.__name__}")
