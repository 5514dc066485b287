"""What a group sends its followers when its organisers act on a meeting (issue 21,
item 3), decided from the meeting before and after the change.

A meeting is federated while it is published or cancelled and listed
(``objects.check_federated``). Each change is one of four moves:

- it becomes federated (published, republished, listed again): ``Create{Event}``;
- it stays federated and changed: ``Update{Event}``, plus a ``Create{Note}`` when the
  time or the place changed (Mastodon tells nobody of an Update: activities.py says why);
- it is cancelled: ``Update`` with ``ical:status`` CANCELLED, plus the note "cancelled";
- it stops being federated (back to draft, unlisted, deleted): ``Delete{Tombstone}``;
  a deleted one's id is kept (``DeletedObject``) to answer 410 Gone with the Tombstone.

Anything else (a draft edited, an unlisted meeting changed) sends nothing: what never
left stays here. Everything is written in the organiser's transaction by
``outgoing.send``, to the group's accepted followers only; no followers, no rows.
"""

from django.utils import timezone

from turnout.events.models import Event
from turnout.events.places import place_text
from turnout.federation import activities, outgoing
from turnout.federation.models import DeletedObject, Follower, SentActivity
from turnout.federation.objects import NotFederated, check_federated


def is_federated(event: Event) -> bool:
    try:
        check_federated(event)
    except NotFederated:
        return False
    return True


def _send(event: Event, activity: dict) -> None:
    inboxes = outgoing.inboxes_of(
        Follower.objects.filter(group=event.group, accepted_at__isnull=False)
    )
    if not inboxes:
        return
    if SentActivity.objects.filter(activity_id=activity["id"]).exists():
        # The same move again (published, withdrawn, published again): a new activity,
        # or outgoing.send would take it for the first one, already delivered.
        activity = {**activity, "id": f"{activity['id']}-{activities.stamp(timezone.now())}"}
    outgoing.send(group=event.group, activity=activity, inboxes=inboxes)


def published(*, event: Event) -> None:
    if is_federated(event):
        _send(event, activities.create(event))


def _time_changed(event: Event, before: Event) -> bool:
    return (event.starts_at, event.ends_at, event.all_day) != (
        before.starts_at,
        before.ends_at,
        before.all_day,
    )


def changed(*, event: Event, before: Event) -> None:
    was, now = is_federated(before), is_federated(event)
    if now and not was:
        _send(event, activities.create(event))
    elif was and not now:
        _send(event, activities.delete(event))
    elif now:
        _send(event, activities.update(event))
        if _time_changed(event, before):
            _send(event, activities.note_about_change(event, "time"))
        if place_text(event) != place_text(before):
            _send(event, activities.note_about_change(event, "place"))


def cancelled(*, event: Event, before: Event) -> None:
    if is_federated(event) and is_federated(before):
        _send(event, activities.update(event))
        _send(event, activities.note_about_change(event, "cancelled"))


def unpublished(*, event: Event, before: Event) -> None:
    if is_federated(before):
        _send(event, activities.delete(event))


def deleting(*, event: Event) -> None:
    """Before the row goes: Delete to the followers, and the id kept to answer 410."""
    if not is_federated(event):
        return
    deleted = timezone.now()
    DeletedObject.objects.get_or_create(
        federation_id=event.federation_id,
        defaults={"group": event.group, "deleted_at": deleted},
    )
    _send(event, activities.delete(event, deleted=deleted))
