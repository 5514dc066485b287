"""The emails about a registration: which one its status calls for, and what it carries."""

from turnout.events.ical import event_ics
from turnout.mailing.outbox import queue_email
from turnout.rsvp.links import check_in_qr_png, manage_url
from turnout.rsvp.models import AWAITING_EMAIL, Registration

Status = Registration.Status
CHECK_IN_IMAGE = "check-in.png"  # the QR code in a confirmation, inline (cid:)


_TEMPLATES = {
    Status.HELD: "rsvp/email/confirm",
    Status.CONFIRMED: "rsvp/email/confirmed",
    Status.WAITLIST_UNCONFIRMED: "rsvp/email/waitlisted",
    Status.WAITLISTED: "rsvp/email/waitlisted",
}


def calendar_file(registration: Registration) -> bytes:
    """The event as iCalendar for this attendee: the online link only once confirmed."""
    event = registration.event
    confirmed = registration.status == Status.CONFIRMED
    return event_ics(event, online_url=event.online_url if confirmed else "")


def email_attendee(
    registration: Registration,
    *,
    template: str | None = None,
    context: dict | None = None,
    check_in_code: bool = True,
) -> None:
    """Email the attendee about their registration, with their page's link; a confirmed
    place comes with the event as a calendar file and a QR code to check in at the door.

    ``template`` defaults to the one for the registration's status; ``context`` adds to
    the template's context; ``check_in_code=False`` leaves out the QR code (a meeting
    that will not take place).
    """
    event = registration.event
    attachments = []
    if registration.status == Status.CONFIRMED:
        attachments.append(("event.ics", calendar_file(registration).decode(), "text/calendar"))
        if check_in_code:
            attachments.append((CHECK_IN_IMAGE, check_in_qr_png(registration), "image/png"))
    queue_email(
        template=template or _TEMPLATES[registration.status],
        to=registration.email,
        group=event.group,
        context={
            "registration": registration,
            "event": event,
            "link": manage_url(registration),
            "needs_confirmation": registration.status in AWAITING_EMAIL,
            "check_in_image": CHECK_IN_IMAGE,
            **(context or {}),
        },
        attachments=attachments,
        registration=registration,
    )
