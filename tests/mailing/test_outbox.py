"""The outbox (turnout.core.outbox): what a queued row holds, the renderers, delivery in
process to a real SMTP server on loopback. Workers and kills: test_delivery.py."""

import re

import icalendar
import pytest
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from tests.factories import make_event, make_group
from tests.mail import email_of, outbox
from tests.smtp import SMTPServer
from turnout.core import outbox as the_outbox
from turnout.core.models import Message
from turnout.core.outbox.delivery import deliver
from turnout.core.tasks import TryAgain
from turnout.groups import services as groups
from turnout.groups.emails import MEMBERSHIP
from turnout.groups.models import Invitation, User
from turnout.rsvp import services as rsvp

Status = Message.Status
INVITATION_LINK = re.compile(r"/organise/invitations/([^/\s\"<]+)/")


def test_render_keeps_ampersands_in_subject_and_text_and_escapes_them_in_html(db):
    group = make_group(name="Tenants & Friends")
    context = {
        "group_name": group.name,
        "invited_by": group.memberships.get().user,
        "link": "https://x",
    }

    subject, text, html = the_outbox.render_template(
        "groups/email/invitation", {**context, "days": 14}
    )

    assert subject == "Help organise Tenants & Friends on Turnout"
    assert "for Tenants & Friends." in text
    assert "for <bdi>Tenants &amp; Friends</bdi>." in html


def invite(group, to: str = "taras@example.org") -> Message:
    groups.invite_organiser(group=group, email=to, invited_by=group.memberships.get().user)
    # The owners' notice of the invitation is not what these tests are about.
    Message.objects.filter(kind=MEMBERSHIP).delete()
    return Message.objects.latest("id")


# --- what the row holds: what to send, not the text


def test_queued_message_holds_its_kind_and_subject_not_its_text_or_link(db):
    group = make_group()

    message = invite(group)

    stored = Message.objects.get(pk=message.pk)
    invitation = Invitation.objects.get()
    assert (stored.kind, stored.to_email, stored.status) == (
        "groups/email/invitation",
        "taras@example.org",
        Status.QUEUED,
    )
    assert (stored.about, stored.params, stored.subject, stored.language) == (
        invitation,
        {},
        "",
        "en",
    )
    assert stored.forget_after is not None
    assert invitation.token_hash not in str(Message.objects.values().get())


def test_queue_in_a_rolled_back_transaction_queues_nothing(db):
    group = make_group()

    with pytest.raises(ZeroDivisionError), transaction.atomic():
        invite(group)
        1 / 0  # noqa: B018

    assert not Message.objects.exists()
    assert not DBTaskResult.objects.exists()


def unsaved(count: int) -> list[Message]:
    return [Message(kind="x/y", to_email=f"p{n}@example.org", bulk=True) for n in range(count)]


def delivery_batches() -> list[list[int]]:
    results = DBTaskResult.objects.filter(task_path="turnout.core.outbox.tasks.deliver")
    return [r.args_kwargs["kwargs"]["message_ids"] for r in results.order_by("enqueued_at")]


def test_queue_bulk_writes_a_batch_at_a_time_and_enqueues_every_delivery(db):
    seen: list[list[int]] = []

    ids = the_outbox.queue_bulk(
        iter(unsaved(7)), each_batch=lambda saved: seen.append([m.pk for m in saved]), batch_size=3
    )

    assert [len(batch) for batch in seen] == [3, 3, 1]
    assert ids == [pk for batch in seen for pk in batch]
    assert sorted(Message.objects.values_list("pk", flat=True)) == sorted(ids)
    assert [pk for batch in delivery_batches() for pk in batch] == ids


def test_queue_bulk_of_nothing_writes_and_enqueues_nothing(db):
    assert the_outbox.queue_bulk(iter([])) == []
    assert not Message.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_queue_bulk_in_a_rolled_back_transaction_queues_nothing(db):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        the_outbox.queue_bulk(unsaved(5), batch_size=2)
        1 / 0  # noqa: B018

    assert not Message.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_message_of_an_unknown_kind_cannot_be_rendered(db):
    message = Message.objects.create(kind="nobody/registered/this", to_email="a@example.org")

    with pytest.raises(the_outbox.UnknownKind) as caught:
        the_outbox.render(message)

    assert str(caught.value) == "no renderer is registered for the kind 'nobody/registered/this'"


