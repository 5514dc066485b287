"""Events as Atom 1.0 (RFC 4287): a feed per group and one for the whole site.

A feed holds published and cancelled meetings that started at most 90 days ago, the
latest start first (drafts never). Each entry is one meeting: a ``tag:`` id that never
changes (the host and the meeting's pk), its title ("Cancelled: …" once cancelled),
``updated`` (the meeting's last change), ``published``, a link to its page, the group
as author, a plain-text summary (when and where) and the sanitised description as
HTML. The online meeting link never appears.

Readers ask again and again; ``fingerprint`` answers "has anything changed?" with one
aggregate query, so an unchanged feed costs a 304 and no rendering.
"""

import datetime as dt
import hashlib
import re
import xml.etree.ElementTree as ET

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from turnout.core.links import absolute_url, site_host
from turnout.events import places, selectors
from turnout.events.models import Event
from turnout.feeds.jsonld import SITE_NAME, display_title, when_text
from turnout.groups.models import Group

ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"
DAYS_BACK = 90
MAX_ENTRIES = 500
# Characters XML 1.0 does not allow at all (most C0 controls, lone surrogates, U+FFFE/F).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A fixed day for the site feed's tag: id, which must never change.
_SITE_TAG_DATE = dt.date(2025, 1, 1)


def _window(group: Group | None) -> QuerySet[Event]:
    since = timezone.now() - dt.timedelta(days=DAYS_BACK)
    return selectors.feed_events(group=group).filter(starts_at__gte=since)


def feed_events(*, group: Group | None = None) -> QuerySet[Event]:
    return _window(group).order_by("-starts_at", "pk")[:MAX_ENTRIES]


def fingerprint(*, group: Group | None = None) -> tuple[str, dt.datetime | None]:
    """(ETag, Last-Modified) of the feed, from one aggregate query.

    The count changes when a meeting leaves the 90-day window or appears in it; the
    latest ``updated_at`` when one is edited, published or cancelled. The language
    (titles, dates) and the group's name are part of the tag too.
    """
    found = _window(group).order_by().aggregate(latest=Max("updated_at"), n=Count("pk"))
    latest = found["latest"]
    parts = [
        latest.isoformat() if latest else "-",
        str(found["n"]),
        get_language() or "",
        group.name if group else "",
        settings.BASE_URL,
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f'"{digest}"', latest


# --- writing


def _text(value: str) -> str:
    return _NOT_XML.sub("", value or "")


def _date(value: dt.datetime) -> str:
    """RFC 3339 in UTC, to the second: 2025-06-11T18:00:00Z."""
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def entry_id(event: Event) -> str:
    """tag:host,day-created:event-pk (RFC 4151): whatever is edited, it stays."""
    day = event.created_at.astimezone(dt.UTC).date().isoformat()
    return f"tag:{site_host()},{day}:event-{event.pk}"


def feed_id(group: Group | None) -> str:
    if group is None:
        return f"tag:{site_host()},{_SITE_TAG_DATE.isoformat()}:feed"
    day = group.created_at.astimezone(dt.UTC).date().isoformat()
    return f"tag:{site_host()},{day}:group-{group.pk}"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.replace("_", ":"): v for k, v in attrs.items()})
    if text is not None:
        element.text = _text(text)
    return element


def _author(parent: ET.Element, group: Group) -> None:
    author = _add(parent, "author")
    _add(author, "name", group.name)
    _add(author, "uri", absolute_url("public:group", group=group.slug))


def summary(event: Event) -> str:
    lines = [when_text(event), places.place_text(event)]
    if event.shown_as_cancelled:
        lines.insert(0, _("This meeting has been cancelled."))
    if event.tagline:
        lines.append(event.tagline)
    return "\n".join(line for line in lines if line)


def _entry(feed: ET.Element, event: Event) -> None:
    entry = _add(feed, "entry", xml_lang=event.language)
    _add(entry, "id", entry_id(event))
    _add(entry, "title", display_title(event), type="text")
    _add(entry, "updated", _date(event.updated_at))
    _add(entry, "published", _date(event.published_at or event.created_at))
    page = absolute_url("public:event", group=event.group.slug, event=event.slug)
    _add(entry, "link", rel="alternate", type="text/html", href=page)
    _author(entry, event.group)
    _add(entry, "summary", summary(event), type="text")
    if event.description:
        _add(entry, "content", str(event.description_html), type="html")


def render(*, group: Group | None, events, updated: dt.datetime | None) -> bytes:
    """The feed as UTF-8 XML; ``updated`` is the latest change (``fingerprint``)."""
    feed = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": get_language() or "en"})
    _add(feed, "id", feed_id(group))
    if group is None:
        title = _("Meetings on %(site)s") % {"site": SITE_NAME}
        self_url, page = absolute_url("public:site_atom"), absolute_url("public:home")
    else:
        title = _("Meetings of %(group)s") % {"group": group.name}
        self_url = absolute_url("public:group_atom", group=group.slug)
        page = absolute_url("public:group", group=group.slug)
    _add(feed, "title", title, type="text")
    fallback = group.created_at if group else timezone.make_aware(dt.datetime(2025, 1, 1))
    _add(feed, "updated", _date(updated or fallback))
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=page)
    if group is not None:  # the site feed's entries each name their own group
        _author(feed, group)
    _add(feed, "generator", "Turnout")
    for event in events:
        _entry(feed, event)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
