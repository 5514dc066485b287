"""The actors' JSON: each group a ``Group``, and the instance actor an ``Application``.

Why ``Group`` with seven collections: Mobilizon's actor converter
(framasoft/mobilizon lib/federation/activity_stream/converter/actor.ex,
``as_to_model_data``) accepts Application, Group, Organization, Person and Service and
reads ``members``, ``resources``, ``todos``, ``events``, ``posts`` and ``discussions``
besides the outbox; a ``Group`` lacking them is not taken as a group, so it would not be
listed as one nor its events shown as the group's. The six extra collections answer
empty ``OrderedCollection``s (Turnout has no such things to share; ``events`` stays
empty because Mobilizon takes a group's events from the outbox's ``Create{Event}``:
framasoft/mobilizon lib/federation/activity_pub/refresher.ex, ``fetch_group``).
Mastodon shows a ``Group`` as an account that can be followed like any other
(mastodon/mastodon
app/services/activitypub/process_account_service.rb reads preferredUsername, name,
summary, icon, url, inbox, outbox, followers, endpoints.sharedInbox, publicKey,
manuallyApprovesFollowers, discoverable and published). ``discoverable`` is True:
every group is listed on /groups/; Mobilizon reads it as the group's visibility.

Nothing about people is in them: no organiser, no contact address, no followers' ids.
"""

from django.conf import settings

from turnout.core.links import absolute_file_url, absolute_url, site_host
from turnout.federation import ids, keys
from turnout.groups.models import Group

AS = "https://www.w3.org/ns/activitystreams"
MOBILIZON_COLLECTIONS = ("members", "resources", "todos", "posts", "events", "discussions")
ACTOR_CONTEXT = [
    AS,
    "https://w3id.org/security/v1",
    {
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "toot": "http://joinmastodon.org/ns#",
        "discoverable": "toot:discoverable",
        # As Mobilizon's own context names its group collections.
        "mz": "https://joinmobilizon.org/ns#",
        **{name: {"@id": f"mz:{name}", "@type": "@id"} for name in MOBILIZON_COLLECTIONS},
    },
]


def group_actor(group: Group) -> dict:
    base = ids.group_id(group)
    actor = {
        "@context": ACTOR_CONTEXT,
        "id": base,
        "type": "Group",
        "preferredUsername": group.slug,
        "name": group.name,
        "summary": str(group.about_html),
        "url": absolute_url("public:group", group=group.slug),
        "inbox": base + "inbox/",
        "outbox": base + "outbox/",
        "followers": base + "followers/",
        **{name: f"{base}{name}/" for name in MOBILIZON_COLLECTIONS},
        "endpoints": {"sharedInbox": ids.shared_inbox()},
        "manuallyApprovesFollowers": group.manually_approves_followers,
        "discoverable": True,
        "published": _instant(group.created_at),
        "publicKey": {
            "id": ids.key_id(group),
            "owner": base,
            "publicKeyPem": keys.public_key_pem(group=group),
        },
    }
    if group.picture is not None:
        actor["icon"] = {
            "type": "Image",
            "mediaType": "image/jpeg",  # turnout.core.pictures stores JPEG only
            "url": absolute_file_url(group.picture.small_url),
        }
    return actor


def instance_actor() -> dict:
    """The server's own actor, for relays (Mobilizon's ``relay@host``) and for fetches
    that a remote server answers only when signed.

    ``manuallyApprovesFollowers`` is True: a follow of it is a request, never accepted at
    once. Mobilizon's relay never accepts one by itself either (framasoft/mobilizon
    lib/federation/activity_pub/types/actors.ex, ``approve_if_manually_approves_followers``
    leaves the relay actor to its admin, relay.ex ``accept/1``), and Turnout sends nothing
    through this actor that a follower would receive: each group is followed on its own.
    """
    base = ids.instance_actor()
    return {
        "@context": ACTOR_CONTEXT,
        "id": base,
        "type": "Application",
        "preferredUsername": site_host(),
        "name": "Turnout",
        "url": settings.BASE_URL + "/",
        "inbox": ids.shared_inbox(),
        "outbox": base + "outbox/",
        "endpoints": {"sharedInbox": ids.shared_inbox()},
        "manuallyApprovesFollowers": True,
        "discoverable": False,
        "publicKey": {
            "id": base + "#main-key",
            "owner": base,
            "publicKeyPem": keys.public_key_pem(group=None),
        },
    }


def collection(collection_id: str, total: int, **more) -> dict:
    """An ``OrderedCollection`` that gives its size and no items: the followers (a count,
    never the list), the collections with nothing in them yet, and (with its ``first``
    page in ``more``) the outbox."""
    return {
        "@context": AS,
        "id": collection_id,
        "type": "OrderedCollection",
        "totalItems": total,
        **more,
    }


def collection_page(collection_id: str, page: int, items: list, *, more: bool) -> dict:
    """One page of an outbox, newest first; ``next`` while there are more."""
    page_id = f"{collection_id}?page={page}"
    document = {
        "@context": AS,
        "id": page_id,
        "type": "OrderedCollectionPage",
        "partOf": collection_id,
        "orderedItems": items,
    }
    if more:
        document["next"] = f"{collection_id}?page={page + 1}"
    return document


def _instant(value) -> str:
    return value.isoformat().replace("+00:00", "Z")
