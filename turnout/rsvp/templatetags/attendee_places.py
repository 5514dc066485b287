"""``{% load attendee_places %}``: ``registration|attendee_place``, the meeting's place
as this attendee may read it (turnout.rsvp.places), for their page and their emails."""

from django import template

from turnout.rsvp import places

register = template.Library()


@register.filter
def attendee_place(registration):
    return places.attendee_place(registration)
