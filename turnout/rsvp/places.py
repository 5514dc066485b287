"""What an attendee may read of where the meeting is: everything once their place is
confirmed; before that (held, waiting) only what the public reads, the area of a private
address (turnout.events.places). The attendee's page, every email about a registration
and its calendar file ask here."""

from turnout.events import places
from turnout.events.places import Place
from turnout.rsvp.models import Registration


def sees_address(registration: Registration) -> bool:
    """Confirmed attendees see a private address (and the online link)."""
    return registration.status == Registration.Status.CONFIRMED


def attendee_place(registration: Registration) -> Place | None:
    return places.place(registration.event, full=sees_address(registration))
