"""Flyer downloads (being written)."""

from django.http import Http404


def flyer_pdf(request, group: str, event: str):
    raise Http404


def flyer_png(request, group: str, event: str):
    raise Http404
