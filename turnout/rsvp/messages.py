"""Writing to the people registered for a meeting: the organiser's own message (issue
20), to those with a confirmed place, those on the waitlist, those checked in at the
door, or all of them.

Never to an address that was not confirmed from the emailed link
(``Registration.email_confirmed_at``): anyone can type anyone's address into the form,
and a meeting must not become a way to mail an address that never asked. Never to
cancelled, declined or anonymised registrations either. These are practical messages
about a meeting the person registered for, so there is no list unsubscribe: each says
why it came and links to the attendee's page, where they can cancel.

Composing happens here; the sending (quota, the worker's fan-out, "send at" a time,
progress) in turnout.rsvp.messages_sending, as announcements are sent. The compose form
carries a one-time key; a second submission finds it taken and emails nobody.
"""

import datetime as dt
import re
import secrets
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from turnout.core import outbox, timefmt
from turnout.core.markdown import render_markdown
from turnout.core.models import Message
from turnout.events.models import Event
from turnout.rsvp.links import manage_url
from turnout.rsvp.messages_sending import KIND, lock_group, recipients, start
from turnout.rsvp.models import MeetingMessage, Registration

Audience = MeetingMessage.Audience
Status = MeetingMessage.Status
SUBJECT_MAX_LENGTH = MeetingMessage._meta.get_field("subject").max_length
BODY_MAX_LENGTH = 20_000  # characters: a long letter; far beyond it is a mistake
SEND_AT_MAX_LENGTH = 40  # "2026-12-24T18:30" and room for seconds; longer is not a time
# As a datetime-local field sends it (seconds optional), or typed with a space.
SEND_AT_FORMAT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?")


def audience_counts(*, event: Event) -> dict[str, int]:
    """How many each choice of audience would email, for the compose form."""
    return {choice: recipients(event=event, audience=choice).count() for choice in Audience}


def new_send_key() -> str:
    """The compose form's one-time key (see the module's docstring)."""
    return secrets.token_urlsafe(24)


def clean(*, subject: str, body: str, audience: str) -> tuple[str, str]:
    """(subject, body) stripped, or ValidationError saying what to fix."""
    subject, body = " ".join(subject.split()), body.strip()
    errors = {}
    if not subject:
        errors["subject"] = _("Give the message a subject.")
    elif len(subject) > SUBJECT_MAX_LENGTH:
        errors["subject"] = _("The subject is too long: at most %(max)s characters.") % {
            "max": SUBJECT_MAX_LENGTH
        }
    if not body:
        errors["body"] = _("Write the message before sending it.")
    elif len(body) > BODY_MAX_LENGTH:
        errors["body"] = _(
            "The message is too long: at most %(max)s characters. Put long documents on "
            "a web page and link to it."
        ) % {"max": BODY_MAX_LENGTH}
    if audience not in Audience.values:
        errors["audience"] = _("Choose who the message goes to.")
    if errors:
        raise ValidationError(errors)
    return subject, body


def parse_send_at(*, event: Event, typed: str) -> dt.datetime:
    """The time the organiser typed (the meeting's wall clock, as a datetime-local field
    sends it) as an instant, or ValidationError saying what to fix: it must be a real
    time, in the future, before the meeting starts, and the meeting not cancelled."""
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(
            {"send_at": _("This meeting is cancelled: no message can be scheduled for it.")}
        )
    malformed = _("Enter the date and time it should go, such as 2026-12-24 18:30.")
    text = typed.strip()
    try:
        if not SEND_AT_FORMAT.fullmatch(text):
            raise ValueError(text)  # fromisoformat alone takes more (a trailing NUL, an offset)
        wall = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
        zone = ZoneInfo(event.time_zone)
        moment = wall.replace(second=0, microsecond=0, tzinfo=zone)
        # The wall time back from UTC: another one if the clocks skip it there.
        back = moment.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    except (ValueError, OverflowError):  # not a time, or at the very ends of the calendar
        raise ValidationError({"send_at": malformed}) from None
    if back != moment.replace(tzinfo=None):
        raise ValidationError(
            {"send_at": _("That time does not exist there: the clocks change. Choose another.")}
        )
    if moment <= timezone.now():
        raise ValidationError({"send_at": _("Choose a time in the future.")})
    if moment >= event.starts_at:
        raise ValidationError(
            {
                "send_at": _("Choose a time before the meeting starts (%(start)s).")
                % {"start": timefmt.moment(event.starts_at, event.time_zone)}
            }
        )
    return moment


