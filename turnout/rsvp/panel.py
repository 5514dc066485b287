"""What the meeting page's RSVP panel shows, for the page that puts it together
(``turnout.pages``) and for the JSON-LD that describes the same offer."""

from turnout.events.models import Event
from turnout.rsvp import services
from turnout.rsvp.forms import RSVPForm


def rsvp_panel(event: Event, form: RSVPForm | None = None, closed: str = "") -> dict:
    """The context of ``rsvp/_panel.html``: the form (``form`` with its errors after a
    failed POST), or why registration is ``closed``; whether the meeting is full and the
    seats left."""
    closed = closed or services.closed_reason(event)
    seats_left = None if event.capacity is None else max(event.capacity - event.seats_taken, 0)
    return {
        "rsvp_form": None if closed else form or RSVPForm(event=event),
        "rsvp_closed": closed,
        "full": seats_left == 0,
        "seats_left": seats_left,
    }