def test_registering_a_second_renderer_for_a_kind_is_refused(db):
    with pytest.raises(ValueError) as caught:
        the_outbox.register("groups/email/verify", lambda message: None)

    assert str(caught.value) == "a renderer is already registered for 'groups/email/verify'"


# --- attachments: given by the renderer, attached to what is sent

ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-NOTE:Київ\\, the meeting\r\nEND:VCALENDAR\r\n"


def finished(**fields) -> Message:
    params = {"subject": "Hi", "text": "Hello", "html": "<p>Hello</p>", **fields}
    return the_outbox.queue(kind=the_outbox.FINISHED, to="taras@example.org", params=params)


def test_build_email_without_attachments_has_none(db):
    assert email_of(invite(make_group())).attachments == []


def test_build_email_attaches_them_beside_the_text_and_html_parts(db):
    attachment = {"filename": "event.ics", "content": ICS, "mimetype": "text/calendar"}
    message = finished(attachments=[attachment])

    email = email_of(message)

    assert isinstance(email, EmailMultiAlternatives)
    assert email.attachments == [("event.ics", ICS, "text/calendar")]
    assert email.body == "Hello"
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
    attachment = {"filename": "event.ics", "content": ICS, "mimetype": "text/calendar"}
    message = finished(attachments=[attachment])

    assert deliver(message_ids=[message.pk]) == 1

    (received,) = smtp.to("taras@example.org")
    (attachment,) = list(received.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "event.ics"
    assert attachment.get_content().splitlines() == ICS.splitlines()
    assert received.get_body(("plain",)).get_content() == "Hello"


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


# --- at delivery


def test_delivery_of_a_message_whose_subject_is_gone_marks_it_and_sends_nothing(db, smtp):
    group = make_group()
    first = invite(group)
    invite(group)  # the same address again: the first invitation is withdrawn
    user = User.objects.create_user(email="gone@example.org", name="Gone", password="x" * 12)
    groups.send_verification_email(user=user)
    verification = Message.objects.latest("id")
    user.delete()

    assert deliver(message_ids=[first.pk, verification.pk]) == 0

    assert smtp.count() == 0
    assert list(
        Message.objects.filter(pk__in=[first.pk, verification.pk]).values_list("status", "params")
    ) == [(Status.GONE, {}), (Status.GONE, {})]
    assert Status.GONE.label == "not sent: its subject is gone"


def test_delivery_of_an_unknown_kind_fails_it_with_the_reason_and_sends_the_rest(db, smtp):
    group = make_group()
    stray = the_outbox.queue(kind="nobody/registered/this", to="a@example.org")
    message = invite(group)

    assert deliver(message_ids=[stray.pk, message.pk]) == 1

    stray.refresh_from_db()
    assert (stray.status, stray.last_error) == (
        Status.FAILED,
        "cannot be rendered: no renderer is registered for the kind 'nobody/registered/this'",
    )
    assert list(smtp.per_recipient()) == ["taras@example.org"]


def test_retry_renders_the_same_links(db, smtp):
    group = make_group()
    event = make_event(group=group, capacity=5)
    rsvp.register(event=event, name="Ann", email="ann@example.org")
    invite(group)
    before = [email.body for email in outbox()]
    ids = list(Message.objects.values_list("pk", flat=True))
    smtp.stop()
    with pytest.raises(TryAgain):  # the first attempt: the mail server is down
        deliver(message_ids=ids)
    smtp.start()

    assert deliver(message_ids=ids) == 2  # the retry renders them again

    received = [smtp.to("ann@example.org")[0], smtp.to("taras@example.org")[0]]
    after = [r.get_body(("plain",)).get_content().replace("\r\n", "\n") for r in received]
    links = [re.findall(r"https?://\S+", text) for text in before]
    assert [re.findall(r"https?://\S+", text) for text in after] == links
    assert all(links)
