"""Announcements: drafts, preview, test send, the sending rules, fan-out and progress."""

import datetime as dt
import threading
from email.utils import formataddr, parseaddr
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.factories import make_group
from tests.mail import email_of, outbox
from turnout.core import outbox as the_outbox
from turnout.core.models import Message
from turnout.core.outbox import delivery as mail
from turnout.core.outbox import tasks as outbox_tasks
from turnout.groups import services as groups
from turnout.mailing import tasks
from turnout.mailing.models import Announcement, Subscriber
from turnout.mailing.services import announcements, subscriptions

pytestmark = pytest.mark.django_db

FAN_OUT = "turnout.mailing.tasks.fan_out_announcement"
DELIVER = "turnout.core.outbox.tasks.deliver"
HOSTILE_BODY = (
    "# Hello\n\n<script>alert(1)</script>\n\n"
    "[click](javascript:alert(1)) <img src=x onerror=alert(2)> "
    '<a href="https://evil.example" onclick="alert(3)">x</a>\n\n'
    "![tracker](https://evil.example/pixel.png)"
)


def subscribe(group, *emails: str) -> list[Subscriber]:
    """Confirmed subscribers, the way a person confirms: through the emailed token."""
    return [
        subscriptions.confirm_subscription(
            token=subscriptions.confirmation_token(group=group, email=email)
        )
        for email in emails
    ]


def queued_tasks(path: str) -> list[dict]:
    return [
        result.args_kwargs["kwargs"]
        for result in DBTaskResult.objects.filter(task_path=path).order_by("enqueued_at")
    ]


@pytest.fixture
def announcement(group, organiser):
    return announcements.create(
        group=group,
        subject="Meeting on Tuesday",
        body="Come to **Marchmont St** at 7pm.\n\n- bring a friend",
        created_by=organiser,
    )


def send_and_fan_out(announcement, by) -> Announcement:
    announcements.send(announcement=announcement, by=by)
    tasks.fan_out_announcement.call(announcement_id=announcement.pk)
    return Announcement.objects.get(pk=announcement.pk)


