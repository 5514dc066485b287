"""The ActivityPub ids of Turnout's actors and objects: absolute URLs built on
``federation_id``, which never changes, so that a new slug never makes a new identity
for followers elsewhere. Paths as docs/federation.md lists them (the URL names in
turnout.federation.urls answer at the same paths)."""

from django.conf import settings


def group_id(group) -> str:
    return f"{settings.BASE_URL}/federation/groups/{group.federation_id}/"


def event_id(event) -> str:
    return f"{settings.BASE_URL}/federation/events/{event.federation_id}/"


def key_id(group) -> str:
    return group_id(group) + "#main-key"
