"""The organiser's page for a meeting's picture: upload or replace it, change its
description, show it on the A4 flyer, remove it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from turnout.core import pictures, uploads
from turnout.core.forms import add_service_errors
from turnout.events import selectors
from turnout.events import services as events
from turnout.events.forms import EventPictureForm


@login_required
@require_http_methods(["GET", "POST"])
@uploads.accepts_up_to(pictures.MAX_BYTES)
def event_picture(request: HttpRequest, group: str, event: str) -> HttpResponse:
    found = selectors.event_for_organiser(user=request.user, group_slug=group, event_slug=event)
    picture = found.picture
    initial = {"alt_text": picture.alt_text if picture else "", "on_flyer": found.picture_on_flyer}
    if request.method == "GET":
        form = EventPictureForm(initial=initial)
    else:
        too_large = uploads.too_large(request)
        form = EventPictureForm(request.POST, request.FILES, too_large=too_large)
        if form.is_valid():
            try:
                events.set_picture(
                    event=found,
                    upload=form.cleaned_data["picture"],
                    alt_text=form.cleaned_data["alt_text"],
                    on_flyer=form.cleaned_data["on_flyer"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                found.refresh_from_db()
            else:
                messages.success(request, _("Picture saved."))
                return redirect("organise:event_edit", group=found.group.slug, event=found.slug)
    context = {"form": form, "group": found.group, "event": found, "picture": found.picture}
    return render(request, "events/organise/event_picture.html", context)


@login_required
@require_POST
def event_picture_remove(request: HttpRequest, group: str, event: str) -> HttpResponse:
    found = selectors.event_for_organiser(user=request.user, group_slug=group, event_slug=event)
    events.remove_picture(event=found)
    messages.success(request, _("Picture removed."))
    return redirect("organise:event_edit", group=found.group.slug, event=found.slug)
