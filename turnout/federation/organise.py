"""The organisers' page of a group's fediverse follows: those waiting for approval (when
the group approves each follower), to approve or decline, and how many follow already.

It lives in federation, under /organise/groups/<group>/fediverse/, because the people
page is groups' and groups may not import federation (layers); the people page links
here through turnout.groups.people_links, registered in FederationConfig.ready().
Only the group's organisers (``group_for_organiser``: 404 for anyone else); each button
POSTs a follow's id; one that is not among this group's waiting follows changes
nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from turnout.federation import following
from turnout.groups import selectors as groups


@login_required
@require_GET
def followers(request: HttpRequest, group: str) -> HttpResponse:
    found = groups.group_for_organiser(user=request.user, slug=group)
    context = {
        "group": found,
        "waiting": following.waiting(found),
        "accepted": following.accepted_count(found),
    }
    return render(request, "federation/organise/followers.html", context)


def _answer(request: HttpRequest, group: str, act, said: str) -> HttpResponse:
    """Answer the waiting follow the button names; one that is not (answered already,
    another group's, no id) changes nothing and says so."""
    found = groups.group_for_organiser(user=request.user, slug=group)
    pk = request.POST.get("follower", "")
    readable = pk.isascii() and pk.isdecimal() and len(pk) < 19  # an id, not an overflow
    follower = following.waiting(found).filter(pk=int(pk)).first() if readable else None
    if follower is None:
        messages.error(request, _("This follow request is no longer waiting."))
    else:
        act(follower)
        messages.success(request, said % {"account": follower.actor_id})
    return redirect("organise:fediverse", group=found.slug)


@login_required
@require_POST
def approve(request: HttpRequest, group: str) -> HttpResponse:
    return _answer(request, group, following.approve, _("%(account)s now follows the group."))


@login_required
@require_POST
def decline(request: HttpRequest, group: str) -> HttpResponse:
    said = _("The follow request of %(account)s was declined.")
    return _answer(request, group, following.decline, said)
