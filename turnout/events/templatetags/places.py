"""``{% load places %}``: ``event|public_place``, the meeting's place as the public may
read it (turnout.events.places), for templates that list meetings."""

from django import template

from turnout.events import places

register = template.Library()


@register.filter
def public_place(event):
    return places.public_place(event)
