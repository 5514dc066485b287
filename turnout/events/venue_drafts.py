"""What an organiser typed in the meeting form, kept while they add a venue (“New venue…”).

The draft lives in the server-side session, under a random one-time key; only the key
is in the venue form's address, never what was typed. A draft is found only in the
session that made it, by the user who made it, for the group it was made for, and it is
taken (and forgotten) when the meeting form shows it again. The address it returns to is
built here from the draft (the meeting form of that group, new or that meeting), never
read from the request, so no return address can be forged. A session keeps the last
``KEEP`` drafts: a tab left open, then abandoned, costs little.
"""

import secrets

from django.contrib.sessions.backends.base import SessionBase
from django.utils.datastructures import MultiValueDict

from turnout.events.models import DESCRIPTION_MAX_LENGTH
from turnout.groups.models import Group, Venue

SESSION_KEY = "turnout.meeting_drafts"
KEEP = 5
# Longer than any field may be, so that a value too long is still refused on saving.
_VALUE_MAX = DESCRIPTION_MAX_LENGTH + 1
_VALUES_MAX = 100  # of one field: the topics ticked


def keep(session: SessionBase, *, user, group: Group, event_slug: str | None, data, fields) -> str:
    """Keeps the values posted for ``fields`` (nothing else, checked or not); its key."""
    drafts = session.get(SESSION_KEY, {})
    key = secrets.token_urlsafe(16)
    values = {
        name: [value[:_VALUE_MAX] for value in data.getlist(name)[:_VALUES_MAX]]
        for name in fields
        if name in data
    }
    drafts[key] = {
        "user": user.pk,
        "group": group.pk,
        "event": event_slug,
        "data": values,
        "venue": None,
    }
    for old in list(drafts)[:-KEEP]:  # oldest first: dicts and JSON keep the order
        del drafts[old]
    session[SESSION_KEY] = drafts
    return key


def find(session: SessionBase, *, key: str, user, group: Group) -> dict | None:
    """The draft under ``key`` if it is this user's, for this group; else None."""
    draft = session.get(SESSION_KEY, {}).get(key)
    if draft and draft["user"] == user.pk and draft["group"] == group.pk:
        return draft
    return None


def choose_venue(session: SessionBase, *, key: str, venue: Venue) -> None:
    """The new venue is the one the meeting form shows chosen."""
    session[SESSION_KEY][key]["venue"] = venue.pk
    session.modified = True


def take(
    session: SessionBase, *, key: str, user, group: Group, event_slug: str | None
) -> tuple[MultiValueDict, int | None] | None:
    """The values typed and the venue chosen, for the meeting form it was made from
    (new, or the meeting ``event_slug``); the draft is forgotten. None if there is none."""
    draft = find(session, key=key, user=user, group=group)
    if draft is None or draft["event"] != event_slug:
        return None
    del session[SESSION_KEY][key]
    session.modified = True
    return MultiValueDict(draft["data"]), draft["venue"]


def title(draft: dict) -> str:
    """The meeting's title as typed, to say what the venue is for ("" if none)."""
    return (draft["data"].get("title") or [""])[0]
