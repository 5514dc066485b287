"""The outbox's move to core (mailing 0004): rows copied under their own ids, what
they were about kept, mail still queued sent as it was written, its tasks re-pointed."""

import datetime as dt

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.mail import email_of
from tests.migrations import migrate
from turnout.core.models import Message as CurrentMessage

BEFORE = [("mailing", "0003_message_registration_anonymised")]
AFTER = [("mailing", "0005_delete_message")]


def test_migration_copies_messages_to_core_and_repoints_queued_deliveries(latest_schema_after):
    old = migrate(BEFORE)
    User = old.get_model("groups", "User")
    Group = old.get_model("groups", "Group")
    OldMessage = old.get_model("mailing", "Message")
    user = User.objects.create(email="olena@example.org", name="Olena")
    group = Group.objects.create(
        name="Tenants & Friends",
        slug="tenants",
        contact_email="t@example.org",
        time_zone="Europe/London",
        anonymise_after_days=30,
    )
    written = timezone.now() - dt.timedelta(days=2)
    sent = OldMessage.objects.create(
        id=41,
        group=group,
        kind="mailing/email/confirm_subscription",
        to_email="lee@example.org",
        subject="Confirm",
        text_body="https://x/subscriptions/confirm/secret/",
        html_body="<p>x</p>",
        status="sent",
        created_at=written,
    )
    queued = OldMessage.objects.create(
        id=42,
        kind="groups/email/verify",
        to_email="olena@example.org",
        from_name="",
        subject="Confirm your email address for Turnout",
        text_body="Open https://x/organise/verify/MQ/abc/",
        html_body="<p>Open</p>",
        headers={"X-Test": "1"},
        attachments=[{"filename": "a.txt", "content": "hello", "mimetype": "text/plain"}],
        created_at=written,
    )
    task = DBTaskResult.objects.create(
        status="READY",
        task_path="turnout.mailing.tasks.deliver",
        queue_name="email",
        backend_name="default",
        args_kwargs={"args": [], "kwargs": {"message_ids": [42]}},
        run_after=timezone.now(),
    )
    assert user.pk

    new = migrate(AFTER)

    Message = new.get_model("core", "Message")
    copied_sent, copied_queued = Message.objects.order_by("id")
    assert (copied_sent.id, copied_sent.kind, copied_sent.status, copied_sent.params) == (
        sent.id,
        "mailing/email/confirm_subscription",
        "sent",
        {},
    )
    assert (copied_sent.about_type.model, copied_sent.about_id) == ("group", group.pk)
    assert copied_sent.forget_after == written + dt.timedelta(days=30)
    assert (copied_queued.id, copied_queued.kind, copied_queued.about_id) == (
        queued.id,
        "outbox/finished",
        None,
    )
    assert copied_queued.forget_after == written + dt.timedelta(days=90)
    assert DBTaskResult.objects.get(pk=task.pk).task_path == "turnout.core.outbox.tasks.deliver"
    # Still queued: it goes out as it was written, headers and attachment included.
    email = email_of(CurrentMessage.objects.get(pk=queued.pk))
    assert (email.subject, email.body, email.to) == (
        "Confirm your email address for Turnout",
        "Open https://x/organise/verify/MQ/abc/",
        ["olena@example.org"],
    )
    assert email.extra_headers == {"X-Test": "1"}
    assert email.attachments == [("a.txt", "hello", "text/plain")]
    # New messages take ids after the copied ones (PostgreSQL's sequence was reset).
    assert CurrentMessage.objects.create(kind="k", to_email="a@example.org").pk > queued.pk
