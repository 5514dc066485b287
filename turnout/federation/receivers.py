"""federation's reactions to a meeting's change, announced by turnout.events.hooks.

Each receiver is one call to turnout.federation.sending; ``connect`` (called by
FederationConfig.ready()) connects them. events sends the hooks inside the transaction
of the change, so what they write (the activity and its deliveries) commits or rolls
back with it.
"""

from turnout.events import hooks
from turnout.events.models import Event
from turnout.federation import sending


def send_create(*, event: Event, **kwargs) -> None:
    sending.published(event=event)


def send_change(*, event: Event, before: Event, **kwargs) -> None:
    sending.changed(event=event, before=before)


def send_cancellation(*, event: Event, before: Event, **kwargs) -> None:
    sending.cancelled(event=event, before=before)


def send_unpublished(*, event: Event, before: Event, **kwargs) -> None:
    sending.unpublished(event=event, before=before)


def send_deletion(*, event: Event, **kwargs) -> None:
    sending.deleting(event=event)


RECEIVERS = [
    (hooks.meeting_published, send_create),
    (hooks.meeting_changed, send_change),
    (hooks.meeting_cancelled, send_cancellation),
    (hooks.meeting_unpublished, send_unpublished),
    (hooks.meeting_deleting, send_deletion),
]


def connect() -> None:
    """Connect every receiver above; connecting again changes nothing (``dispatch_uid``)."""
    for hook, receiver in RECEIVERS:
        hook.connect(receiver, sender=Event, dispatch_uid=f"federation.{receiver.__name__}")
