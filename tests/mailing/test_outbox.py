import icalendar
import pytest
from django.core.mail import EmailMultiAlternatives

from tests.factories import make_event, make_group
from tests.smtp import SMTPServer
from turnout.mailing.models import Message
from turnout.mailing.outbox import build_email, deliver, queue_email, render
from turnout.rsvp import services as rsvp


def test_render_keeps_ampersands_in_subject_and_text_and_escapes_them_in_html(db):
    group = make_group(name="Tenants & Friends")
    context = {"group": group, "invited_by": group.memberships.get().user, "link": "https://x"}

    subject, text, html = render("groups/email/invitation", {**context, "days": 14})

    assert subject == "Help organise Tenants & Friends on Turnout"
    assert "for Tenants & Friends." in text
    assert "for Tenants &amp; Friends." in html


# --- attachments: stored with the message, attached to what is sent

ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-NOTE:Київ\\, the meeting\r\nEND:VCALENDAR\r\n"


def invite(group, **kwargs):
    context = {"invited_by": group.memberships.get().user, "link": "https://x", "days": 14}
    return queue_email(
        template="groups/email/invitation",
        to="taras@example.org",
        group=group,
        context=context,
        **kwargs,
    )


def test_queue_email_stores_the_attachments_with_the_message(db):
    group = make_group()

    message = invite(group, attachments=[("event.ics", ICS, "text/calendar")])

    stored = Message.objects.get(pk=message.pk)
    assert stored.attachments == [
        {"filename": "event.ics", "content": ICS, "mimetype": "text/calendar"}
    ]


def test_queue_email_without_attachments_stores_none(db):
    message = invite(make_group())

    assert Message.objects.get(pk=message.pk).attachments == []
    assert build_email(message, connection=None).attachments == []


def test_build_email_attaches_them_beside_the_text_and_html_parts(db):
    message = invite(make_group(), attachments=[("event.ics", ICS, "text/calendar")])

    email = build_email(Message.objects.get(pk=message.pk), connection=None)

    assert isinstance(email, EmailMultiAlternatives)
    assert email.attachments == [("event.ics", ICS, "text/calendar")]
    assert email.body.startswith("Olena Organiser invites you")
    assert [mimetype for _html, mimetype in email.alternatives] == ["text/html"]
    mime = email.message()
    assert mime.get_content_type() == "multipart/mixed"
    parts = [part.get_content_type() for part in mime.walk()]
    assert parts == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
    ]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback, and the site set to send to it."""
    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield server
    server.stop()


def test_attachment_reaches_the_smtp_server(db, smtp):
    message = invite(make_group(), attachments=[("event.ics", ICS, "text/calendar")])

    assert deliver(message_ids=[message.pk]) == 1

    (received,) = smtp.to("taras@example.org")
    (attachment,) = list(received.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "event.ics"
    assert attachment.get_content().splitlines() == ICS.splitlines()
    assert received.get_body(("plain",)).get_content().startswith("Olena Organiser")


def test_rsvp_confirmation_reaches_the_smtp_server_with_its_calendar_file(db, smtp):
    group = make_group(name="Ukraine Information Group")
    event = make_event(
        group=group,
        title="Що означає інтернаціоналізм",
        capacity=5,
        online_url="https://meet.example.org/room",
    )
    registration, _ = rsvp.register(event=event, name="Ann", email="ann@example.org")
    rsvp.confirm(registration=registration)

    delivered = deliver(message_ids=list(Message.objects.values_list("pk", flat=True)))

    assert delivered == 2
    held, confirmed = smtp.to("ann@example.org")
    assert list(held.iter_attachments()) == []
    attachment, code = list(confirmed.iter_attachments())
    assert (code.get_content_type(), code["Content-ID"]) == ("image/png", "<check-in.png>")
    assert (attachment.get_content_type(), attachment.get_filename()) == (
        "text/calendar",
        "event.ics",
    )
    (entry,) = icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert str(entry["SUMMARY"]) == "Що означає інтернаціоналізм"
    assert str(entry["DESCRIPTION"]).startswith("https://meet.example.org/room\n\n")
    assert entry.decoded("DTSTART") == event.starts_at
