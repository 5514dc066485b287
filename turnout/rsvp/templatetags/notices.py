"""A change notice written out for the organiser reading it, in their language."""

from django import template

from turnout.rsvp.changes import described

register = template.Library()


@register.filter
def changes_described(notice) -> list[dict]:
    return described(notice.changes, notice.event)
