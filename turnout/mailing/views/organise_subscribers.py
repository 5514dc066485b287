"""The organiser's view of a group's mailing list: counts, the list, CSV export and import."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from turnout.core import uploads
from turnout.core.csvexport import csv_download
from turnout.groups import selectors
from turnout.mailing.forms_subscriptions import ImportForm
from turnout.mailing.services import subscriptions

SUBSCRIBERS_PER_PAGE = 50


@login_required
def subscriber_list(request: HttpRequest, group: str) -> HttpResponse:
    found = selectors.group_for_organiser(user=request.user, slug=group)
    paginator = Paginator(subscriptions.subscribers(group=found), SUBSCRIBERS_PER_PAGE)
    context = {
        "group": found,
        "page": paginator.get_page(request.GET.get("page")),
        "suppressed": subscriptions.suppressed_count(group=found),
        "form": ImportForm(),
    }
    return render(request, "mailing/subscribers/list.html", context)


@login_required
def subscriber_export(request: HttpRequest, group: str) -> StreamingHttpResponse:
    found = selectors.group_for_organiser(user=request.user, slug=group)
    lines = subscriptions.export_csv(group=found, by=request.user)
    return csv_download(lines, f"{found.slug}-subscribers.csv")


@login_required
@require_http_methods(["GET", "POST"])
def subscriber_import(request: HttpRequest, group: str) -> HttpResponse:
    found = selectors.group_for_organiser(user=request.user, slug=group)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, too_large=uploads.too_large(request))
    else:
        form = ImportForm()
    if form.is_bound and form.is_valid():
        try:
            report = subscriptions.import_csv(
                group=found, file=form.cleaned_data["file"], by=request.user
            )
        except subscriptions.ImportRejected as exc:
            form.add_error("file", ValidationError(exc.message, code=exc.code))
        else:
            context = {"group": found, "report": report}
            return render(request, "mailing/subscribers/import_result.html", context)
    return render(request, "mailing/subscribers/import.html", {"group": found, "form": form})