class Tags(HTMLParser):
    """Every start tag with its attributes, to prove what an HTML part can do."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def assert_harmless(html: str) -> None:
    tags = Tags(html).found
    assert {tag for tag, _attrs in tags} <= {
        "html", "head", "meta", "title", "body", "div", "p", "h2", "hr", "a", "strong", "em",
        "ul", "li", "bdi",
    }  # fmt: skip
    for _tag, attrs in tags:
        assert not [name for name in attrs if name.startswith("on")]
        assert not attrs.get("href", "").lower().startswith("javascript")
        assert "src" not in attrs


# --- drafts ---


def test_create_keeps_a_draft(group, organiser):
    announcement = announcements.create(
        group=group, subject="  Meeting  ", body="Hello", created_by=organiser
    )

    found = Announcement.objects.get()
    assert (found.pk, found.group, found.subject, found.body) == (
        announcement.pk,
        group,
        "Meeting",
        "Hello",
    )
    assert (found.status, found.recipient_count, found.created_by) == ("draft", 0, organiser)


def test_create_with_a_newline_in_the_subject_keeps_one_line(group, organiser):
    announcement = announcements.create(
        group=group, subject="Hi\nBcc: x@evil.example", body="", created_by=organiser
    )

    assert announcement.subject == "Hi Bcc: x@evil.example"


def test_create_with_an_empty_subject_is_refused(group, organiser):
    with pytest.raises(ValidationError) as caught:
        announcements.create(group=group, subject=" \n ", body="Hello", created_by=organiser)

    assert caught.value.message_dict == {"subject": ["Give the announcement a subject."]}
    assert Announcement.objects.count() == 0


def test_create_with_a_body_over_the_limit_is_refused(group, organiser):
    with pytest.raises(ValidationError) as caught:
        announcements.create(group=group, subject="Hi", body="x" * 20_001, created_by=organiser)

    assert caught.value.message_dict == {
        "body": ["Keep the message to 20,000 characters or fewer (it has 20,001)."]
    }
    assert Announcement.objects.count() == 0


def test_update_changes_a_draft(announcement):
    announcements.update(announcement=announcement, subject="New\r\nsubject", body="New body")

    found = Announcement.objects.get()
    assert (found.subject, found.body, found.status) == ("New subject", "New body", "draft")


def test_update_of_a_sent_announcement_is_refused(announcement, group, organiser):
    subscribe(group, "a@example.org")
    announcements.send(announcement=announcement, by=organiser)

    with pytest.raises(ValidationError) as caught:
        announcements.update(announcement=announcement, subject="Changed", body="Changed")

    assert caught.value.messages == ["This announcement has already been sent."]
    assert Announcement.objects.get().subject == "Meeting on Tuesday"


# --- preview and test ---


def test_preview_renders_the_markdown_the_group_and_the_footer(announcement):
    subject, text, html = announcements.preview(announcement=announcement)

    assert subject == "Meeting on Tuesday"
    assert text == (
        "Ukraine Information Group\n\n"
        "Come to **Marchmont St** at 7pm.\n\n- bring a friend\n\n"
        "--\n"
        "You get this email because you follow Ukraine Information Group by email.\n"
        "Unsubscribe (one click, no questions): http://127.0.0.1:8000/uig/\n"
        "About Ukraine Information Group: http://127.0.0.1:8000/uig/\n"
    )
    assert '<p dir="auto">Come to <strong>Marchmont St</strong> at 7pm.</p>' in html
    assert '<li dir="auto">bring a friend</li>' in html
    assert ">Ukraine Information Group</p>" in html
    assert '<a href="http://127.0.0.1:8000/uig/" style="color:#5d5b55;">Unsubscribe</a>' in html


def test_preview_of_hostile_markdown_is_harmless(group, organiser):
    announcement = announcements.create(
        group=group, subject="<script>alert(1)</script>", body=HOSTILE_BODY, created_by=organiser
    )

    subject, _text, html = announcements.preview(announcement=announcement)

    assert subject == "<script>alert(1)</script>"  # a header is text, shown as text
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert_harmless(html)


def test_send_test_queues_one_message_to_the_organiser(announcement, organiser, group):
    announcements.send_test(announcement=announcement, to_user=organiser)

    [email] = outbox()
    _subject, text, html = announcements.preview(announcement=announcement)
    assert email.to == ["olena@example.org"]
    assert email.subject == "[Test] Meeting on Tuesday"
    assert email.body == text
    assert email.alternatives == [(html, "text/html")]
    assert email.from_email == formataddr(
        ("Ukraine Information Group", parseaddr(settings.DEFAULT_FROM_EMAIL)[1])
    )
    assert email.reply_to == [group.contact_email]
    assert [kwargs["message_ids"] for kwargs in queued_tasks(DELIVER)] == [
        [Message.objects.get().pk]
    ]


def test_send_test_counts_toward_neither_quota_nor_progress(announcement, group, organiser):
    groups.update_group(group=group, daily_email_quota=2)
    subscribe(group, "a@example.org", "b@example.org")
    for _n in range(3):
        announcements.send_test(announcement=announcement, to_user=organiser)

    sent = send_and_fan_out(announcement, organiser)

    assert sent.status == "sending"
    assert announcements.progress(announcement=sent) == {
        "status": "sending",
        "queued": 2,
        "sent": 0,
        "failed": 0,
    }


# --- sending: the rules ---


def test_send_marks_it_sending_and_only_enqueues_the_fan_out(announcement, group, organiser):
    subscribe(group, "a@example.org", "b@example.org")

    sent = announcements.send(announcement=announcement, by=organiser)

    found = Announcement.objects.get()
    assert (found.status, found.recipient_count) == ("sending", 2)
    assert found.sent_at is not None
    assert sent.status == "sending"
    assert queued_tasks(FAN_OUT) == [{"announcement_id": announcement.pk}]
    assert Message.objects.count() == 0  # the worker writes them; the request returns at once


def test_send_twice_is_refused(announcement, group, organiser):
    subscribe(group, "a@example.org")
    announcements.send(announcement=announcement, by=organiser)

    with pytest.raises(ValidationError) as caught:
        announcements.send(announcement=announcement, by=organiser)

    assert caught.value.messages == ["This announcement has already been sent."]
    assert len(queued_tasks(FAN_OUT)) == 1


def test_send_with_a_stale_copy_is_refused_after_it_went(announcement, group, organiser):
    subscribe(group, "a@example.org")
    stale = Announcement.objects.get(pk=announcement.pk)
    announcements.send(announcement=announcement, by=organiser)

    with pytest.raises(ValidationError) as caught:
        announcements.send(announcement=stale, by=organiser)

    assert caught.value.messages == ["This announcement has already been sent."]


def test_send_with_an_empty_body_is_refused(group, organiser):
    subscribe(group, "a@example.org")
    announcement = announcements.create(
        group=group, subject="Hi", body=" \n ", created_by=organiser
    )

    with pytest.raises(ValidationError) as caught:
        announcements.send(announcement=announcement, by=organiser)

    assert caught.value.message_dict == {"body": ["Write the message before sending it."]}
    assert Announcement.objects.get().status == "draft"
    assert queued_tasks(FAN_OUT) == []


def test_send_with_nobody_subscribed_is_refused(announcement, organiser):
    with pytest.raises(ValidationError) as caught:
        announcements.send(announcement=announcement, by=organiser)

    assert caught.value.messages == [
        "Nobody follows this group by email yet, so there is nobody to send it to."
    ]
    assert queued_tasks(FAN_OUT) == []


def test_send_before_approval_is_refused_when_approval_is_required(
    announcement, group, organiser, settings
):
    settings.TURNOUT_REQUIRE_GROUP_APPROVAL = True
    subscribe(group, "a@example.org")

    with pytest.raises(ValidationError) as caught:
        announcements.send(announcement=announcement, by=organiser)

    assert caught.value.messages == [
        "The instance admin has not yet approved this group for sending email."
    ]
    assert Announcement.objects.get().status == "draft"
    assert queued_tasks(FAN_OUT) == []


def test_send_after_approval_goes(announcement, group, organiser, settings):
    settings.TURNOUT_REQUIRE_GROUP_APPROVAL = True
    subscribe(group, "a@example.org")
    groups.approve_for_email(group=group)

    sent = announcements.send(announcement=announcement, by=organiser)

    assert sent.status == "sending"


def test_approve_for_email_keeps_the_first_approval(group):
    first = groups.approve_for_email(group=group).email_approved_at

    again = groups.approve_for_email(group=group).email_approved_at

    assert first is not None
    assert again == first


def test_send_over_the_groups_quota_is_refused(announcement, group, organiser):
    groups.update_group(group=group, daily_email_quota=2)
    subscribe(group, "a@example.org", "b@example.org", "c@example.org")

    with pytest.raises(ValidationError) as caught:
        announcements.send(announcement=announcement, by=organiser)

    assert caught.value.messages == [
        "Only 2 emails are left of this group's daily limit of 2, and this announcement "
        "needs 3. Send it tomorrow, or ask the instance admin to raise the limit."
    ]
    assert Announcement.objects.get().status == "draft"
    assert queued_tasks(FAN_OUT) == []
    assert Message.objects.count() == 0


def test_send_over_the_instance_quota_is_refused(announcement, group, organiser, settings):
    settings.TURNOUT_DAILY_EMAIL_QUOTA = 1
    subscribe(group, "a@example.org", "b@example.org")

    with pytest.raises(ValidationError) as caught:
        announcements.send(announcement=announcement, by=organiser)

    assert caught.value.messages == [
        "Only 1 email is left of this group's daily limit of 1, and this announcement "
        "needs 2. Send it tomorrow, or ask the instance admin to raise the limit."
    ]


def test_send_exactly_up_to_the_quota_goes(announcement, group, organiser):
    groups.update_group(group=group, daily_email_quota=2)
    subscribe(group, "a@example.org", "b@example.org")

    assert announcements.send(announcement=announcement, by=organiser).status == "sending"


def test_quota_counts_the_groups_messages_of_the_last_24_hours(group, organiser):
    groups.update_group(group=group, daily_email_quota=3)
    subscribe(group, "a@example.org", "b@example.org")
    first = announcements.create(group=group, subject="One", body="1", created_by=organiser)
    second = announcements.create(group=group, subject="Two", body="2", created_by=organiser)
    send_and_fan_out(first, organiser)

    with pytest.raises(ValidationError) as caught:
        announcements.send(announcement=second, by=organiser)

    assert caught.value.messages == [
        "Only 1 email is left of this group's daily limit of 3, and this announcement "
        "needs 2. Send it tomorrow, or ask the instance admin to raise the limit."
    ]


def test_quota_forgets_messages_older_than_24_hours(group, organiser):
    groups.update_group(group=group, daily_email_quota=3)
    subscribe(group, "a@example.org", "b@example.org")
    first = announcements.create(group=group, subject="One", body="1", created_by=organiser)
    second = announcements.create(group=group, subject="Two", body="2", created_by=organiser)
    send_and_fan_out(first, organiser)
    yesterday = timezone.now() - dt.timedelta(hours=24, minutes=1)
    Message.objects.update(created_at=yesterday)

    assert announcements.send(announcement=second, by=organiser).status == "sending"


def test_quota_counts_an_announcement_not_yet_fanned_out(group, organiser):
    groups.update_group(group=group, daily_email_quota=3)
    subscribe(group, "a@example.org", "b@example.org")
    first = announcements.create(group=group, subject="One", body="1", created_by=organiser)
    second = announcements.create(group=group, subject="Two", body="2", created_by=organiser)
    announcements.send(announcement=first, by=organiser)  # the worker has not run yet

    with pytest.raises(ValidationError) as caught:
        announcements.send(announcement=second, by=organiser)

    assert caught.value.messages == [
        "Only 1 email is left of this group's daily limit of 3, and this announcement "
        "needs 2. Send it tomorrow, or ask the instance admin to raise the limit."
    ]


def test_quota_used_up_says_so(group, organiser):
    groups.update_group(group=group, daily_email_quota=2)
    subscribe(group, "a@example.org", "b@example.org")
    first = announcements.create(group=group, subject="One", body="1", created_by=organiser)
    second = announcements.create(group=group, subject="Two", body="2", created_by=organiser)
    send_and_fan_out(first, organiser)

    with pytest.raises(ValidationError) as caught:
        announcements.send(announcement=second, by=organiser)

    assert caught.value.messages == [
        "This group has used all 2 emails of its daily limit. Send the announcement "
        "tomorrow, or ask the instance admin to raise the limit."
    ]


def test_quota_is_per_group(announcement, group, organiser):
    groups.update_group(group=group, daily_email_quota=2)
    subscribe(group, "a@example.org", "b@example.org")
    other = make_group(daily_email_quota=2)
    subscribe(other, "a@example.org", "b@example.org")
    other_announcement = announcements.create(
        group=other, subject="Other", body="Other", created_by=None
    )
    send_and_fan_out(other_announcement, organiser)

    assert announcements.send(announcement=announcement, by=organiser).status == "sending"


def test_send_in_a_rolled_back_transaction_leaves_no_task_and_no_message(
    announcement, group, organiser
):
    subscribe(group, "a@example.org")

    with pytest.raises(RuntimeError), transaction.atomic():
        announcements.send(announcement=announcement, by=organiser)
        raise RuntimeError("the request failed after sending")

    assert Announcement.objects.get().status == "draft"
    assert DBTaskResult.objects.count() == 0
    assert Message.objects.count() == 0


# --- fan-out ---


def test_fan_out_writes_one_message_per_confirmed_subscriber(announcement, group, organiser):
    subscribers = subscribe(group, "a@example.org", "b@example.org", "c@example.org")
    subscribe(make_group(name="Other"), "z@example.org")  # another group's list stays out

    sent = send_and_fan_out(announcement, organiser)

    messages = list(Message.objects.filter(announcement=announcement).order_by("to_email"))
    assert [m.to_email for m in messages] == ["a@example.org", "b@example.org", "c@example.org"]
    assert sent.recipient_count == 3
    for message, subscriber in zip(messages, subscribers, strict=True):
        url = subscriptions.unsubscribe_url(subscriber)
        assert (message.about, message.params, message.kind, message.status) == (
            sent,
            {"subscriber": subscriber.pk},
            "mailing/email/announcement",
            "queued",
        )
        rendered = the_outbox.render(message)  # at delivery
        assert (rendered.from_name, rendered.reply_to) == (group.name, group.contact_email)
        assert rendered.headers == {
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        assert f"Unsubscribe (one click, no questions): {url}\n" in rendered.text
        assert f'<a href="{url}" style="color:#5d5b55;">Unsubscribe</a>' in rendered.html
        assert "unsubscribe.invalid" not in rendered.text + rendered.html
    assert len({the_outbox.render(m).headers["List-Unsubscribe"] for m in messages}) == 3


def queries_to_render_a_batch(count: int, organiser) -> int:
    group = make_group(name=f"Group of {count}")
    subscribe(group, *(f"p{n}@example.org" for n in range(count)))
    announcement = announcements.create(group=group, subject="Hi", body="Hi", created_by=organiser)
    send_and_fan_out(announcement, organiser)
    batch = list(announcement.messages.prefetch_related("about"))  # as delivery reads them
    with CaptureQueriesContext(connection) as queries:
        the_outbox.prepare_all(batch)
        rendered = [the_outbox.render(message) for message in batch]
    assert len({email.headers["List-Unsubscribe"] for email in rendered}) == count
    return len(queries)


def test_a_delivery_batch_renders_with_as_many_queries_for_3_messages_as_for_1(organiser):
    assert queries_to_render_a_batch(3, organiser) == queries_to_render_a_batch(1, organiser)


def test_fan_out_builds_emails_with_both_parts_and_the_groups_names(announcement, group, organiser):
    subscribe(group, "a@example.org")
    send_and_fan_out(announcement, organiser)

    [email] = outbox()
    built = email.message()

    assert email.subject == "Meeting on Tuesday"
    assert email.to == ["a@example.org"]
    assert built["From"] == formataddr(
        ("Ukraine Information Group", parseaddr(settings.DEFAULT_FROM_EMAIL)[1])
    )
    assert built["Reply-To"] == group.contact_email
    assert built.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in built.get_payload()] == [
        "text/plain",
        "text/html",
    ]
    assert built["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert built["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/")
    assert email.body.startswith("Ukraine Information Group\n\nCome to **Marchmont St** at 7pm.")
    assert "<strong>Marchmont St</strong>" in email.alternatives[0][0]


def test_fan_out_leaves_out_unsubscribed_addresses(announcement, group, organiser):
    _a, b, _c = subscribe(group, "a@example.org", "b@example.org", "c@example.org")
    announcements.send(announcement=announcement, by=organiser)
    subscriptions.unsubscribe(token=subscriptions.unsubscribe_token(b))

    tasks.fan_out_announcement.call(announcement_id=announcement.pk)

    assert sorted(Message.objects.values_list("to_email", flat=True)) == [
        "a@example.org",
        "c@example.org",
    ]
    assert Announcement.objects.get().recipient_count == 2


def test_fan_out_leaves_out_those_who_confirmed_after_the_send(announcement, group, organiser):
    subscribe(group, "a@example.org")
    announcements.send(announcement=announcement, by=organiser)
    subscribe(group, "late@example.org")

    tasks.fan_out_announcement.call(announcement_id=announcement.pk)

    assert list(Message.objects.values_list("to_email", flat=True)) == ["a@example.org"]


def test_fan_out_enqueues_delivery_in_batches_of_50(announcement, group, organiser):
    subscribe(group, *[f"person{n:03}@example.org" for n in range(120)])

    send_and_fan_out(announcement, organiser)

    batches = [kwargs["message_ids"] for kwargs in queued_tasks(DELIVER)]
    assert [len(batch) for batch in batches] == [50, 50, 20]
    ids = [pk for batch in batches for pk in batch]
    assert sorted(ids) == sorted(Message.objects.values_list("pk", flat=True))


def test_fan_out_run_twice_writes_nothing_more(announcement, group, organiser):
    subscribe(group, "a@example.org", "b@example.org")
    send_and_fan_out(announcement, organiser)

    again = tasks.fan_out_announcement.call(announcement_id=announcement.pk)
    announcements.fan_out(announcement=announcement)

    assert again == 0
    assert Message.objects.count() == 2
    assert len(queued_tasks(DELIVER)) == 1


def test_fan_out_of_a_draft_writes_nothing(announcement, group):
    subscribe(group, "a@example.org")

    assert tasks.fan_out_announcement.call(announcement_id=announcement.pk) == 0
    assert Message.objects.count() == 0


def test_fan_out_of_a_deleted_announcement_returns_quietly(db):
    assert tasks.fan_out_announcement.call(announcement_id=987654) == 0


def test_fan_out_to_nobody_left_marks_it_sent(announcement, group, organiser):
    [a] = subscribe(group, "a@example.org")
    announcements.send(announcement=announcement, by=organiser)
    subscriptions.unsubscribe(token=subscriptions.unsubscribe_token(a))

    tasks.fan_out_announcement.call(announcement_id=announcement.pk)

    found = Announcement.objects.get()
    assert (found.status, found.recipient_count) == ("sent", 0)
    assert queued_tasks(DELIVER) == []


def test_fan_out_of_hostile_markdown_is_harmless_in_the_html_part(group, organiser):
    subscribe(group, "a@example.org")
    announcement = announcements.create(
        group=group, subject="<b>Hi</b>", body=HOSTILE_BODY, created_by=organiser
    )
    send_and_fan_out(announcement, organiser)

    [email] = outbox()

    assert email.subject == "<b>Hi</b>"
    assert_harmless(email.alternatives[0][0])
    assert "<script>alert(1)</script>" in email.body  # the text part is plain text


# --- no header injection ---


def test_a_subject_with_a_newline_cannot_add_a_header(group, organiser):
    subscribe(group, "a@example.org")
    announcement = announcements.create(
        group=group, subject="Hi\nBcc: x@evil.example", body="Hello", created_by=organiser
    )
    send_and_fan_out(announcement, organiser)

    built = email_of(Message.objects.get()).message()

    assert built.get_all("Subject") == ["Hi Bcc: x@evil.example"]
    assert built.get_all("Bcc") is None
    assert built.get_all("To") == ["a@example.org"]


def test_a_group_name_with_a_newline_cannot_add_a_header(organiser):
    group = make_group(owner=organiser, name="Evil\r\nBcc: x@evil.example")
    subscribe(group, "a@example.org")
    announcement = announcements.create(
        group=group, subject="Hi", body="Hello", created_by=organiser
    )
    send_and_fan_out(announcement, organiser)

    built = email_of(Message.objects.get()).message()

    assert len(built.get_all("From")) == 1
    assert built.get_all("Bcc") is None
    assert parseaddr(built["From"])[0] == "Evil Bcc: x@evil.example"


# --- progress ---


def test_progress_counts_queued_sent_and_failed_in_one_query(
    announcement, group, organiser, django_assert_num_queries
):
    subscribe(group, "a@example.org", "b@example.org", "c@example.org")
    send_and_fan_out(announcement, organiser)
    a, b, _c = Message.objects.order_by("to_email")
    outbox_tasks.deliver.call(message_ids=[a.pk])
    mail.give_up(message_ids=[b.pk], error="550 no such user")
    found = Announcement.objects.get()

    with django_assert_num_queries(1):
        counts = announcements.progress(announcement=found)

    assert counts == {"status": "sending", "queued": 1, "sent": 1, "failed": 1}


def test_progress_with_nothing_queued_marks_it_sent(announcement, group, organiser):
    subscribe(group, "a@example.org", "b@example.org")
    send_and_fan_out(announcement, organiser)
    a, b = Message.objects.order_by("to_email")
    outbox_tasks.deliver.call(message_ids=[a.pk])
    mail.give_up(message_ids=[b.pk], error="550 no such user")

    counts = announcements.progress(announcement=Announcement.objects.get())

    assert counts == {"status": "sent", "queued": 0, "sent": 1, "failed": 1}
    assert Announcement.objects.get().status == "sent"


def test_progress_before_the_fan_out_stays_sending(announcement, group, organiser):
    subscribe(group, "a@example.org")
    sent = announcements.send(announcement=announcement, by=organiser)

    counts = announcements.progress(announcement=sent)

    assert counts == {"status": "sending", "queued": 0, "sent": 0, "failed": 0}
    assert Announcement.objects.get().status == "sending"


# --- the quota under concurrency ---


def test_quota_holds_when_several_organisers_send_at_once(transactional_db, group, organiser):
    """Real connections in threads: the group's row lock lets one send pass the quota."""
    groups.update_group(group=group, daily_email_quota=2)
    subscribe(group, "a@example.org", "b@example.org")
    drafts = [
        announcements.create(group=group, subject=f"N{n}", body="x", created_by=organiser)
        for n in range(4)
    ]
    start = threading.Barrier(len(drafts))
    outcomes: list[str] = []

    def send(announcement):
        try:
            start.wait()
            announcements.send(announcement=announcement, by=organiser)
            outcomes.append("sent")
        except ValidationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["over_quota", "over_quota", "over_quota", "sent"]
    assert Announcement.objects.filter(status="sending").count() == 1
    assert len(queued_tasks(FAN_OUT)) == 1
