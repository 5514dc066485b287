"""A group's people page: who is in it, with which role and since when, and the open
invitations. Owners remove people, change roles, hand over ownership and withdraw
invitations; anyone may leave. Each button POSTs the id of a row of the page; the
services check it belongs to this group, under a lock."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from turnout.groups import people_links, selectors
from turnout.groups import services as groups
from turnout.groups.models import Group, Membership


@login_required
@require_GET
def people(request: HttpRequest, group: str) -> HttpResponse:
    found = selectors.group_for_organiser(user=request.user, slug=group)
    members = list(selectors.people(group=found))
    owners = sum(m.role == Membership.Role.OWNER for m in members)
    is_owner = any(
        m.user_id == request.user.pk and m.role == Membership.Role.OWNER for m in members
    )
    context = {
        "group": found,
        "people": members,
        "is_owner": is_owner,
        "sole_owner": is_owner and owners == 1,
        "invitations": selectors.open_invitations(group=found),
        "more_links": people_links.for_group(found),
    }
    return render(request, "groups/organise/people.html", context)


def _owners_change(request: HttpRequest, slug: str, change: Callable[[Group], str]) -> HttpResponse:
    """Run an owner's change (an organiser gets a 404); say what it did, or why not."""
    found = selectors.group_for_owner(user=request.user, slug=slug)
    try:
        messages.success(request, change(found))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("organise:people", group=found.slug)


@login_required
@require_POST
def remove(request: HttpRequest, group: str) -> HttpResponse:
    def change(found: Group) -> str:
        removed = groups.remove_member(
            group=found, member_id=request.POST.get("member"), by=request.user
        )
        return _("%(name)s is no longer in the group.") % {"name": removed.user}

    return _owners_change(request, group, change)


@login_required
@require_POST
def set_role(request: HttpRequest, group: str) -> HttpResponse:
    def change(found: Group) -> str:
        membership = groups.set_role(
            group=found,
            member_id=request.POST.get("member"),
            role=request.POST.get("role", ""),
            by=request.user,
        )
        if membership.role == Membership.Role.OWNER:
            return _("%(name)s is now an owner.") % {"name": membership.user}
        return _("%(name)s is now an organiser.") % {"name": membership.user}

    return _owners_change(request, group, change)


@login_required
@require_POST
def transfer(request: HttpRequest, group: str) -> HttpResponse:
    def change(found: Group) -> str:
        owner = groups.transfer_ownership(
            group=found, member_id=request.POST.get("member"), by=request.user
        )
        return _("%(name)s now owns the group, and you are an organiser.") % {"name": owner.user}

    return _owners_change(request, group, change)


@login_required
@require_POST
def withdraw(request: HttpRequest, group: str) -> HttpResponse:
    def change(found: Group) -> str:
        invitation = groups.withdraw_invitation(
            group=found, invitation_id=request.POST.get("invitation"), by=request.user
        )
        withdrawn = _("The invitation to %(email)s is withdrawn: its link no longer works.")
        return withdrawn % {"email": invitation.email}

    return _owners_change(request, group, change)


@login_required
@require_POST
def leave(request: HttpRequest, group: str) -> HttpResponse:
    found = selectors.group_for_organiser(user=request.user, slug=group)
    try:
        groups.leave_group(group=found, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("organise:people", group=found.slug)
    messages.success(request, _("You have left %(group)s.") % {"group": found.name})
    return redirect("organise:dashboard")
