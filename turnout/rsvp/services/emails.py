"""The emails about a registration: which one its status calls for, and what it carries.

``email_attendee`` queues one (kind, the registration, a snapshot of its status); the
outbox renders it at delivery with ``render_attendee_email`` (registered in
RsvpConfig.ready()), making the attendee's link and check-in code only then.

No email here repeats the name typed on the form: anyone can register anyone's
address, so a name ("Hello <text>") would let a stranger write to it. For the same
reason, until the attendee confirms the address from the emailed link (before
confirming, or always when the meeting asks for no confirmation) every email is the
brief one: the group's approved name, the day and time, and the link; no title, place
or description, which are whatever the group typed. The details are behind the link.
"""

import datetime as dt

from turnout.core import outbox
from turnout.core.models import Message
from turnout.core.timefmt import day, event_moment, event_when
from turnout.events.ical import event_ics
from turnout.groups.sending import name_for_strangers, sender_for_strangers
from turnout.rsvp.changes import described
from turnout.rsvp.links import check_in_qr_png, manage_url
from turnout.rsvp.models import AWAITING_EMAIL, Registration
from turnout.rsvp.places import attendee_place, sees_address

Status = Registration.Status
CHECK_IN_IMAGE = "check-in.png"  # the QR code in a confirmation, inline (cid:)
KINDS = [
    "rsvp/email/confirm",
    "rsvp/email/confirmed",
    "rsvp/email/waitlisted",
    "rsvp/email/promoted",
    "rsvp/email/your_link",
    "rsvp/email/reminder",
    "rsvp/email/changed",
    "rsvp/email/cancelled",
    "rsvp/email/confirm_request",
    "rsvp/email/requested",
    "rsvp/email/declined",
]
_TEMPLATES = {
    Status.HELD: "rsvp/email/confirm",
    Status.CONFIRMED: "rsvp/email/confirmed",
    Status.WAITLIST_UNCONFIRMED: "rsvp/email/waitlisted",
    Status.WAITLISTED: "rsvp/email/waitlisted",
    Status.REQUEST_UNCONFIRMED: "rsvp/email/confirm_request",
    Status.REQUESTED: "rsvp/email/requested",
    Status.DECLINED: "rsvp/email/declined",
}


def calendar_file(registration: Registration) -> bytes:
    """The event as iCalendar for this attendee: the online link and a private address
    only once confirmed."""
    event = registration.event
    confirmed = sees_address(registration)
    return event_ics(
        event, online_url=event.online_url if confirmed else "", full_address=confirmed
    )


def email_attendee(
    registration: Registration,
    *,
    template: str | None = None,
    changes: list[dict] | None = None,
    check_in_code: bool = True,
    held_back: bool = False,
) -> Message:
    """Email the attendee about their registration, with their page's link; a confirmed
    place comes with the event as a calendar file and a QR code to check in at the door.

    ``template`` (the message's kind) defaults to the one for the registration's status;
    ``changes`` are a change notice's, as this attendee may read them;
    ``check_in_code=False`` leaves out the QR code (a meeting that will not take place);
    ``held_back``: waitlisted only because the seats left are held for people yet to
    confirm their email (the hold cap), which the email then says.
    The registration's state now (status, guests, hold) is kept with the message: the
    email says what it was sent about, even if it moves on before the worker renders it.
    It is written in the registration's language (the page they registered from).
    """
    expires = registration.hold_expires_at
    params = {
        "status": registration.status,
        "guests": registration.guests,
        "hold_expires_at": expires.isoformat() if expires else None,
        "check_in_code": check_in_code,
    }
    if changes is not None:
        params["changes"] = changes
    if held_back:
        params["held_back"] = True
    return outbox.queue(
        kind=template or _TEMPLATES[registration.status],
        to=registration.email,
        about=registration,
        params=params,
        language=registration.language or registration.event.language,
    )


def render_attendee_email(message: Message) -> outbox.Email:
    """Gone once the registration is (erased, anonymised, its meeting deleted)."""
    registration = (
        Registration.objects.select_related("event__group", "event__venue")
        .filter(pk=message.about_id, anonymised_at__isnull=True)
        .first()
    )
    if registration is None:
        raise outbox.SubjectGone
    # As it was when the email was queued.
    params = message.params
    registration.status, registration.guests = params["status"], params["guests"]
    expires = params["hold_expires_at"]
    registration.hold_expires_at = dt.datetime.fromisoformat(expires) if expires else None
    if registration.email_confirmed_at is None:
        return _brief_email(message, registration)
    event, group = registration.event, registration.event.group
    attachments = []
    if registration.status == Status.CONFIRMED:
        attachments.append(("event.ics", calendar_file(registration).decode(), "text/calendar"))
        if params["check_in_code"]:
            attachments.append((CHECK_IN_IMAGE, check_in_qr_png(registration), "image/png"))
    context = {
        "group": group,
        "registration": registration,
        "event": event,
        "link": manage_url(registration),
        "needs_confirmation": registration.status in AWAITING_EMAIL,
        "check_in_image": CHECK_IN_IMAGE,
        "changes": described(params.get("changes", []), event),
        "held_back": params.get("held_back", False),
        # Where, as this attendee may read it (rsvp/email/_where.*): a private address
        # and the online link once their place is confirmed.
        "place": attendee_place(registration),
        "online_link": event.online_url if sees_address(registration) else "",
    }
    return outbox.Email(
        *outbox.render_template(message.kind, context),
        from_name=group.name,
        reply_to=group.contact_email,
        attachments=attachments,
    )


def _brief_email(message: Message, registration: Registration) -> outbox.Email:
    """The email to an address not yet confirmed: nothing in it is the group's text but
    its approved name (see the module's docstring); the check-in code, if any, stays."""
    event = registration.event
    confirmed = registration.status == Status.CONFIRMED and message.params["check_in_code"]
    expires = registration.hold_expires_at
    context = {
        "kind": message.kind.rsplit("/", 1)[1],
        "by": name_for_strangers(event.group),
        "when": event_when(event),
        "day": day(event.local_start, with_year=False),
        "expiry": event_moment(event, expires) if expires else "",
        "link": manage_url(registration),
        "needs_confirmation": registration.status in AWAITING_EMAIL,
        "check_in_image": CHECK_IN_IMAGE if confirmed else "",
        "held_back": message.params.get("held_back", False),
    }
    attachments = (
        [(CHECK_IN_IMAGE, check_in_qr_png(registration), "image/png")] if confirmed else []
    )
    return outbox.Email(
        *outbox.render_template("rsvp/email/brief", context),
        **sender_for_strangers(event.group),
        attachments=attachments,
    )


def register_renderers() -> None:
    for kind in KINDS:
        outbox.register(kind, render_attendee_email)
