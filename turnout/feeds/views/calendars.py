"""iCalendar feeds (being written)."""

from django.http import Http404


def event_ics(request, group: str, event: str):
    raise Http404


def group_ics(request, group: str):
    raise Http404


def site_ics(request):
    raise Http404
