import datetime as dt

from django import template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

from turnout.core import languages, pagecache, timefmt
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


class FragmentNode(template.Node):
    def __init__(self, nodelist, parts, group):
        self.nodelist, self.parts, self.group = nodelist, parts, group

    def render(self, context) -> str:
        # This year's meetings show no year (turnout.core.timefmt): the key holds it.
        values = [part.resolve(context) for part in self.parts]
        key = ":".join(str(value) for value in [*values, timezone.now().year])
        follows = [pagecache.group_scope(self.group.resolve(context))]
        html = pagecache.fragment(key, lambda: self._render_shared(context), follows=follows)
        if pagecache.CSRF_PLACEHOLDER in html:  # a form's token: this visitor's own
            html = html.replace(pagecache.CSRF_PLACEHOLDER, str(context.get("csrf_token", "")))
        return mark_safe(html)  # noqa: S308 (rendered by the template, escaped there)

    def _render_shared(self, context) -> str:
        """What is inside, as for any visitor: a form with the placeholder for its token."""
        with context.push(csrf_token=pagecache.CSRF_PLACEHOLDER):
            return self.nodelist.render(context)


@register.tag
def fragment(parser, token):
    """``{% fragment "name" value… group=slug %}…{% endfragment %}``: what is inside, kept
    by ``turnout.core.pagecache.fragment`` under the name, the values it varies by (a
    row's id, the include's own options) and the version of ``group``'s pages; see there
    for what may and may not go inside."""
    bits = token.split_contents()[1:]
    if not bits or not bits[-1].startswith("group="):
        raise template.TemplateSyntaxError("fragment needs a name and group=… last.")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    parts = [parser.compile_filter(bit) for bit in bits[:-1]]
    return FragmentNode(nodelist, parts, parser.compile_filter(bits[-1].removeprefix("group=")))
