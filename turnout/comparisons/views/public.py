"""The public comparison page: published tables only."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from turnout.comparisons import selectors


@require_safe
def comparison_page(request: HttpRequest, group: str, comparison: str) -> HttpResponse:
    found = selectors.published_comparison(group_slug=group, slug=comparison)
    if found is None:
        raise Http404
    context = {"comparison": found, "group": found.group, "table": selectors.table_view(found)}
    return render(request, "comparisons/comparison.html", context)
