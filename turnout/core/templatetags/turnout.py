from django import template

from turnout.core.markdown import render_markdown
from turnout.core.timefmt import moment, when

register = template.Library()


@register.filter
def markdown(text: str):
    return render_markdown(text)


@register.simple_tag
def event_when(event) -> str:
    """The event's time in its own zone, naming the zone when it is not the group's."""
    label = event.time_zone.replace("_", " ") if event.time_zone != event.group.time_zone else ""
    return when(event.local_start, event.local_end, zone_label=label)


@register.simple_tag
def event_moment(event, value) -> str:
    """An instant about the event (registration opens, a hold expires) in the event's zone."""
    return moment(value, event.time_zone)
