"""The ActivityPub ids of groups, meetings and the instance (issue 21, item 1).

Built on ``federation_id`` (a UUID that never changes), never on a slug: a renamed group
or meeting keeps the one identity its followers elsewhere know. The paths are written
out here, not reversed from the URL names, so that an id stays what it was even if a
view moves; the views of turnout/federation/urls.py answer at the same paths.
"""

from django.conf import settings

ACTIVITY_JSON = "application/activity+json"
# How Turnout names itself to other servers, and the longest id it takes from them.
USER_AGENT = "Turnout federation (+https://github.com/turnout)"
URL_MAX = 2000
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def _absolute(path: str) -> str:
    """``path`` on the site's base URL (TURNOUT_BASE_URL), as turnout.core.links does."""
    return settings.BASE_URL + path


def group_id(group) -> str:
    return _absolute(f"/federation/groups/{group.federation_id}/")


def group_inbox(group) -> str:
    return group_id(group) + "inbox/"


def group_outbox(group) -> str:
    return group_id(group) + "outbox/"


def group_followers(group) -> str:
    return group_id(group) + "followers/"


def key_id(group) -> str:
    return group_id(group) + "#main-key"


def event_id(event) -> str:
    return _absolute(f"/federation/events/{event.federation_id}/")


def shared_inbox() -> str:
    return _absolute("/federation/inbox/")


def instance_actor() -> str:
    return _absolute("/federation/actor/")
