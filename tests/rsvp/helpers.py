"""Small helpers the RSVP tests share."""

from turnout.core import timefmt
from turnout.rsvp import selectors
from turnout.rsvp import services as rsvp
from turnout.rsvp.models import Registration


def seats(event) -> tuple[int, int]:
    """(the event's counter, the seats its held and confirmed parties take): always equal."""
    event.refresh_from_db()
    return event.seats_taken, selectors.seats_taken(event=event)


def confirmed(event, name: str, guests: int = 0) -> Registration:
    """Someone who registered through the form and confirmed their email."""
    registration, _created = rsvp.register(
        event=event, name=name, email=f"{name.split()[0].lower()}@example.org", guests=guests
    )
    return rsvp.confirm(registration=registration)


def held(event) -> tuple[int, int]:
    """(the event's counter of seats held unconfirmed, the seats its held parties take)."""
    event.refresh_from_db()
    return event.seats_held, sum(r.seats for r in event.registrations.filter(status="held"))


def day_of(event) -> str:
    """The meeting's day as the brief emails to unconfirmed addresses name it."""
    return timefmt.day(event.local_start, with_year=False)


def fan_out_all() -> int:
    """Run the worker's fan-out of every message being sent (as its task would)."""
    from turnout.rsvp import messages_sending
    from turnout.rsvp.models import MeetingMessage

    sending = MeetingMessage.objects.filter(status=MeetingMessage.Status.SENDING)
    return sum(messages_sending.fan_out(message=m) for m in sending)
