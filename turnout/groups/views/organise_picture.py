"""The owners' page for their group's picture: upload or replace it, change its
description, remove it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from turnout.core import pictures, uploads
from turnout.core.forms import PictureForm, add_service_errors
from turnout.groups import selectors


@login_required
@require_http_methods(["GET", "POST"])
@uploads.accepts_up_to(pictures.MAX_BYTES)
def group_picture(request: HttpRequest, group: str) -> HttpResponse:
    found = selectors.group_for_owner(user=request.user, slug=group)
    if request.method == "GET":
        form = PictureForm(initial={"alt_text": found.picture.alt_text if found.picture else ""})
    else:
        form = PictureForm(request.POST, request.FILES, too_large=uploads.too_large(request))
        if form.is_valid():
            try:
                pictures.attach(
                    found,
                    upload=form.cleaned_data["picture"],
                    alt_text=form.cleaned_data["alt_text"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                found.refresh_from_db()
            else:
                messages.success(request, _("Picture saved."))
                return redirect("organise:group_edit", group=found.slug)
    context = {"form": form, "group": found, "picture": found.picture}
    return render(request, "groups/organise/group_picture.html", context)


@login_required
@require_POST
def group_picture_remove(request: HttpRequest, group: str) -> HttpResponse:
    found = selectors.group_for_owner(user=request.user, slug=group)
    pictures.detach(found)
    messages.success(request, _("Picture removed."))
    return redirect("organise:group_edit", group=found.slug)
