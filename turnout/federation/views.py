"""Federation's HTTP side: discovery, the actors and their collections.

Thin: the JSON is built in turnout.federation.actors, .discovery, .objects and
.activities; the inboxes' checks in turnout.federation.inbox.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from turnout.federation import activities, actors, discovery, ids, objects, selectors
from turnout.federation import inbox as inbox_service
from turnout.federation.models import Follower
from turnout.groups.models import Group


def activity_response(data: dict, *, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, content_type=ids.ACTIVITY_JSON)


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
    """Mobilizon's six group collections (always empty: turnout.federation.actors says
    why they exist)."""
    group = _group(federation_id)
    return activity_response(actors.collection(f"{ids.group_id(group)}{name}/", 0))


@require_safe
def group_outbox(request: HttpRequest, federation_id) -> HttpResponse:
    """The group's meetings as ``Create{Event}``, newest first: the collection with its
    first page, or with ``?page=N`` that page (a page past the end is empty)."""
    group = _group(federation_id)
    outbox_id = ids.group_outbox(group)
    events = selectors.federated_events(group)
    page = request.GET.get("page", "")
    if not page:
        return activity_response(
            actors.collection(outbox_id, events.count(), first=f"{outbox_id}?page=1")
        )
    if not (page.isascii() and page.isdecimal()) or not 0 < int(page) < 10_000:
        return _refusal("bad page", 400)
    start = (int(page) - 1) * selectors.OUTBOX_PAGE
    found = list(events[start : start + selectors.OUTBOX_PAGE + 1])
    items = [activities.create(event) for event in found[: selectors.OUTBOX_PAGE]]
    more = len(found) > selectors.OUTBOX_PAGE
    return activity_response(actors.collection_page(outbox_id, int(page), items, more=more))


@require_safe
def instance_actor(request: HttpRequest) -> HttpResponse:
    return activity_response(actors.instance_actor())


@require_safe
def instance_outbox(request: HttpRequest) -> HttpResponse:
    return activity_response(actors.collection(ids.instance_actor() + "outbox/", 0))


@csrf_exempt  # another server's POST: its signature is the check, not a CSRF token
@never_cache
def inbox(request: HttpRequest, federation_id=None) -> HttpResponse:
    """A group's inbox, or with no ``federation_id`` the shared inbox: the checks that
    need no key (turnout.federation.inbox), then 202 and the rest in the worker."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    group = None
    if federation_id is not None:
        group = Group.objects.filter(federation_id=federation_id).first()
        if group is None:
            return _refusal("not found", 404)
    try:
        inbox_service.receive(request, group=group)
    except inbox_service.Refused as refused:
        return _refusal(refused.reason, refused.status)
    return HttpResponse(status=202)


@require_safe
def event_object(request: HttpRequest, federation_id) -> HttpResponse:
    """The meeting's Event; 404 for a draft or an unlisted meeting, as for none at all;
    410 with a Tombstone for one deleted after it was federated."""
    event = selectors.federated_event(federation_id)
    if event is None:
        deleted = selectors.deleted_event(federation_id)
        if deleted is not None:
            return activity_response(activities.tombstone_of_deleted(deleted), status=410)
        return _refusal("not found", 404)
    try:
        return activity_response(objects.event_object(event))
    except objects.NotFederated:
        return _refusal("not found", 404)
