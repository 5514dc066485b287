"""Every write to registrations, by what it does:

- ``seats``: the only statements that change an event's seats, and what frees or
  fills them (holds expiring, the waitlist's promotion);
- ``registration``: the RSVP's rules, a place or the waitlist, confirming the email;
- ``requests``: on meetings whose organisers approve each place, approving or declining;
- ``limits``: how many RSVPs one email domain may send to one meeting;
- ``attendee``: the attendee's own changes from their page;
- ``organisers``: adding people, removing them, exports and the door;
- ``emails``: the email a registration's status calls for.

Callers use this package as one module (``from turnout.rsvp import services as rsvp``,
then ``rsvp.register(...)``). What changes when a meeting changes (notices, reminders)
and erasing personal data stand apart, in ``turnout.rsvp.notices``, ``reminders`` and
``privacy``: they react to other apps' events and the clock, not to an attendee.
"""

from turnout.rsvp.services.attendee import cancel, change_details
from turnout.rsvp.services.emails import CHECK_IN_IMAGE, calendar_file, email_attendee
from turnout.rsvp.services.organisers import (
    ORGANISER_GUESTS_LIMIT,
    add_by_organiser,
    attendee_list_pdf,
    check_in,
    export_attendees,
    open_door_list,
    remove,
    undo_check_in,
)
from turnout.rsvp.services.registration import (
    HOLD_FOR,
    RegistrationClosed,
    closed_reason,
    confirm,
    register,
)
from turnout.rsvp.services.requests import NotPending, approve, decline
from turnout.rsvp.services.seats import expire_holds, hold_expired, promote_waitlist

__all__ = [
    "CHECK_IN_IMAGE",
    "HOLD_FOR",
    "ORGANISER_GUESTS_LIMIT",
    "NotPending",
    "RegistrationClosed",
    "add_by_organiser",
    "approve",
    "attendee_list_pdf",
    "calendar_file",
    "cancel",
    "change_details",
    "check_in",
    "closed_reason",
    "confirm",
    "decline",
    "email_attendee",
    "expire_holds",
    "export_attendees",
    "hold_expired",
    "open_door_list",
    "promote_waitlist",
    "register",
    "remove",
    "undo_check_in",
]
