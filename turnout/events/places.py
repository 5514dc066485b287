"""Where a meeting is, as one viewer may be told: the one place that decides it.

A meeting's address may be for confirmed attendees only (``Event.address_private``):
then everyone else (the public pages, ``/``, the group page, the widget, feeds, JSON-LD,
flyers, people whose seats are held or who wait) reads only the area the organiser
wrote. The venue's name goes too, and its access notes, since either can say where the
door is. Every output that names a place asks ``place(event, full=...)`` and shows what
it gets; whether a viewer may have the full address is the caller's to say: the
organisers always, an attendee once their place is confirmed (turnout.rsvp), nobody
else.

The area is checked here too (``clean_area``), for the service that saves it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from turnout.core.validators import has_control_characters
from turnout.events.models import AREA_MAX_LENGTH, Event
from turnout.groups.models import Venue


@dataclass(frozen=True)
class Place:
    """What a viewer may read of a meeting's place.

    ``hidden``: the address is withheld; ``name`` is then the area and every other
    field is empty.
    """

    name: str
    address_lines: tuple[str, ...] = ()
    map_url: str = ""
    accessibility: str = ""
    street: str = ""
    city: str = ""
    postcode: str = ""
    country: str = ""
    latitude: float | None = None
    longitude: float | None = None
    hidden: bool = False

    @property
    def text(self) -> str:
        """ "Community Centre, 62 Marchmont St, London WC1N 1AB", or the area."""
        return ", ".join([self.name, *self.address_lines])


def is_hidden(event: Event, *, full: bool) -> bool:
    """Whether this viewer reads only the area (``full``: they may see the address)."""
    return bool(event.venue_id) and event.address_private and not full


def place(event: Event, *, full: bool = False) -> Place | None:
    """The meeting's place for a viewer who may (``full``) or may not see a private
    address; None for a meeting without a venue. Uses the loaded venue: no query when
    it was selected with the event."""
    if not event.venue_id:
        return None
    if is_hidden(event, full=full):
        return Place(name=event.address_area, hidden=True)
    venue = event.venue
    return Place(
        name=venue.name,
        address_lines=tuple(venue.address_lines),
        map_url=venue.map_url,
        accessibility=venue.accessibility,
        street=", ".join(p for p in (venue.address_line1, venue.address_line2) if p),
        city=venue.city,
        postcode=venue.postcode,
        country=venue.country,
        latitude=None if venue.latitude is None else float(venue.latitude),
        longitude=None if venue.longitude is None else float(venue.longitude),
    )


def public_place(event: Event) -> Place | None:
    """The place as anyone may read it: the pages, feeds, flyers and widget."""
    return place(event, full=False)


def public_city(event: Event, *, lock_venue: bool = False) -> str:
    """The town anyone may read (``Event.public_city``, what "/?city=" filters by): the
    venue's, empty without a venue or when the address is for attendees only.

    Read from the database, not from the venue loaded with the meeting: a venue renamed
    at the same moment is then either read here or moves this meeting after it
    (``venue_saved``), as long as the caller holds the meeting's row (``update_event``
    locks it first) or, for a meeting not saved yet, the venue's (``lock_venue``)."""
    if not event.venue_id or event.address_private:
        return ""
    venues = Venue.objects.filter(pk=event.venue_id)
    if lock_venue:
        venues = venues.select_for_update(no_key=True)
    return venues.values_list("city", flat=True).get()


def venue_saved(*, instance: Venue, **kwargs) -> None:
    """A venue was saved: its meetings with a public address take its town (a post_save
    receiver, so that the admin and every service are followed)."""
    shown = Event.objects.filter(venue=instance, address_private=False)
    shown.exclude(public_city=instance.city).update(public_city=instance.city)


def place_text(event: Event) -> str:
    """The public place as one line, in the active language: "Community Centre, 62
    Marchmont St, London WC1N 1AB", the area of a private address, "Online", or a place
    "; also online". For the feeds, the JSON-LD and the fediverse's summary."""
    parts = []
    shown = public_place(event)
    if shown:
        parts.append(shown.text)
    if event.online_url:
        parts.append(_("Online") if not parts else _("also online"))
    return "; ".join(parts)


def clean_area(event: Event) -> dict[str, str]:
    """Strip the area and check it: one line of plain text, short, and there when the
    address is private. Field-level errors, as ``{"address_area": message}``."""
    area = (event.address_area or "").strip()
    event.address_area = area
    if has_control_characters(area) or "\n" in area or "\t" in area:
        return {
            "address_area": _(
                "The area must be one line of plain text: remove line breaks and control "
                "characters."
            )
        }
    if len(area) > AREA_MAX_LENGTH:
        return {
            "address_area": _("Keep the area to %(limit)s characters or fewer (it has %(count)s).")
            % {"limit": AREA_MAX_LENGTH, "count": len(area)}
        }
    if event.address_private and not area:
        return {
            "address_area": _(
                "Write the area the public may see, like “Central London, near King’s "
                "Cross”, or untick “Address for confirmed attendees only”."
            )
        }
    return {}
