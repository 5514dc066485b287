"""The activities about a meeting that a group sends its followers (issue 21, item 3).

``create`` when it is published, ``update`` when it changes (cancelling is an update
whose Event says ``ical:status: CANCELLED``), ``delete`` when it is withdrawn or
deleted, and ``tombstone`` for its object id afterwards.

Mastodon's followers hear nothing of an ``Update`` (mastodon/mastodon
app/lib/activitypub/activity/update.rb refreshes the stored post; recent versions tell
only people who boosted it, older ones drop an Update of anything but a Note or a
Question), so a change of time or place, and a cancellation, also get
``note_about_change``: a short
``Create{Note}`` in the meeting's language with the link, which arrives in followers'
home feeds like any post (activity/create.rb; the Note has the shape of
app/serializers/activitypub/note_serializer.rb).

Ids are stable and unique per change: ``<object id>#create``, ``#update-<when it was
last changed>``, ``#delete``; a note's id names the change and its moment, so
a delivery retried is the same activity and a second change is a new one.
"""

import datetime as dt

from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from turnout.core.timefmt import event_when
from turnout.events import places
from turnout.events.models import Event
from turnout.federation import ids
from turnout.federation.jsonld import CONTEXT
from turnout.federation.objects import NotFederated, event_object, page_url

CHANGES = ("time", "place", "cancelled")


def stamp(moment: dt.datetime) -> str:
    """A moment as it appears in activity ids: UTC, compact, to the microsecond."""
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _addressed(event: Event) -> dict:
    return {"to": [ids.PUBLIC], "cc": [ids.group_followers(event.group)]}


def _activity(event: Event, kind: str, activity_id: str, obj, published: str) -> dict:
    return {
        "@context": CONTEXT,
        "id": activity_id,
        "type": kind,
        "actor": ids.group_id(event.group),
        "published": published,
        **_addressed(event),
        "object": obj,
    }


def _bare(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "@context"}


def create(event: Event) -> dict:
    """``Create{Event}``: the meeting is published."""
    obj = _bare(event_object(event))
    return _activity(event, "Create", obj["id"] + "#create", obj, obj["published"])


def update(event: Event) -> dict:
    """``Update{Event}``: the meeting changed (or was cancelled)."""
    obj = _bare(event_object(event))
    activity_id = f"{obj['id']}#update-{stamp(event.updated_at)}"
    return _activity(event, "Update", activity_id, obj, obj["updated"])


def _note_text(event: Event, what: str) -> str:
    with translation.override(event.language):
        if what == "time":
            text = _("New time for %(title)s: %(when)s.") % {
                "title": event.title,
                "when": event_when(event),
            }
        elif what == "place":
            text = _("New place for %(title)s: %(place)s.") % {
                "title": event.title,
                "place": places.place_text(event),
            }
        else:
            text = _("Cancelled: %(title)s") % {"title": event.title}
    page = page_url(event)
    return f'<p>{escape(text)} <a href="{escape(page)}">{escape(page)}</a></p>'


def note_about_change(event: Event, what: str) -> dict:
    """``Create{Note}`` telling Mastodon followers of a change: ``what`` is "time",
    "place" or "cancelled". NotFederated for a meeting that must not leave."""
    if what not in CHANGES:
        raise ValueError(f"A note is about one of {CHANGES}, not {what!r}.")
    obj = _bare(event_object(event))  # refuses drafts and unlisted meetings
    content = _note_text(event, what)
    note_id = f"{obj['id']}#note-{what}-{stamp(event.updated_at)}"
    note = {
        "id": note_id,
        "type": "Note",
        "attributedTo": ids.group_id(event.group),
        **_addressed(event),
        "published": obj["updated"],
        "url": obj["url"],
        "content": content,
        "contentMap": {event.language: content},
        "sensitive": False,
    }
    return _activity(event, "Create", note_id + "-create", note, note["published"])


def tombstone(event: Event, *, deleted: dt.datetime | None = None) -> dict:
    """What the meeting's object id says once it is withdrawn or deleted (no context:
    ``delete`` embeds it; a view serving it adds ``CONTEXT``)."""
    return _tombstone(ids.event_id(event), deleted or timezone.now())


def _tombstone(object_id: str, deleted: dt.datetime) -> dict:
    return {
        "id": object_id,
        "type": "Tombstone",
        "formerType": "Event",
        "deleted": deleted.isoformat(),
    }


def tombstone_of_deleted(deleted) -> dict:
    """What a deleted meeting's id answers (410 Gone), from its ``DeletedObject``."""
    return {"@context": CONTEXT, **_tombstone(ids.event_id(deleted), deleted.deleted_at)}


def delete(event: Event, *, deleted: dt.datetime | None = None) -> dict:
    """``Delete{Tombstone}``: the meeting is withdrawn or deleted. NotFederated for one
    that was never published, of which nothing ever left."""
    if event.published_at is None:
        raise NotFederated(f"Meeting {event.pk} was never published: nothing to delete.")
    tomb = tombstone(event, deleted=deleted)
    return _activity(event, "Delete", tomb["id"] + "#delete", tomb, tomb["deleted"])


# Answers to a Follow (issue 21, item 4): the group accepts or rejects it. The Follow is
# embedded whole (id, actor, object): Mastodon finds the follow request by the object's
# id (mastodon/mastodon app/lib/activitypub/activity/accept.rb), Mobilizon reads the
# embedded Follow's id too (framasoft/mobilizon
# lib/federation/activity_pub/types/actors.ex, ``accept``/``reject``). The id names the
# follower and the moment: a Follow answered again (sent twice) gets a new Accept.


def _answer(kind: str, follower, *, now: dt.datetime | None = None) -> dict:
    group_id = ids.group_id(follower.group)
    when = stamp(now or timezone.now())
    return {
        "@context": CONTEXT,
        "id": f"{group_id}#{kind.lower()}s/follows/{follower.pk}-{when}",
        "type": kind,
        "actor": group_id,
        "to": [follower.actor_id],
        "object": {
            "id": follower.follow_id,
            "type": "Follow",
            "actor": follower.actor_id,
            "object": group_id,
        },
    }


def accept(follower, *, now: dt.datetime | None = None) -> dict:
    """``Accept{Follow}``: the group takes this follower."""
    return _answer("Accept", follower, now=now)


def reject(follower, *, now: dt.datetime | None = None) -> dict:
    """``Reject{Follow}``: the group's organisers declined this follower."""
    return _answer("Reject", follower, now=now)
