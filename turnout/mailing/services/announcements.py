"""Every write to announcements: draft, preview, test, send, fan out, follow progress.

Sending is two steps so the organiser's request returns at once. ``send`` checks
the rules under a lock (a draft, not empty, approved, within the daily quota),
marks the announcement SENDING and enqueues ``fan_out_announcement``, all in one
transaction. The worker then runs ``fan_out``: in one transaction it writes a
Message per recipient (about the announcement, the subscriber's id in its params)
and enqueues their delivery in batches, so a worker killed halfway rolls back and
its re-run starts clean; a re-run after the commit finds the rows and does nothing.
At delivery each one is rendered with the recipient's own unsubscribe link
(turnout.mailing.services.rendering).
"""

import datetime as dt
import logging
from email.utils import parseaddr

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from turnout.core import outbox
from turnout.core.formats import grouped
from turnout.core.markdown import render_markdown
from turnout.core.models import Message
from turnout.groups import audit, sending
from turnout.groups.models import Group, User
from turnout.mailing.models import (
    ANNOUNCEMENT_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    Announcement,
    Subscriber,
)
from turnout.mailing.services import subscriptions

logger = logging.getLogger("turnout.mailing")

TEMPLATE = "mailing/email/announcement"


def empty_subject_message() -> str:
    return _("Give the announcement a subject.")


def empty_body_message() -> str:
    return _("Write the message before sending it.")


def body_too_long_message(length: int) -> str:
    return _("Keep the message to %(limit)s characters or fewer (it has %(length)s).") % {
        "limit": grouped(ANNOUNCEMENT_MAX_LENGTH),
        "length": grouped(length),
    }


def _cleaned(*, subject: str, body: str) -> tuple[str, str]:
    """The subject on one line and both within their limits, or field-level errors."""
    subject = outbox.one_line(subject)
    errors = {}
    if not subject:
        errors["subject"] = empty_subject_message()
    elif len(subject) > SUBJECT_MAX_LENGTH:
        errors["subject"] = _("Keep the subject to %(limit)s characters or fewer.") % {
            "limit": SUBJECT_MAX_LENGTH
        }
    if len(body) > ANNOUNCEMENT_MAX_LENGTH:
        errors["body"] = body_too_long_message(len(body))
    if errors:
        raise ValidationError(errors)
    return subject, body


@transaction.atomic
def create(*, group: Group, subject: str, body: str, created_by: User | None) -> Announcement:
    subject, body = _cleaned(subject=subject, body=body)
    return Announcement.objects.create(
        group=group, subject=subject, body=body, created_by=created_by
    )


@transaction.atomic
def update(*, announcement: Announcement, subject: str, body: str) -> Announcement:
    """Change a draft; one that has been sent stays as it went out."""
    subject, body = _cleaned(subject=subject, body=body)
    locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if locked.status != Announcement.Status.DRAFT:
        raise ValidationError(already_sent_message(), code="already_sent")
    locked.subject, locked.body = subject, body
    locked.save(update_fields=["subject", "body"])
    return locked


# --- what recipients get ---


def render_for(
    announcement: Announcement, *, unsubscribe_url: str, language: str = ""
) -> tuple[str, str, str]:
    """(subject, text, html) as a subscriber with this unsubscribe link and ``language``
    (the one they followed in; none: the group's) gets it."""
    group = announcement.group
    context = {
        "group": group,
        "announcement": announcement,
        "body_html": render_markdown(announcement.body),
        "unsubscribe_url": unsubscribe_url,
        "group_url": settings.BASE_URL + group_page_path(group),
    }
    with translation.override(language or group.language):
        subject, text, html = outbox.render_template(TEMPLATE, context)
    return subject[:SUBJECT_MAX_LENGTH], text, html


def group_page_path(group: Group) -> str:
    return reverse("public:group", kwargs={"group": group.slug})


def sender(*, group: Group) -> str:
    """The From line as people read it: the group's name on the instance's own address."""
    return f"{outbox.one_line(group.name)} <{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}>"


