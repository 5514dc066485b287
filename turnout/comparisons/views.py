"""The public comparison page (being written)."""

from django.http import Http404


def comparison_page(request, group: str, comparison: str):
    raise Http404
