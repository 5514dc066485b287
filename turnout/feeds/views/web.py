"""Atom feeds and the embeddable widget (being written)."""

from django.http import Http404


def group_atom(request, group: str):
    raise Http404


def site_atom(request):
    raise Http404


def widget(request, group: str):
    raise Http404
