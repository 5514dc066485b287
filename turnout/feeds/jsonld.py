"""What an event page tells machines: schema.org Event JSON-LD and link previews.

Search engines read the JSON-LD (``<script type="application/ld+json">``); messaging
apps and social sites read the Open Graph and Twitter card tags when a link is shared.
Both are built here from what the page already loaded (the event, its group and its
venue: no query of their own) and say no more than the page does: never the online
meeting link (the page's own address stands for it), only the area of an address kept
for confirmed attendees (turnout.events.places), seat numbers only as the organiser
allows them to be shown.

The serialised JSON is safe inside ``<script>``: ``<``, ``>`` and ``&`` are written as
``\\u003C`` and so on, so a title holding ``</script>`` cannot end the element, and
``json.loads`` still gives back exactly what the organiser typed.
"""

import datetime as dt
import html
import json

from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from turnout.core import timefmt
from turnout.core.links import absolute_file_url, absolute_url
from turnout.core.timefmt import event_when
from turnout.events import places
from turnout.events.models import Event, PublicCounts

SCHEMA = "https://schema.org/"
SITE_NAME = "Turnout"
DESCRIPTION_CHARS = 300
# Meetings are free; schema.org wants a currency with the price all the same.
PRICE_CURRENCY = settings.TURNOUT_PRICE_CURRENCY
ONE_DAY = dt.timedelta(days=1)

_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def script_json(data: dict) -> SafeString:
    """``data`` as JSON that can stand inside a ``<script>`` element as it is."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))  # noqa: S308


# --- plain-text pieces, shared with the Atom feed


def plain_text(sanitised: str, *, limit: int | None = None) -> str:
    """The words of Markdown's sanitised HTML (as the page shows it: ``event.description_html``)
    as one line of plain text."""
    text = " ".join(html.unescape(strip_tags(sanitised)).split())
    return Truncator(text).chars(limit) if limit else text


def when_text(event: Event) -> str:
    """ "Tuesday 11 June, 7pm – 9pm" in the event's zone; all-day meetings by date only."""
    if not event.all_day:
        return event_when(event)
    return timefmt.days(event.start_date, event.end_date)


def display_title(event: Event) -> str:
    if event.is_cancelled:
        return _("Cancelled: %(title)s") % {"title": event.title}
    return event.title


# --- schema.org


def _dates(event: Event) -> tuple[str, str]:
    """ISO 8601 with the zone's offset on that day; all-day meetings as dates, the end
    being the last day (Event.end_date is the day after it)."""
    if event.all_day:
        last = max(event.end_date - ONE_DAY, event.start_date)
        return event.start_date.isoformat(), last.isoformat()
    return event.local_start.isoformat(), event.local_end.isoformat()


def _place(shown: places.Place) -> dict:
    """A schema.org Place; for an address kept for confirmed attendees, the area as its
    name and its (text) address: no street, postcode or coordinates."""
    if shown.hidden:
        return {"@type": "Place", "name": shown.name, "address": shown.name}
    address = {
        "@type": "PostalAddress",
        "streetAddress": shown.street,
        "addressLocality": shown.city,
        "postalCode": shown.postcode,
        "addressCountry": shown.country,
    }
    place = {
        "@type": "Place",
        "name": shown.name,
        "address": {key: value for key, value in address.items() if value},
    }
    if shown.latitude is not None and shown.longitude is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": shown.latitude,
            "longitude": shown.longitude,
        }
    return place


def _location(event: Event, page: str) -> tuple[str | None, list[dict]]:
    """The attendance mode and the places; online meetings are found at the event page
    (the real link is only for confirmed attendees)."""
    found = []
    shown = places.public_place(event)
    if shown:
        found.append(_place(shown))
    if event.online_url:
        found.append({"@type": "VirtualLocation", "url": page})
    if shown and event.online_url:
        return SCHEMA + "MixedEventAttendanceMode", found
    if event.online_url:
        return SCHEMA + "OnlineEventAttendanceMode", found
    if shown:
        return SCHEMA + "OfflineEventAttendanceMode", found
    return None, found


