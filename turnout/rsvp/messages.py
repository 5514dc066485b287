"""Writing to the people registered for a meeting: the organiser's own message (issue
20), to those with a confirmed place, those on the waitlist, those checked in at the
door, or all of them.

Never to an address that was not confirmed from the emailed link
(``Registration.email_confirmed_at``): anyone can type anyone's address into the form,
and a meeting must not become a way to mail an address that never asked. Never to
cancelled, declined or anonymised registrations either. These are practical messages
about a meeting the person registered for, so there is no list unsubscribe: each says
why it came and links to the attendee's page, where they can cancel.

Each recipient's email is queued in the outbox in the registration's language, in the
transaction that records the message (``MeetingMessage``) and the audit entry: all or
nothing. The compose form carries a one-time key; a second submission finds it taken
and emails nobody.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from turnout.core import outbox
from turnout.core.markdown import render_markdown
from turnout.events.models import Event
from turnout.groups import audit
from turnout.rsvp.links import manage_url
from turnout.rsvp.models import MeetingMessage, Registration

Audience = MeetingMessage.Audience
Status = Registration.Status
KIND = "rsvp/email/message"
SUBJECT_MAX_LENGTH = MeetingMessage._meta.get_field("subject").max_length
BODY_MAX_LENGTH = 20_000  # characters: a long letter; far beyond it is a mistake
_WHO = {
    Audience.CONFIRMED: Q(status=Status.CONFIRMED),
    Audience.WAITLISTED: Q(status=Status.WAITLISTED),
    Audience.CHECKED_IN: Q(attended_at__isnull=False),
}
_WHO[Audience.ALL] = (
    _WHO[Audience.CONFIRMED] | _WHO[Audience.WAITLISTED] | _WHO[Audience.CHECKED_IN]
)


def recipients(*, event: Event, audience: str) -> QuerySet:
    """The registrations a message to ``audience`` goes to: only confirmed addresses."""
    return (
        Registration.objects.filter(
            _WHO[audience],
            event_id=event.pk,
            email_confirmed_at__isnull=False,
            anonymised_at__isnull=True,
        )
        .exclude(status__in=[Status.CANCELLED, Status.DECLINED])
        .exclude(email="")
        .order_by("pk")
    )


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


def send_message(
    *, event: Event, by, subject: str, body: str, audience: str, key: str | None = None
) -> MeetingMessage:
    """Email the message to everyone in ``audience`` and record it; ValidationError
    (nothing sent) for bad input, nobody to write to, or a ``key`` already used."""
    subject, body = clean(subject=subject, body=body, audience=audience)
    with transaction.atomic():
        people = list(recipients(event=event, audience=audience))
        if not people:
            raise ValidationError(
                {"audience": _("Nobody in this choice has a confirmed email address yet.")}
            )
        try:
            with transaction.atomic():
                message = MeetingMessage.objects.create(
                    event=event,
                    subject=subject,
                    body=body,
                    audience=audience,
                    sent_by=by,
                    recipient_count=len(people),
                    send_key=key or new_send_key(),
                )
        except IntegrityError:
            raise ValidationError(
                _("This message was already sent; nobody is emailed twice.")
            ) from None
        for registration in people:
            outbox.queue(
                kind=KIND,
                to=registration.email,
                about=registration,
                params={"message": message.pk},
                language=registration.language or event.language,
            )
        audit.record(
            group=event.group,
            actor=by,
            action=audit.Action.MESSAGE_SENT,
            subject=f"{event.title}: {subject}",
            count=len(people),
        )
    return message


def send_test(*, event: Event, by, subject: str, body: str) -> None:
    """The message as attendees will get it, to the organiser's own address only."""
    subject, body = clean(subject=subject, body=body, audience=Audience.ALL)
    outbox.queue(
        kind=f"{KIND}_test",
        to=by.email,
        params={"event": event.pk, "subject": subject, "body": body},
    )


def messages_for(registration: Registration) -> QuerySet:
    """The messages this attendee was sent, latest first (for their page)."""
    sent = registration.messages.filter(kind=KIND).values_list("params__message", flat=True)
    return MeetingMessage.objects.filter(event_id=registration.event_id, pk__in=list(sent))


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
