"""The organiser's ICS import pages, under /organise/groups/<group>/imports/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from turnout.core import uploads
from turnout.feeds import imports, selectors
from turnout.feeds.forms import ImportForm
from turnout.feeds.models import ImportSource
from turnout.groups import selectors as groups

REVIEW_REFRESH_SECONDS = 3


def _source(request: HttpRequest, group: str, source: int):
    found = groups.group_for_organiser(user=request.user, slug=group)
    return found, get_object_or_404(ImportSource, pk=source, group=found)


@login_required
def import_list(request: HttpRequest, group: str) -> HttpResponse:
    found = groups.group_for_organiser(user=request.user, slug=group)
    sources = selectors.import_sources(group=found)
    return render(request, "feeds/organise/imports.html", {"group": found, "sources": sources})


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest, group: str) -> HttpResponse:
    found = groups.group_for_organiser(user=request.user, slug=group)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, too_large=uploads.too_large(request))
    else:
        form = ImportForm()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            if data["file"]:
                source = imports.create_from_file(
                    group=found, file=data["file"], mode=data["mode"], by=request.user
                )
            else:
                source = imports.create_from_url(
                    group=found,
                    url=data["url"],
                    mode=data["mode"],
                    subscribed=data["subscribed"],
                    by=request.user,
                )
        except imports.ImportRejected as exc:
            field = "file" if data["file"] else "url"
            form.add_error(field, ValidationError(exc.message, code=exc.code))
        else:
            return redirect("organise:import_source", group=found.slug, source=source.pk)
    return render(request, "feeds/organise/import_new.html", {"group": found, "form": form})


@login_required
def import_source(request: HttpRequest, group: str, source: int) -> HttpResponse:
    found, source_ = _source(request, group, source)
    context = {"group": found, "source": source_, "refresh": REVIEW_REFRESH_SECONDS}
    if source_.state in {ImportSource.State.READY, ImportSource.State.IMPORTED}:
        context["rows"] = imports.plan(source=source_)
        context["skipped"] = source_.found.get("skipped", [])
        if source_.mode == ImportSource.Mode.ALLIED:
            context["removed"] = imports.removed_allied(source=source_)
    return render(request, "feeds/organise/import_source.html", context)


@login_required
@require_POST
def import_apply(request: HttpRequest, group: str, source: int) -> HttpResponse:
    found, source_ = _source(request, group, source)
    if source_.state in {ImportSource.State.READY, ImportSource.State.IMPORTED}:
        counts = imports.apply_source(source=source_)
        messages.success(
            request, _("Imported: %(summary)s.") % {"summary": imports.summary(counts)}
        )
    return redirect("organise:import_source", group=found.slug, source=source_.pk)


@login_required
@require_POST
def import_refetch(request: HttpRequest, group: str, source: int) -> HttpResponse:
    found, source_ = _source(request, group, source)
    imports.refetch(source=source_)
    return redirect("organise:import_source", group=found.slug, source=source_.pk)


@login_required
@require_POST
def import_subscribe(request: HttpRequest, group: str, source: int) -> HttpResponse:
    found, source_ = _source(request, group, source)
    imports.set_subscribed(source=source_, subscribed=request.POST.get("subscribed") == "on")
    return redirect("organise:import_source", group=found.slug, source=source_.pk)


@login_required
@require_POST
def import_delete(request: HttpRequest, group: str, source: int) -> HttpResponse:
    found, source_ = _source(request, group, source)
    imports.delete_source(source=source_)
    messages.success(request, _("Import removed."))
    return redirect("organise:imports", group=found.slug)
