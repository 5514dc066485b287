"""What the meeting page's RSVP panel shows, for the page that puts it together
(``turnout.pages``) and for the JSON-LD that describes the same offer."""

from turnout.events.models import Event
from turnout.rsvp import services
from turnout.rsvp.forms import RSVPForm

FEW_PLACES = 5  # "few places left" at a fifth of the capacity or less (at least one place)


def rsvp_panel(event: Event, form: RSVPForm | None = None, closed: str = "") -> dict:
    """The context of ``rsvp/_panel.html``: the form (``form`` with its errors after a
    failed POST), or why registration is ``closed``; whether the meeting is full, and
    the seats left (``seats_left``) or only ``places``: "available" or "few".

    Public counts leave out seats held for people who have not confirmed their email:
    an RSVP for an address that has registered already and one for a new address leave
    the same number. Without email confirmation a new RSVP is confirmed at once, so an
    exact number would tell the two apart: only ``places`` is given then.
    """
    closed = closed or services.closed_reason(event)
    left = None
    if event.capacity is not None:
        left = max(event.capacity - (event.seats_taken - event.seats_held), 0)
    places = ""
    if left:
        places = "few" if left <= max(event.capacity // FEW_PLACES, 1) else "available"
    return {
        "rsvp_form": None if closed else form or RSVPForm(event=event),
        "rsvp_closed": closed,
        "full": left == 0,
        "seats_left": left if event.confirmation_required else None,
        "places": places,
    }
