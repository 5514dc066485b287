"""Taking a meeting back: unpublish (back to draft) and delete.

Both only while nobody has ever registered (rsvp refuses through
``hooks.meeting_withdrawing``; otherwise the organiser cancels, and the people registered
are told). Neither is a silent disappearance for whoever saw the meeting:

- an unpublished meeting keeps ``published_at``, so the calendar feeds go on carrying it
  as cancelled (``EventQuerySet.in_feeds``, ``Event.shown_as_cancelled``) until it is
  published again, with its SEQUENCE raised so that calendars take the change;
- a deleted meeting's address stays reserved for good (``addresses.keep_address_of_deleted_event``)
  and answers 404; the deletion is recorded in the group's audit log.
"""

from django.db import transaction
from django.utils import timezone

from turnout.core import pagecache
from turnout.events import hooks
from turnout.events.models import Event
from turnout.groups import audit
from turnout.groups.models import User


def _locked(event: Event) -> Event:
    """The meeting's row, locked for the rest of the transaction (a registration
    arriving meanwhile waits for the answer, then finds the meeting gone or a draft)."""
    return Event.objects.select_for_update().get(pk=event.pk)


@transaction.atomic
def unpublish_event(*, event: Event) -> Event:
    """Back to draft; a draft stays one. ValidationError if anyone ever registered."""
    locked = _locked(event)
    if locked.status != Event.Status.PUBLISHED:
        return event
    hooks.meeting_withdrawing.send(sender=Event, event=locked, action="unpublish")
    Event.objects.filter(pk=event.pk).update(
        status=Event.Status.DRAFT,
        sequence=locked.sequence + 1,
        updated_at=timezone.now(),
    )
    event.refresh_from_db()
    hooks.meeting_unpublished.send(sender=Event, event=event, before=locked)
    transaction.on_commit(pagecache.drop_all)  # gone from the cached pages at once
    return event


@transaction.atomic
def delete_event(*, event: Event, by: User | None) -> None:
    """Delete a meeting nobody ever registered for, recorded in the group's audit log.
    ValidationError otherwise."""
    locked = _locked(event)
    hooks.meeting_withdrawing.send(sender=Event, event=locked, action="delete")
    audit.record(
        group=event.group, actor=by, action=audit.Action.EVENT_DELETED, subject=locked.title
    )
    hooks.meeting_deleting.send(sender=Event, event=locked, by=by)
    locked.delete()  # its address is kept by a pre_delete receiver (addresses.py)
    transaction.on_commit(pagecache.drop_all)
