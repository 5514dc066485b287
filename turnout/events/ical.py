"""Events as iCalendar (RFC 5545): "add to calendar", email attachments and the feeds.

The event keeps its local time and IANA zone, so DTSTART/DTEND carry a TZID with a
matching VTIMEZONE: a calendar shows the meeting at the time it was announced. An
all-day meeting is DTSTART/DTEND;VALUE=DATE, the end being the day after the last day.

``icalendar`` escapes text (commas, semicolons, backslashes, newlines), folds lines at
75 octets without cutting a character, and ends every line with CRLF.
"""

import datetime as dt
import re

import icalendar
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from turnout.core.links import absolute_url, site_host
from turnout.events import places
from turnout.events.models import Event

PRODID = "-//Turnout//Turnout//EN"
# C0 controls and DEL may not appear in a TEXT value (RFC 5545 3.3.11); \t and \n may.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINK_SCHEMES = ("http://", "https://", "mailto:")


def event_uid(event: Event) -> str:
    """Stable for the event's whole life: the pk never changes, whatever is edited."""
    return f"event-{event.pk}@{site_host()}"


def plain(text: str) -> str:
    """User text made fit for a TEXT value: one kind of line break, no control characters.

    A title like "Title\\r\\nBEGIN:VEVENT" stays one property: icalendar writes its line
    break as the two characters \\n.
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", text)


# --- Markdown as plain text

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def _inline_text(children) -> str:
    out, links = [], []
    for token in children or []:
        kind = token.type
        if kind in {"text", "code_inline", "html_inline"}:
            out.append(token.content)
        elif kind in {"softbreak", "hardbreak"}:
            out.append("\n")
        elif kind == "image":
            out.append(_inline_text(token.children))
        elif kind == "link_open":
            href = token.attrGet("href") or ""
            links.append((href, len(out)))
        elif kind == "link_close" and links:
            href, begin = links.pop()
            label = "".join(out[begin:])
            shown = href.removeprefix("mailto:")
            if href.startswith(_LINK_SCHEMES) and shown != label:
                out.append(f" ({href})")
    return "".join(out)


def markdown_text(text: str) -> str:
    """The description's Markdown as a reader sees it, in plain text: no ``**`` or ``#``,
    lists as "- " and "1. ", links as "text (url)", images as their alt text."""
    blocks: list[tuple[str, str]] = []  # (text, kind): kind "item", "row" or ""
    prefixes: list[str] = []  # one per open list or quote
    numbers: list[int | None] = []  # the next number of each open list (None: bullets)
    item_marker = ""
    row: list[str] | None = None  # the cells of the table row being read
    tight_list, lists = False, 0
    for token in _markdown.parse(plain(text)):
        kind = token.type
        if kind in {"bullet_list_open", "ordered_list_open"}:
            if not numbers:
                lists += 1  # items of one list (and the lists inside it) go together
            ordered = kind == "ordered_list_open"
            numbers.append(int(token.attrGet("start") or 1) if ordered else None)
        elif kind in {"bullet_list_close", "ordered_list_close"}:
            numbers.pop()
        elif kind == "list_item_open":
            number = numbers[-1]
            item_marker = "- " if number is None else f"{number}. "
            if number is not None:
                numbers[-1] = number + 1
            prefixes.append(" " * len(item_marker))
        elif kind == "list_item_close":
            prefixes.pop()
        elif kind == "blockquote_open":
            prefixes.append("> ")
        elif kind == "blockquote_close":
            prefixes.pop()
        elif kind == "tr_open":
            row = []
        elif kind == "inline" and row is not None:
            row.append(_inline_text(token.children).strip())
        elif kind == "tr_close" and row is not None:
            blocks.append((_prefixed(" | ".join(row), prefixes, ""), "row"))
            row = None
        elif kind in {"inline", "code_block", "fence"}:
            body = _inline_text(token.children) if kind == "inline" else token.content
            body = body.rstrip("\n")
            marker, item_marker = item_marker, ""
            # A tight list's items (their paragraphs hidden) go one to a line.
            tight = tight_list and bool(numbers)
            blocks.append((_prefixed(body, prefixes, marker), f"item{lists}" if tight else ""))
        elif kind == "hr":
            blocks.append((_prefixed("———", prefixes, ""), ""))
        elif kind == "paragraph_open":
            tight_list = token.hidden
    text, previous = "", None
    for block, kind in blocks:
        if block.strip():
            tight = kind and kind == previous
            text += ("\n" if tight else "\n\n") + block if text else block
            previous = kind
    return text


def _prefixed(body: str, prefixes: list[str], marker: str) -> str:
    """Indent a block under its list items and quotes; a new item starts with its marker."""
    lead = "".join(prefixes)
    if marker:
        lead = lead[: -len(marker)] + marker
    rest = "".join(prefixes)
    lines = body.split("\n")
    return "\n".join([lead + lines[0], *(rest + line for line in lines[1:])])


# --- components


def location(event: Event, *, online_url: str = "", full_address: bool = False) -> str:
    """The venue's name and address (only the area of a private address, unless
    ``full_address``: turnout.events.places); "Online" for an online meeting (its link
    only when given, for someone allowed to see it)."""
    shown = places.place(event, full=full_address)
    if shown:
        return shown.text
    return online_url or _("Online")


def vevent(
    event: Event,
    *,
    online_url: str = "",
    full_address: bool = False,
    dtstamp: dt.datetime | None = None,
):
    """One VEVENT. ``online_url`` and ``full_address`` only for someone allowed to see
    them; ``dtstamp`` the moment this copy was made (feeds pass the last change, so a
    copy stays the same)."""
    page = absolute_url("public:event", group=event.group.slug, event=event.slug)
    entry = icalendar.Event()
    entry.add("uid", event_uid(event))
    entry.add("dtstamp", (dtstamp or timezone.now()).astimezone(dt.UTC))
    entry.add("created", event.created_at.astimezone(dt.UTC))
    entry.add("last-modified", event.updated_at.astimezone(dt.UTC))
    entry.add("sequence", event.sequence)
    if event.all_day:
        entry.add("dtstart", event.start_date)
        entry.add("dtend", max(event.end_date, event.start_date + dt.timedelta(days=1)))
    else:
        entry.add("dtstart", event.local_start)
        entry.add("dtend", event.local_end)
    entry.add("summary", plain(event.title))
    entry.add("url", page)
    entry.add("status", "CANCELLED" if event.shown_as_cancelled else "CONFIRMED")
    with translation.override(event.language):
        description = [plain(event.tagline), markdown_text(event.description), page]
        if online_url:
            description.insert(0, online_url)
        entry.add("description", "\n\n".join(part for part in description if part))
        place = location(event, online_url=online_url, full_address=full_address)
    entry.add("location", plain(place))
    entry.add("organizer", f"mailto:{event.group.contact_email}", {"CN": plain(event.group.name)})
    return entry


def new_calendar(*, name: str = "", time_zone: str = "", refresh_hours: int = 0):
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("name", plain(name))  # RFC 7986
        calendar.add("x-wr-calname", plain(name))  # what most clients read
    if time_zone:
        calendar.add("x-wr-timezone", time_zone)
    if refresh_hours:
        ttl = dt.timedelta(hours=refresh_hours)
        calendar.add("refresh-interval", ttl, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", f"PT{refresh_hours}H")  # as Outlook writes it
    return calendar


def add_timezones(calendar, events) -> None:
    """A VTIMEZONE for every TZID used, with its rules from a year before the first
    meeting to two after the last."""
    years = [e.start_date.year for e in events if not e.all_day]
    if not years:
        return
    calendar.add_missing_timezones(
        first_date=dt.date(min(years) - 1, 1, 1), last_date=dt.date(max(years) + 2, 1, 1)
    )
    for zone in calendar.walk("VTIMEZONE"):
        for observance in zone.subcomponents:
            _one_rdate_per_line(observance)


def _one_rdate_per_line(observance) -> None:
    """``RDATE:a,b,c`` as three RDATE lines. Both are RFC 5545, but ical.js (Thunderbird,
    Nextcloud) reads only the first date of each RDATE when working out a zone's
    offsets, and would put a meeting after the second change an hour out."""
    found = observance.get("RDATE")
    if found is None:
        return
    dates = [
        one.dt for lists in (found if isinstance(found, list) else [found]) for one in lists.dts
    ]
    if len(dates) > 1:
        del observance["RDATE"]
        for date in dates:
            observance.add("rdate", date)


def to_bytes(calendar) -> bytes:
    return calendar.to_ical()


def event_ics(event: Event, *, online_url: str = "", full_address: bool = False) -> bytes:
    """The event as a calendar file; ``online_url`` and ``full_address`` only for someone
    allowed to see them."""
    calendar = new_calendar()
    calendar.add_component(vevent(event, online_url=online_url, full_address=full_address))
    add_timezones(calendar, [event])
    return to_bytes(calendar)