def _offer(event: Event, page: str, *, closed: str, full: bool, now: dt.datetime) -> dict | None:
    """Free registration, as the page's RSVP panel has it: open (InStock), full with a
    waitlist (SoldOut), not open yet (PreOrder); no offer once registration is closed."""
    opens = event.registration_opens_at
    if closed and not (opens and now < opens and not event.is_cancelled):
        return None
    availability = "PreOrder" if closed else ("SoldOut" if full else "InStock")
    offer = {
        "@type": "Offer",
        "price": "0",
        "priceCurrency": PRICE_CURRENCY,
        "url": page + "#rsvp",
        "availability": SCHEMA + availability,
    }
    valid_from = opens or event.published_at
    if valid_from:
        offer["validFrom"] = valid_from.isoformat()
    return offer


def event_jsonld(
    event: Event,
    *,
    closed: str = "",
    full: bool = False,
    seats_left: int | None = None,
    now: dt.datetime | None = None,
) -> dict:
    """The event as a schema.org Event; ``closed``, ``full`` and ``seats_left`` are what
    the RSVP panel shows (``turnout.rsvp.panel.rsvp_panel``)."""
    group = event.group
    page = absolute_url("public:event", group=group.slug, event=event.slug)
    start, end = _dates(event)
    status = "EventCancelled" if event.is_cancelled else "EventScheduled"
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": page,
        "startDate": start,
        "endDate": end,
        "eventStatus": SCHEMA + status,
        "inLanguage": event.language,
        "organizer": {
            "@type": "Organization",
            "name": group.name,
            "url": absolute_url("public:group", group=group.slug),
        },
    }
    description = event.tagline or plain_text(event.description_html, limit=DESCRIPTION_CHARS)
    if description:
        data["description"] = description
    mode, where = _location(event, page)
    if mode:
        data["eventAttendanceMode"] = mode
    if where:
        data["location"] = where[0] if len(where) == 1 else where
    offer = _offer(event, page, closed=closed, full=full, now=now or timezone.now())
    if offer:
        data["offers"] = offer
    # Numbers only where the page shows them (Event.public_counts).
    if event.capacity is not None and event.public_counts != PublicCounts.NONE:
        data["maximumAttendeeCapacity"] = event.capacity
        shown = event.public_counts == PublicCounts.SEATS_LEFT and not closed
        if shown and seats_left is not None:
            data["remainingAttendeeCapacity"] = seats_left
    images = [picture_image(event), flyer_image(event)]
    if any(images):
        data["image"] = [image for image in images if image]
    return data


# --- Open Graph and Twitter card


def flyer_image(event: Event) -> str:
    """The absolute URL of the event's flyer as a 1080x1350 PNG social card, for a
    public event (a draft's flyer is for its organisers only); "" otherwise."""
    if event.status not in (Event.Status.PUBLISHED, Event.Status.CANCELLED):
        return ""
    return absolute_url("public:flyer_png", group=event.group.slug, event=event.slug)


def picture_image(event: Event) -> str:
    """The absolute URL of the meeting's picture (1200 pixels wide), for a public event
    that has one; "" otherwise."""
    if event.picture is None or not flyer_image(event):
        return ""
    return absolute_file_url(event.picture.large_url)


def _preview_image(event: Event) -> dict:
    """The picture if the meeting has one, otherwise the flyer's PNG social card."""
    picture = picture_image(event)
    if picture:
        shown = event.picture
        size = {"width": shown.large_width, "height": shown.large_height}
        return {"image": picture, "image_type": "image/jpeg", **size, "alt": shown.alt_text}
    flyer = flyer_image(event)
    if not flyer:
        return {"image": ""}
    return {"image": flyer, "image_type": "image/png", "width": 1080, "height": 1350}


def link_preview(event: Event) -> dict:
    """What a shared link shows: title, date and place, the page's address, and the
    picture or the flyer."""
    description = " · ".join(p for p in (when_text(event), places.place_text(event)) if p)
    if event.tagline:
        description += f" — {event.tagline}"
    return {
        "title": display_title(event),
        "description": Truncator(description).chars(DESCRIPTION_CHARS),
        "url": absolute_url("public:event", group=event.group.slug, event=event.slug),
        "site_name": SITE_NAME,
        # With an image, the page's twitter:card is "summary_large_image".
        **_preview_image(event),
    }


def page_context(event: Event, panel: dict) -> dict:
    """The event page's extra context: its JSON-LD (ready to write into the page) and
    its link preview. ``panel`` is the RSVP panel's context."""
    data = event_jsonld(
        event,
        closed=panel.get("rsvp_closed", ""),
        full=panel.get("full", False),
        seats_left=panel.get("seats_left"),
    )
    return {"jsonld": script_json(data), "preview": link_preview(event)}
