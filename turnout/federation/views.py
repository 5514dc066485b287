"""Federation's HTTP side: discovery, the actors and their collections.

Thin: the JSON is built in turnout.federation.actors and .discovery. The inboxes and
the meetings' objects are placeholders with their final addresses (the ids point at
them): the inbox answers 405 until the signed inbox is wired, the object 404 until the
meetings' Events are.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from turnout.federation import actors, discovery, ids
from turnout.federation.models import Follower
from turnout.groups.models import Group

ACTIVITY_JSON = "application/activity+json"


def activity_response(data: dict, *, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, content_type=ACTIVITY_JSON)


def _refusal(message: str, status: int) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def webfinger(request: HttpRequest) -> HttpResponse:
    try:
        jrd = discovery.webfinger(request.GET.get("resource", ""))
    except discovery.Malformed:
        return _refusal("bad resource", 400)
    if jrd is None:
        return _refusal("not found", 404)
    response = JsonResponse(jrd, content_type="application/jrd+json")
    response["Access-Control-Allow-Origin"] = "*"  # RFC 7033 section 5
    return response


@require_safe
def nodeinfo_links(request: HttpRequest) -> HttpResponse:
    return JsonResponse(discovery.nodeinfo_links())


@require_safe
def nodeinfo(request: HttpRequest) -> HttpResponse:
    profile = f'application/json; profile="{discovery.NODEINFO_SCHEMA}#"'
    return JsonResponse(discovery.nodeinfo(), content_type=profile)


def group_actor_response(group: Group) -> JsonResponse:
    return activity_response(actors.group_actor(group))


def _group(federation_id) -> Group:
    return get_object_or_404(Group.objects.select_related("picture"), federation_id=federation_id)


@require_safe
def group_actor(request: HttpRequest, federation_id) -> HttpResponse:
    return group_actor_response(_group(federation_id))


@require_safe
def group_followers(request: HttpRequest, federation_id) -> HttpResponse:
    group = _group(federation_id)
    total = Follower.objects.filter(group=group, accepted_at__isnull=False).count()
    return activity_response(actors.collection(ids.group_id(group) + "followers/", total))


@require_safe
def group_collection(request: HttpRequest, federation_id, name: str) -> HttpResponse:
    """The outbox (empty until meetings are published as Events) and Mobilizon's six
    group collections (always empty: turnout.federation.actors says why they exist)."""
    group = _group(federation_id)
    return activity_response(actors.collection(f"{ids.group_id(group)}{name}/", 0))


@require_safe
def instance_actor(request: HttpRequest) -> HttpResponse:
    return activity_response(actors.instance_actor())


@require_safe
def instance_outbox(request: HttpRequest) -> HttpResponse:
    return activity_response(actors.collection(actors.instance_actor_id() + "outbox/", 0))


def inbox(request: HttpRequest, federation_id=None) -> HttpResponse:
    """Not accepting activities yet (the signed inbox comes with issue 21's inbox part)."""
    return HttpResponseNotAllowed([])


@require_safe
def event_object(request: HttpRequest, federation_id) -> HttpResponse:
    """The meeting's Event: served once turnout.federation's objects are wired here."""
    return _refusal("not found", 404)
