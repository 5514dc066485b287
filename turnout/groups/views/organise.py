"""The organiser's side of groups: a new group, its details, co-organisers, venues (the
dashboard, the group's own page and its settings page: ``turnout.pages.views.organise``)."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from turnout.core import ratelimit
from turnout.groups import selectors
from turnout.groups import services as groups
from turnout.groups.forms import GroupForm, InviteForm, VenueForm
from turnout.groups.models import Group, Venue


@login_required
@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:  # the form checked the address; another group may take it a moment later
            group = groups.create_group(owner=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your group is ready. Add a venue, then a meeting."))
            return redirect("organise:group", group=group.slug)
    return render(request, "groups/organise/group_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, group: str) -> HttpResponse:
    """The group's settings: its owners' only (an organiser gets a 404)."""
    found = selectors.group_for_owner(user=request.user, slug=group)
    form = GroupForm(request.POST or None, instance=Group.objects.get(pk=found.pk))
    if request.method == "POST" and form.is_valid():
        try:  # the form checked the address; another group may take it a moment later
            found = groups.update_group(group=found, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            found.refresh_from_db()
        else:
            messages.success(request, _("Group saved."))
            return redirect("organise:group", group=found.slug)
    return render(request, "groups/organise/group_form.html", {"form": form, "group": found})


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, group: str) -> HttpResponse:
    found = selectors.group_for_owner(user=request.user, slug=group)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = groups.invite_organiser(
                group=found,
                email=form.cleaned_data["email"],
                invited_by=request.user,
                client=ratelimit.client_address(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            sent = _("Invitation sent to %(email)s.") % {"email": invitation.email}
            messages.success(request, sent)
            return redirect("organise:people", group=found.slug)
    return render(request, "groups/organise/invite.html", {"form": form, "group": found})


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link shows the invitation; the POST of the invited account accepts it.

    Anyone else logged in sees to which (masked) address it went, and nothing changes.
    """
    try:
        found = groups.find_invitation(token=token)
    except groups.InvitationInvalid:
        return render(request, "groups/organise/invitation_invalid.html", status=400)
    refusal = ""
    if request.user.is_authenticated:
        try:
            groups.check_invitee(invitation=found, user=request.user)
        except groups.InvitationForAnotherAddress as exc:
            refusal = _(
                "This invitation was sent to %(address)s. Log in with that address to accept it."
            ) % {"address": exc.masked}
        except ValidationError as exc:
            refusal = " ".join(exc.messages)
        if request.method == "POST" and not refusal:
            membership = groups.accept_invitation(token=token, user=request.user)
            messages.success(
                request, _("You now organise %(group)s.") % {"group": membership.group}
            )
            return redirect("organise:group", group=membership.group.slug)
    status = 403 if refusal and request.method == "POST" else 200
    context = {"invitation": found, "refusal": refusal}
    return render(request, "groups/organise/invitation.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def venue_form(request: HttpRequest, group: str, venue: int | None = None) -> HttpResponse:
    found = selectors.group_for_organiser(user=request.user, slug=group)
    instance = get_object_or_404(Venue, pk=venue, group=found) if venue is not None else None
    # The form changes its instance before it may reject it; the page shows the saved one.
    form = VenueForm(request.POST or None, instance=copy.copy(instance))
    if request.method == "POST" and form.is_valid():
        if instance:
            groups.update_venue(venue=instance, **form.cleaned_data)
        else:
            groups.create_venue(group=found, **form.cleaned_data)
        messages.success(request, _("Venue saved."))
        return redirect("organise:group", group=found.slug)
    context = {"form": form, "group": found, "venue": instance}
    return render(request, "groups/organise/venue_form.html", context)
