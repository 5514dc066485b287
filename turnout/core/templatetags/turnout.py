import datetime as dt

from django import template
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import pgettext

from turnout.core import languages, timefmt
from turnout.core.links import absolute_url
from turnout.core.markdown import render_markdown
from turnout.core.text import shorten
from turnout.core.timefmt import all_day, in_utc
from turnout.core.timezones import is_utc

register = template.Library()


@register.filter
def markdown(text: str):
    return render_markdown(text)


@register.filter
def long_date(value) -> str:
    """ "8 December 2026", "8 грудня 2026": a date with its year, the language's way."""
    return timefmt.long_date(value) if value else ""


@register.filter
def long_date_time(value) -> str:
    """ "8 December 2026, 7pm" in ``value``'s own zone (put it there with ``|timezone``)."""
    return timefmt.long_date_time(value) if value else ""


@register.filter
def control(field):
    """A form field's control. Where people type text (a title, a name, a description),
    the text keeps its own direction: English typed into an Arabic form reads left to
    right, and the other way round."""
    if field.widget_type in ("text", "textarea", "search"):
        return field.as_widget(attrs={"dir": "auto"})
    return field.as_widget()


@register.filter
def bdi(value) -> str:
    """``value`` escaped in a ``<bdi>``: a name, email or number typed or counted in one
    direction keeps it inside a sentence of the other ("Organised by <bdi>…</bdi>").
    A filter, so that a ``blocktranslate``'s msgid stays the sentence alone."""
    return format_html("<bdi>{}</bdi>", value)


@register.filter(name="shorten")
def shorten_filter(value, limit: int) -> str:
    """``value`` in at most ``limit`` characters, cut at a word boundary (core.text)."""
    return shorten(str(value), int(limit))


@register.filter
def group_link(group) -> str:
    """The group's name, as ``bdi`` gives it, linked to the group's page: for a sentence
    ("By {{ name }}") that names the group."""
    url = reverse("public:group", kwargs={"group": group.slug})
    return format_html('<a href="{}"><bdi>{}</bdi></a>', url, group.name)


register.simple_tag(timefmt.event_when, name="event_when")
register.simple_tag(timefmt.event_moment, name="event_moment")


def _utc_instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@register.inclusion_tag("core/meeting_time.html")
def event_time(event) -> dict:
    """The event's time on a page: ``event_when`` in a ``<time>`` holding the UTC instants,
    from which turnout/local-time.js adds the visitor's own time when their zone is
    another ("(2pm your time)"). Online meetings, which people join from anywhere, also
    show the time in UTC for visitors without JavaScript. The same for every visitor: the
    page cache keeps it."""
    if event.all_day:
        return {"text": all_day(event.start_date, event.end_date)}
    online = bool(event.online_url) and not is_utc(event.time_zone)
    return {
        "text": timefmt.event_when(event),
        "start": _utc_instant(event.starts_at),
        "end": _utc_instant(event.ends_at),
        "zone": event.time_zone,
        "utc": in_utc(event.starts_at, event.ends_at) if online else "",
        # Filled in by the script, in the page's language.
        "your_time": pgettext(
            "the visitor's own time, after the meeting's", "(%(time)s your time)"
        ),
    }


@register.simple_tag
def absolute_link(viewname: str, **kwargs) -> str:
    """An absolute link on TURNOUT_BASE_URL, for feeds that other programs fetch."""
    return absolute_url(viewname, **kwargs)


@register.simple_tag
def webcal_link(viewname: str, **kwargs) -> str:
    """A ``webcal://`` link on TURNOUT_BASE_URL's host: calendar apps open it to subscribe
    (they fetch it over https, or http when the site is served over http)."""
    return "webcal://" + absolute_url(viewname, **kwargs).split("://", 1)[1]


@register.inclusion_tag("core/languages.html", takes_context=True)
def language_switcher(context) -> dict:
    """Each language offered, named in itself; a link for visitors (their page may be
    cached for others: the path only, no query, no token), a form for organisers."""
    request, user = context.get("request"), context.get("user")
    current = translation.get_language()
    return {
        "choices": [
            (code, languages.own_name(code), code == current) for code in languages.offered()
        ],
        "path": request.path if request else "/",
        "full_path": request.get_full_path() if request else "/",
        "logged_in": bool(user and user.is_authenticated),
    }