def send_message(
    *,
    event: Event,
    by,
    subject: str,
    body: str,
    audience: str,
    key: str | None = None,
    send_at: str | None = None,
) -> MeetingMessage:
    """Record the message and hand it to the worker (turnout.rsvp.messages_sending), or,
    with ``send_at`` (the meeting's wall clock), schedule it for then. ValidationError,
    nothing recorded, for bad input, nobody to write to, over the daily quota, or a
    ``key`` already used."""
    subject, body = clean(subject=subject, body=body, audience=audience)
    moment = None if send_at is None else parse_send_at(event=event, typed=send_at)
    with transaction.atomic():
        lock_group(event)
        try:
            with transaction.atomic():
                message = MeetingMessage.objects.create(
                    event=event,
                    subject=subject,
                    body=body,
                    audience=audience,
                    sent_by=by,
                    status=Status.SCHEDULED,
                    send_at=moment,
                    sent_at=moment or timezone.now(),
                    recipient_count=recipients(event=event, audience=audience).count(),
                    send_key=key or new_send_key(),
                )
        except IntegrityError:
            raise ValidationError(already_sent_message(), code="already_sent") from None
        if moment is None:
            start(message=message, by=by)
    return message


def already_sent_message() -> str:
    return _("This message was already sent; nobody is emailed twice.")


def cancel_scheduled(*, event: Event, message_id) -> MeetingMessage:
    """Stop a scheduled message of this meeting before it goes, or ValidationError."""
    with transaction.atomic():
        found = (
            MeetingMessage.objects.select_for_update()
            .filter(event_id=event.pk, pk=message_id, status=Status.SCHEDULED)
            .first()
            if str(message_id).isdigit()
            else None
        )
        if found is None:
            raise ValidationError(
                _("This message is no longer scheduled: it has gone or was cancelled already.")
            )
        found.status = Status.CANCELLED
        found.not_sent_reason = MeetingMessage.NotSent.BY_ORGANISER
        found.save(update_fields=["status", "not_sent_reason"])
    return found


def send_test(*, event: Event, by, subject: str, body: str) -> None:
    """The message as attendees will get it, to the organiser's own address only."""
    subject, body = clean(subject=subject, body=body, audience=Audience.ALL)
    outbox.queue(
        kind=f"{KIND}_test",
        to=by.email,
        params={"event": event.pk, "subject": subject, "body": body},
    )


def messages_for(registration: Registration) -> QuerySet:
    """The messages actually sent to this attendee, latest first (for their page)."""
    return MeetingMessage.objects.filter(
        deliveries__registration=registration,
        deliveries__message__status=Message.Status.SENT,
    )


# --- the email ---


def _context(event: Event, subject: str, body: str, link: str) -> dict:
    """A test (no link: the organiser has no attendee's page) says so in its subject."""
    return {
        "test": not link,
        "event": event,
        "group": event.group,
        "subject": subject,
        "body": body,
        "body_html": render_markdown(body),
        "link": link,
    }


def render_message_email(message) -> outbox.Email:
    """Gone once the registration is (erased, anonymised, its meeting deleted)."""
    registration = (
        Registration.objects.select_related("event__group")
        .filter(pk=message.about_id, anonymised_at__isnull=True)
        .first()
    )
    sent = MeetingMessage.objects.filter(pk=message.params.get("message")).first()
    if registration is None or sent is None:
        raise outbox.SubjectGone
    event = registration.event
    context = _context(event, sent.subject, sent.body, manage_url(registration))
    return outbox.Email(
        *outbox.render_template(KIND, context),
        from_name=event.group.name,
        reply_to=event.group.contact_email,
    )


def render_test_email(message) -> outbox.Email:
    event = Event.objects.select_related("group").filter(pk=message.params["event"]).first()
    if event is None:
        raise outbox.SubjectGone
    params = message.params
    context = _context(event, params["subject"], params["body"], link="")
    return outbox.Email(
        *outbox.render_template(KIND, context),
        from_name=event.group.name,
        reply_to=event.group.contact_email,
    )


def register_renderers() -> None:
    outbox.register(KIND, render_message_email)
    outbox.register(f"{KIND}_test", render_test_email)
