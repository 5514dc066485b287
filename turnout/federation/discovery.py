"""Finding Turnout's actors: WebFinger (RFC 7033) and NodeInfo 2.1.

Mastodon turns ``@slug@host`` into an actor through ``/.well-known/webfinger`` and reads
the link ``rel=self`` of type ``application/activity+json`` (mastodon/mastodon
app/lib/webfinger.rb); Mobilizon does the same and finds an instance's relay actor
through WebFinger or NodeInfo. Only groups (and the instance actor, named by the host)
are actors: an organiser's email, a meeting's slug or anything else is unknown (404).
A resource that is not of the form ``acct:name@host`` or one of Turnout's actor URLs
is refused (400): nothing is looked up for it.
"""

import re
import uuid
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlsplit

from django.conf import settings

from turnout.core import pagecache
from turnout.core.links import absolute_url, site_host
from turnout.core.slugs import SLUG_MAX_LENGTH
from turnout.events.models import Event
from turnout.federation import ids
from turnout.groups import addresses
from turnout.groups.models import Group

MAX_RESOURCE = 500
PROFILE_PAGE = "http://webfinger.net/rel/profile-page"
NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2.1"
APPLICATION = "https://www.w3.org/ns/activitystreams#Application"
NODEINFO_COUNTS = "federation:nodeinfo:counts"  # the cache key
SLUG = re.compile(rf"[a-z0-9](?:[a-z0-9-]{{0,{SLUG_MAX_LENGTH - 1}}})")
GROUP_ID = re.compile(r"/federation/groups/([0-9a-f-]{36})/")


class Malformed(ValueError):
    """The resource is not one WebFinger can be asked about here (400)."""


def webfinger(resource: str) -> dict | None:
    """The JRD for ``resource``; None when it names nothing here; Malformed if it is not
    a resource at all."""
    if not resource or len(resource) > MAX_RESOURCE or not resource.isprintable():
        raise Malformed
    if resource.startswith(("https://", "http://")):
        return _by_url(resource)
    name, host = _account(resource.removeprefix("acct:"))
    if host not in _hosts():
        return None
    if name == site_host().lower():
        return _instance_jrd()
    if not SLUG.fullmatch(name):
        return None
    group = addresses.group_at(slug=name)
    return None if group is None else _group_jrd(group)


def _account(text: str) -> tuple[str, str]:
    name, at, host = text.partition("@")
    if not at or not name or not host or "@" in host or "/" in text or "\\" in text:
        raise Malformed
    return name.lower(), host.lower()


def _domain() -> str:
    """The domain accounts here are named with: the host, and its port when the site is
    served on one (Mastodon names accounts ``user@localhost:3000`` so, and asks again
    for a subject that is not the account it asked for:
    mastodon/mastodon app/services/resolve_account_service.rb)."""
    return urlsplit(settings.BASE_URL).netloc.lower()


def _hosts() -> set[str]:
    return {site_host().lower(), _domain()}


def _by_url(resource: str) -> dict | None:
    if resource == ids.instance_actor():
        return _instance_jrd()
    if not resource.startswith(settings.BASE_URL + "/"):
        return None
    match = GROUP_ID.fullmatch(resource.removeprefix(settings.BASE_URL))
    if match is None:
        return None
    try:
        federation_id = uuid.UUID(match.group(1))
    except ValueError:
        return None
    group = Group.objects.filter(federation_id=federation_id).first()
    return None if group is None else _group_jrd(group)


def _group_jrd(group: Group) -> dict:
    actor, page = ids.group_id(group), absolute_url("public:group", group=group.slug)
    return {
        "subject": f"acct:{group.slug}@{_domain()}",
        "aliases": [actor, page],
        "links": [
            {"rel": "self", "type": "application/activity+json", "href": actor},
            {"rel": PROFILE_PAGE, "type": "text/html", "href": page},
        ],
    }


def _instance_jrd() -> dict:
    actor = ids.instance_actor()
    return {
        "subject": f"acct:{site_host()}@{_domain()}",
        "aliases": [actor],
        "links": [{"rel": "self", "type": "application/activity+json", "href": actor}],
    }


def nodeinfo_links() -> dict:
    """NodeInfo's document, and the instance actor as FEP-2677 names it (the link Gancio
    gives for its relay actor and Mobilizon looks for to follow an instance)."""
    return {
        "links": [
            {"rel": NODEINFO_SCHEMA, "href": f"{settings.BASE_URL}/nodeinfo/2.1"},
            {"rel": APPLICATION, "href": ids.instance_actor()},
        ]
    }


def nodeinfo() -> dict:
    """NodeInfo 2.1: the software, and counts of listed meetings and groups only.

    ``openRegistrations`` is True: anyone may make an organiser account at
    /organise/signup/ (turnout.groups.views.organise_accounts.sign_up has no switch;
    TURNOUT_REQUIRE_GROUP_APPROVAL holds back a new group's email, not the sign-up).
    The schema (jhass/nodeinfo schemas/2.1/schema.json) takes no other keys in ``usage``
    or ``usage.users`` and requires none of the users' counts, so nothing is said of
    people; meetings are the ``localPosts`` and the groups' count is in ``metadata``.
    """
    meetings, groups = _counts()
    return {
        "version": "2.1",
        "software": {"name": "turnout", "version": _version()},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": True,
        "usage": {"users": {}, "localPosts": meetings},
        "metadata": {"groups": groups},
    }


def _counts() -> tuple[int, int]:
    """(listed meetings, groups), kept TURNOUT_NODEINFO_CACHE_SECONDS in the cache: a
    crawler asking often costs no count each time."""
    seconds = settings.TURNOUT_NODEINFO_CACHE_SECONDS
    if seconds <= 0:
        return _count()
    return tuple(pagecache.kept(NODEINFO_COUNTS, _count, seconds))


def _count() -> tuple[int, int]:
    return Event.objects.listed().count(), Group.objects.count()


def _version() -> str:
    try:
        return version("turnout")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "0"
