"""The group's audit log, for its owners only: what organisers did with personal data
and with the group (turnout.groups.audit). Organisers and strangers get 404."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from turnout.core.timefmt import moment
from turnout.groups import audit, selectors

PER_PAGE = 50


@login_required
@require_GET
def audit_log(request: HttpRequest, group: str) -> HttpResponse:
    found = selectors.group_for_owner(user=request.user, slug=group)
    # get_page turns any page number that is not one (text, 0, too large) into a real page.
    page = Paginator(audit.entries(group=found), PER_PAGE).get_page(request.GET.get("page"))
    lines = [(moment(entry.created_at, found.time_zone), entry) for entry in page]
    context = {"group": found, "page": page, "lines": lines}
    return render(request, "groups/organise/audit.html", context)
