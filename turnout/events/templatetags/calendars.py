"""``{% load calendars %}``: "Add to calendar" (turnout.events.calendar_links).

``{% add_to_calendar event place %}`` shows the Google Calendar, Outlook.com and
calendar-file links (events/_add_to_calendar.html); ``ics=`` gives another calendar
file than the public one (an attendee's own). ``{% calendar_links event place as
links %}`` gives the two links, for an email to write out. ``place`` is the one the
viewer may read: the public place, or the attendee's (turnout.rsvp.places).
"""

from django import template
from django.urls import reverse

from turnout.events import calendar_links as links

register = template.Library()


@register.inclusion_tag("events/_add_to_calendar.html")
def add_to_calendar(event, place, ics: str = "") -> dict:
    return {
        "links": links.calendar_links(event, place=place),
        "ics": ics
        or reverse("public:event_ics", kwargs={"group": event.group.slug, "event": event.slug}),
    }


@register.simple_tag
def calendar_links(event, place) -> links.CalendarLinks:
    return links.calendar_links(event, place=place)
