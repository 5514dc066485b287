"""A meeting as an ActivityPub ``Event`` (issue 21, item 3): what its followers'
servers are sent and what the meeting's object id answers.

Two peers decide the shape, and each reads it differently:

- Mastodon turns an Event into a post from ``name``, ``summary`` and ``url`` alone
  (mastodon/mastodon app/lib/activitypub/parser/status_parser.rb ``processed_text``:
  ``<h2>name</h2>``, the summary, the link) and attaches the image ``attachment``s;
  ``content`` is dropped and the language comes from ``nameMap``/``summaryMap``. So the
  summary is the post: the day, time, zone and place, written in the meeting's language
  ("Tuesday 11 June, 7pm – 9pm London time · Community Centre, 62 Marchmont St, London
  WC1N 1AB").
- Mobilizon stores it through framasoft/mobilizon
  lib/federation/activity_stream/converter/event.ex ``as_to_model_data/1``: ``startTime``
  and ``endTime``, ``timezone``, ``location`` (a Place whose ``address`` it reads key by
  key, converter/address.ex, so an address is always a PostalAddress object, never a
  string), ``joinMode`` (``external`` with ``externalParticipationUrl``: sign-up stays
  here, where seats are counted), the ``attachment`` named "Banner" as the picture
  (converter/utils.ex ``process_pictures/2``), ``ical:status``/``status``,
  ``inLanguage``, ``maximumAttendeeCapacity``, ``isOnline``, ``category``.

What never leaves: drafts and unlisted meetings (refused with ``NotFederated``), the
online link (only ``isOnline``), a private address beyond its area
(turnout.events.places decides), attendees and their numbers beyond what the page
shows, organisers' names and emails (the group is the author).
"""

from django.utils import translation

from turnout.core.links import absolute_file_url, absolute_url
from turnout.core.timefmt import event_when
from turnout.events import places
from turnout.events.models import Event, PublicCounts
from turnout.federation import ids
from turnout.federation.jsonld import CONTEXT

BANNER = "Banner"  # the name Mobilizon looks for (converter/utils.ex @banner_picture_name)
FLYER_SIZE = (1080, 1350)  # the flyer's PNG social card (turnout.flyers)

# Topics (their slugs) that mean one of Mobilizon's categories
# (framasoft/mobilizon lib/mobilizon/events/categories.ex); any other sends none.
CATEGORIES = {
    "politics": "MOVEMENTS_POLITICS",
    "solidarity": "MOVEMENTS_POLITICS",
    "campaigns": "MOVEMENTS_POLITICS",
    "housing": "CAUSES",
    "welcome": "COMMUNITY",
    "community": "COMMUNITY",
    "education": "LEARNING",
    "learning": "LEARNING",
    "music": "MUSIC",
    "film": "FILM_MEDIA",
    "health": "HEALTH",
    "food": "FOOD_DRINK",
    "sports": "SPORTS",
}


class NotFederated(Exception):
    """This meeting must not leave the server: a draft, a withdrawn or unlisted meeting."""


def check_federated(event: Event) -> None:
    """Refuse a meeting that only its organisers, or only people given the link, may see."""
    if event.unlisted:
        raise NotFederated(f"Meeting {event.pk} is unlisted: it is never federated.")
    if event.status not in (Event.Status.PUBLISHED, Event.Status.CANCELLED):
        raise NotFederated(f"Meeting {event.pk} is a draft: it is never federated.")


def page_url(event: Event) -> str:
    return absolute_url("public:event", group=event.group.slug, event=event.slug)


def summary(event: Event) -> str:
    """The post Mastodon shows: when and where, in the meeting's language."""
    with translation.override(event.language):
        return " · ".join(part for part in (event_when(event), places.place_text(event)) if part)


def _location(event: Event) -> dict | None:
    shown = places.public_place(event)
    if shown is None:
        return None
    if shown.hidden:
        # The area only: no address object, which Mobilizon would read as a street.
        return {"type": "Place", "name": shown.name}
    address = {
        "streetAddress": shown.street,
        "addressLocality": shown.city,
        "postalCode": shown.postcode,
        "addressCountry": shown.country,
    }
    place = {
        "type": "Place",
        "name": shown.name,
        "address": {"type": "PostalAddress"} | {k: v for k, v in address.items() if v},
    }
    if shown.latitude is not None and shown.longitude is not None:
        place["latitude"], place["longitude"] = shown.latitude, shown.longitude
    return place


def _banner(event: Event) -> dict:
    """The meeting's picture, or else the flyer's PNG social card, as Mobilizon's
    banner; Mastodon shows it as the post's image with ``summary`` as its description."""
    picture = event.picture
    if picture is not None:
        return {
            "type": "Document",
            "name": BANNER,
            "mediaType": "image/jpeg",
            "url": absolute_file_url(picture.large_url),
            "width": picture.large_width,
            "height": picture.large_height,
            "summary": picture.alt_text,
        }
    width, height = FLYER_SIZE
    return {
        "type": "Document",
        "name": BANNER,
        "mediaType": "image/png",
        "url": absolute_url("public:flyer_png", group=event.group.slug, event=event.slug),
        "width": width,
        "height": height,
    }


def _seats(event: Event) -> dict:
    """The numbers the meeting page shows (Event.public_counts; turnout.rsvp.panel):
    the room size, and the seats left only where the organisers show them and email
    confirmation keeps an exact number from telling one registration from another."""
    if event.capacity is None or event.public_counts == PublicCounts.NONE:
        return {}
    seats = {"maximumAttendeeCapacity": event.capacity}
    if event.public_counts == PublicCounts.SEATS_LEFT and event.confirmation_required:
        left = event.capacity - (event.seats_taken - event.seats_held)
        seats["remainingAttendeeCapacity"] = max(left, 0)
    return seats


def _category(event: Event) -> str | None:
    for slug in sorted(topic.slug for topic in event.topics.all()):
        if slug in CATEGORIES:
            return CATEGORIES[slug]
    return None


def event_object(event: Event) -> dict:
    """The meeting as an ActivityPub Event, with its ``@context``. NotFederated for a
    draft, a withdrawn or an unlisted meeting."""
    check_federated(event)
    page = page_url(event)
    status = "CANCELLED" if event.is_cancelled else "CONFIRMED"
    content = event.description_html[:]  # a plain str: sanitised HTML
    told = summary(event)
    data = {
        "@context": CONTEXT,
        "id": ids.event_id(event),
        "type": "Event",
        "name": event.title,
        "nameMap": {event.language: event.title},
        "summary": told,
        "summaryMap": {event.language: told},
        "content": content,
        "mediaType": "text/html",
        "url": page,
        "startTime": event.local_start.isoformat(),
        "endTime": event.local_end.isoformat(),
        "timezone": event.time_zone,
        "inLanguage": event.language,
        "joinMode": "external",
        "externalParticipationUrl": page + "#rsvp",
        "ical:status": status,
        "status": status,
        "isOnline": bool(event.online_url),
        "commentsEnabled": False,
        "attributedTo": ids.group_id(event.group),
        "to": [ids.PUBLIC],
        "cc": [ids.group_followers(event.group)],
        "published": (event.published_at or event.created_at).isoformat(),
        "updated": event.updated_at.isoformat(),
        "attachment": [_banner(event)],
        **_seats(event),
    }
    if content:
        data["contentMap"] = {event.language: content}
    location = _location(event)
    if location:
        data["location"] = location
    category = _category(event)
    if category:
        data["category"] = category
    return data