def sample_unsubscribe_url(announcement: Announcement) -> str:
    """Where the unsubscribe link of a preview or test leads: no real subscriber has it."""
    return settings.BASE_URL + group_page_path(announcement.group)


def preview(*, announcement: Announcement) -> tuple[str, str, str]:
    """(subject, text, html) exactly as a subscriber gets it, but with a sample unsubscribe link."""
    return render_for(announcement, unsubscribe_url=sample_unsubscribe_url(announcement))


def send_test(*, announcement: Announcement, to_user: User) -> Message:
    """One copy to the organiser's own address; it counts toward no quota or progress:
    it is about the organiser, not the announcement, and not bulk."""
    return outbox.queue(
        kind=TEMPLATE,
        to=to_user.email,
        about=to_user,
        params={"test_of": announcement.pk},
        forget_after=timezone.now() + dt.timedelta(days=announcement.group.anonymise_after_days),
    )


# --- sending ---


def already_sent_message() -> str:
    return _("This announcement has already been sent.")


def not_approved_message() -> str:
    return _("The instance admin has not yet approved this group for sending email.")


def no_recipients_message() -> str:
    return _("Nobody follows this group by email yet, so there is nobody to send it to.")


def over_quota_message(*, quota: int, left: int, needed: int) -> str:
    if left == 0:
        return _(
            "This group has used all %(quota)s emails of its daily limit. Send the "
            "announcement tomorrow, or ask the instance admin to raise the limit."
        ) % {"quota": quota}
    return ngettext(
        "Only %(left)s email is left of this group's daily limit of %(quota)s, and this "
        "announcement needs %(needed)s. Send it tomorrow, or ask the instance admin to "
        "raise the limit.",
        "Only %(left)s emails are left of this group's daily limit of %(quota)s, and this "
        "announcement needs %(needed)s. Send it tomorrow, or ask the instance admin to "
        "raise the limit.",
        left,
    ) % {"left": left, "quota": quota, "needed": needed}


def daily_quota(*, group: Group) -> int:
    return sending.daily_quota(group=group)


def emails_left_today(*, group: Group) -> int:
    """What is left of the group's daily quota and the instance's (turnout.groups.sending),
    announcements counted by ``quota_usage``."""
    return sending.emails_left_today(group=group)


def quota_usage(*, group: Group | None, since: dt.datetime) -> int:
    """Announcement mail of ``group`` (None: every group) since then, for the daily quotas.

    Its messages (bulk, about the announcement) for one group: the instance's count has
    them already. And for both, an announcement already sent whose messages are not
    written yet (the worker has not fanned it out) counts with its recipients, so two
    sends cannot both pass.
    """
    written = 0
    if group is not None:
        recent = Message.objects.filter(bulk=True, created_at__gte=since)
        written = recent.filter(announcement__group=group).count()
    announcement_type = ContentType.objects.get_for_model(Announcement)
    not_fanned_out = Announcement.objects.filter(status=Announcement.Status.SENDING).exclude(
        Exists(Message.objects.filter(about_type=announcement_type, about_id=OuterRef("pk")))
    )
    if group is not None:
        not_fanned_out = not_fanned_out.filter(group=group)
    pending = not_fanned_out.aggregate(n=Sum("recipient_count"))["n"] or 0
    return written + pending


def audience(*, group: Group):
    """The group's confirmed subscribers: who an announcement goes to."""
    return Subscriber.objects.filter(group=group)


