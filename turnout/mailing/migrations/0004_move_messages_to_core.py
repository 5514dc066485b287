"""The outbox moves to core (turnout.core.models.Message, rendered at delivery).

Each mailing message is copied under its own id, so the delivery tasks still queued
(which name messages by id) find them; those tasks are re-pointed from
``turnout.mailing.tasks.deliver`` to ``turnout.core.outbox.tasks.deliver``. What a
message was about becomes its generic ``about``: the registration, else the
announcement, else the group. A message still queued holds finished bodies whose
links were made when it was queued and cannot be made again: it keeps them in its
params and goes out as it was written (kind ``outbox/finished``). Mail not about a
registration gets the ``forget_after`` the privacy job used to work out: its group's
retention after it was written (90 days for mail with no group).

It depends on rsvp's migration as 0003 did (a historical dependency, kept).
"""

import datetime as dt

from django.core.management.color import no_style
from django.db import migrations

OLD_TASK = "turnout.mailing.tasks.deliver"
NEW_TASK = "turnout.core.outbox.tasks.deliver"
FINISHED = "outbox/finished"
DEFAULT_DAYS = 90
BATCH = 500


def copy_messages(apps, schema_editor):
    OldMessage = apps.get_model("mailing", "Message")
    Message = apps.get_model("core", "Message")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("groups", "Group")

    def content_type(app_label, model):
        return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]

    registration = content_type("rsvp", "registration")
    announcement = content_type("mailing", "announcement")
    group = content_type("groups", "group")
    days = dict(Group.objects.values_list("pk", "anonymise_after_days"))

    def copied(old):
        about_type, about_id, forget_after = None, None, None
        if old.registration_id:
            about_type, about_id = registration, old.registration_id
        else:
            kept = dt.timedelta(days=days.get(old.group_id, DEFAULT_DAYS))
            forget_after = old.created_at + kept
            if old.announcement_id:
                about_type, about_id = announcement, old.announcement_id
            elif old.group_id:
                about_type, about_id = group, old.group_id
        kind, params = old.kind, {}
        if old.status == "queued":
            kind = FINISHED
            params = {
                "kind": old.kind,
                "subject": old.subject,
                "text": old.text_body,
                "html": old.html_body,
                "from_name": old.from_name,
                "reply_to": old.reply_to,
                "headers": old.headers,
                "attachments": old.attachments,
            }
        return Message(
            id=old.id,
            kind=kind,
            to_email=old.to_email,
            params=params,
            bulk=old.bulk,
            about_type=about_type,
            about_id=about_id,
            subject=old.subject,
            status=old.status,
            attempts=old.attempts,
            last_error=old.last_error,
            created_at=old.created_at,
            sent_at=old.sent_at,
            anonymised_at=old.anonymised_at,
            forget_after=forget_after,
        )

    batch = []
    for old in OldMessage.objects.order_by("id").iterator(chunk_size=BATCH):
        batch.append(copied(old))
        if len(batch) == BATCH:
            Message.objects.bulk_create(batch)
            batch = []
    Message.objects.bulk_create(batch)
    connection = schema_editor.connection
    with connection.cursor() as cursor:  # the next id after the copied ones (PostgreSQL)
        for statement in connection.ops.sequence_reset_sql(no_style(), [Message]):
            cursor.execute(statement)
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(task_path=OLD_TASK).update(task_path=NEW_TASK)


class Migration(migrations.Migration):
    dependencies = [
        ("mailing", "0003_message_registration_anonymised"),
        ("core", "0003_message"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("groups", "0004_invitation_token_secret"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(copy_messages, migrations.RunPython.noop)]