def check_sendable(*, announcement: Announcement) -> int:
    """How many people it would go to, or a ValidationError saying why it cannot go.

    ``send`` calls it under its lock; the confirmation page calls it to warn first.
    """
    if announcement.status != Announcement.Status.DRAFT:
        raise ValidationError(already_sent_message(), code="already_sent")
    errors = {}
    if not announcement.subject.strip():
        errors["subject"] = empty_subject_message()
    if not announcement.body.strip():
        errors["body"] = empty_body_message()
    if errors:
        raise ValidationError(errors)
    group = announcement.group
    if not sending.is_approved(group):
        raise ValidationError(not_approved_message(), code="not_approved")
    needed = audience(group=group).count()
    if needed == 0:
        raise ValidationError(no_recipients_message(), code="no_recipients")
    left = emails_left_today(group=group)
    if needed > left:
        if sending.site_limit_binds(group=group):
            message = sending.site_quota_message(left=left, needed=needed)
        else:
            message = over_quota_message(quota=daily_quota(group=group), left=left, needed=needed)
        raise ValidationError(message, code="over_quota")
    return needed


def send(*, announcement: Announcement, by: User) -> Announcement:
    """Check the rules under a lock, then hand the sending to the worker. The organiser
    (``by``) is recorded in the group's audit log with the subject and how many
    subscribers it goes to."""
    from turnout.mailing import tasks

    with transaction.atomic():
        locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
        # The group's row too: two announcements of one group cannot both pass the quota.
        locked.group = Group.objects.select_for_update().get(pk=locked.group_id)
        needed = check_sendable(announcement=locked)
        locked.status = Announcement.Status.SENDING
        locked.recipient_count = needed
        locked.sent_at = timezone.now()
        locked.save(update_fields=["status", "recipient_count", "sent_at"])
        tasks.fan_out_announcement.enqueue(announcement_id=locked.pk)
        audit.record(
            group=locked.group,
            actor=by,
            action=audit.Action.MESSAGE_SENT,
            subject=locked.subject,
            count=needed,
        )
    logger.info("Announcement %s to %d people, sent by user %s.", locked.pk, needed, by.pk)
    return locked


def fan_out(*, announcement: Announcement) -> int:
    """Write one Message per recipient and enqueue their delivery; returns how many.

    One transaction: all rows and delivery tasks, or none. Recipients are the
    subscribers confirmed when the organiser pressed send, less any address
    suppressed since.
    """
    with transaction.atomic():
        locked = (
            Announcement.objects.select_for_update()
            .filter(pk=announcement.pk, status=Announcement.Status.SENDING)
            .first()
        )
        if locked is None or locked.messages.exists():
            return 0  # gone, not sending, or a re-run after the rows were written
        group = Group.objects.get(pk=locked.group_id)
        forget_after = timezone.now() + dt.timedelta(days=group.anonymise_after_days)
        suppressed = set(group.suppressions.values_list("email_hash", flat=True))
        recipients = audience(group=group).filter(confirmed_at__lte=locked.sent_at).order_by("id")
        messages = (
            Message(
                kind=TEMPLATE,
                to_email=subscriber.email,
                about=locked,
                params={"subscriber": subscriber.pk},
                language=subscriber.language or group.language,
                bulk=True,
                forget_after=forget_after,
            )
            for subscriber in recipients.iterator(chunk_size=outbox.INSERT_BATCH)
            if subscriptions.email_hash(subscriber.email) not in suppressed
        )
        ids = outbox.queue_bulk(messages)
        locked.recipient_count = len(ids)
        if not ids:
            locked.status = Announcement.Status.SENT
        locked.save(update_fields=["recipient_count", "status"])
    return len(ids)


def progress(*, announcement: Announcement) -> dict:
    """Queued, sent and failed counts; the announcement is SENT once nothing is queued."""
    counts = announcement.messages.aggregate(
        queued=Count("id", filter=Q(status=Message.Status.QUEUED)),
        sent=Count("id", filter=Q(status=Message.Status.SENT)),
        failed=Count("id", filter=Q(status=Message.Status.FAILED)),
    )
    written = counts["queued"] + counts["sent"] + counts["failed"]
    if announcement.status == Announcement.Status.SENDING and written and not counts["queued"]:
        Announcement.objects.filter(pk=announcement.pk, status=Announcement.Status.SENDING).update(
            status=Announcement.Status.SENT
        )
        announcement.status = Announcement.Status.SENT
    return {"status": announcement.status, **counts}
