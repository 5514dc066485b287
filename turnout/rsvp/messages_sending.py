"""Sending a message to the people registered, as announcements are sent (issue 20).

Two steps, so the organiser's request returns at once. ``start`` (under the group's row
lock, so two sends cannot both pass the daily quota) counts the recipients, checks the
quota, marks the message SENDING, records it in the audit log and enqueues
``fan_out_meeting_message``, all in the caller's transaction. The worker then runs
``fan_out``: in ONE transaction it writes one outbox Message per recipient (about their
registration, so their page and the anonymisation of attendees find it) and a
``MeetingMessageDelivery`` row tying it to the meeting message, and enqueues their
delivery. A worker killed halfway rolls back, and its re-run starts clean; a re-run
after the commit finds the rows and does nothing.

A message sent "at" a time waits as SCHEDULED until the periodic job ``send_due`` finds
it due and starts it, the same way, with the recipients of that moment. It does not go
if it was cancelled, its meeting was cancelled (or deleted: it goes with it) or has
started, or the quota is used up then: it is marked CANCELLED with the reason, which
the compose page shows.

The group's daily quota counts these emails (``quota_usage``, registered with
turnout.groups.sending): bulk mail on the group's behalf, like announcements.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from turnout.core import outbox
from turnout.core.models import Message
from turnout.events.models import Event
from turnout.groups import audit, sending
from turnout.groups.models import Group
from turnout.rsvp.models import MeetingMessage, MeetingMessageDelivery, Registration

KIND = "rsvp/email/message"
DUE_BATCH = 100  # scheduled messages started per run of the periodic job
Audience = MeetingMessage.Audience
Status = MeetingMessage.Status
NotSent = MeetingMessage.NotSent
_Reg = Registration.Status
_WHO = {
    Audience.CONFIRMED: Q(status=_Reg.CONFIRMED),
    Audience.WAITLISTED: Q(status=_Reg.WAITLISTED),
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
        .exclude(status__in=[_Reg.CANCELLED, _Reg.DECLINED])
        .exclude(email="")
        .order_by("pk")
    )


def start(*, message: MeetingMessage, by) -> int:
    """Count the recipients, check the quota and hand the message to the worker; how
    many it goes to. The caller holds the group's row lock in its transaction, and
    saves nothing else: ValidationError (code ``over_quota`` or ``nobody``) changes
    nothing here."""
    from turnout.rsvp import tasks  # tasks call this module

    event = message.event
    needed = recipients(event=event, audience=message.audience).count()
    if needed == 0:
        raise ValidationError({"audience": nobody_message()})  # shown by the choice
    sending.check_quota(group=event.group, needed=needed)
    message.status = Status.SENDING
    message.recipient_count = needed
    message.sent_at = timezone.now()
    message.save()
    tasks.fan_out_meeting_message.enqueue(message_id=message.pk)
    audit.record(
        group=event.group,
        actor=by,
        action=audit.Action.MESSAGE_SENT,
        subject=f"{event.title}: {message.subject}",
        count=needed,
    )
    return needed


def nobody_message() -> str:
    return _("Nobody in this choice has a confirmed email address yet.")


def lock_group(event: Event) -> Group:
    """The group's row, locked to the end of the transaction: one quota check at a time."""
    group = Group.objects.select_for_update().get(pk=event.group_id)
    event.group = group
    return group


def send_due(*, now=None) -> int:
    """Periodic: start the scheduled messages whose time has come; how many went.

    Each in its own short transaction under the group's lock, re-read there: a message
    two workers picked at once is started by the first and skipped by the second.
    """
    now = now or timezone.now()
    due = MeetingMessage.objects.filter(status=Status.SCHEDULED, send_at__lte=now)
    ids = list(due.order_by("send_at", "pk").values_list("pk", flat=True)[:DUE_BATCH])
    return sum(_start_due(pk, now) for pk in ids)


def _start_due(pk: int, now) -> int:
    with transaction.atomic():
        found = MeetingMessage.objects.select_related("event").filter(pk=pk).first()
        if found is None:
            return 0
        lock_group(found.event)
        message = (
            MeetingMessage.objects.select_for_update()
            .filter(pk=pk, status=Status.SCHEDULED)
            .first()
        )
        if message is None:
            return 0  # another worker started it, or an organiser cancelled it
        message.event = found.event
        reason = _why_not(message, now)
        if reason:
            _not_sent(message, reason)
            return 0
        try:
            with transaction.atomic():
                start(message=message, by=message.sent_by)
        except ValidationError as exc:
            over = getattr(exc, "code", "") == "over_quota"
            _not_sent(message, NotSent.OVER_QUOTA if over else NotSent.NOBODY)
            return 0
    return 1


def _why_not(message: MeetingMessage, now) -> str:
    event = message.event
    if event.status == Event.Status.CANCELLED:
        return NotSent.MEETING_CANCELLED
    if event.starts_at <= now:
        return NotSent.MEETING_STARTED  # the workers were down past its time
    return ""


def _not_sent(message: MeetingMessage, reason: str) -> None:
    message.status, message.not_sent_reason = Status.CANCELLED, reason
    message.save(update_fields=["status", "not_sent_reason"])


def fan_out(*, message: MeetingMessage) -> int:
    """Write one email per recipient and enqueue their delivery; returns how many.

    One transaction: all rows and delivery tasks, or none. Recipients are those in its
    audience whose address was confirmed when it started going (``sent_at``).
    """
    with transaction.atomic():
        locked = (
            MeetingMessage.objects.select_for_update()
            .filter(pk=message.pk, status=Status.SENDING)
            .first()
        )
        if locked is None or locked.deliveries.exists():
            return 0  # gone, not sending, or a re-run after the rows were written
        event = Event.objects.get(pk=locked.event_id)
        people = recipients(event=event, audience=locked.audience).filter(
            email_confirmed_at__lte=locked.sent_at
        )
        emails = (
            Message(
                kind=KIND,
                to_email=registration.email,
                about=registration,
                params={"message": locked.pk},
                language=registration.language or event.language,
                bulk=True,
            )
            for registration in people.iterator(chunk_size=outbox.INSERT_BATCH)
        )
        ids = outbox.queue_bulk(emails, each_batch=lambda saved: _tie(locked, saved))
        locked.recipient_count = len(ids)
        if not ids:
            locked.status = Status.SENT
        locked.save(update_fields=["recipient_count", "status"])
    return len(ids)


def _tie(message: MeetingMessage, emails: list[Message]) -> None:
    """A delivery row per email written, tying it to the message and its registration."""
    MeetingMessageDelivery.objects.bulk_create(
        MeetingMessageDelivery(
            meeting_message=message, registration_id=email.about_id, message=email
        )
        for email in emails
    )


def progress(*, message: MeetingMessage) -> dict:
    """Queued, sent and failed counts; the message is SENT once nothing is queued."""
    emails = Message.objects.filter(pk__in=message.deliveries.values("message_id")).aggregate(
        queued=Count("id", filter=Q(status=Message.Status.QUEUED)),
        sent=Count("id", filter=Q(status=Message.Status.SENT)),
        failed=Count("id", filter=~Q(status__in=[Message.Status.QUEUED, Message.Status.SENT])),
    )
    written = emails["queued"] + emails["sent"] + emails["failed"]
    if message.status == Status.SENDING and written and not emails["queued"]:
        MeetingMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
            status=Status.SENT
        )
        message.status = Status.SENT
    return {"status": message.status, **emails}


def quota_usage(*, group: Group | None, since) -> int:
    """These messages' emails on ``group``'s behalf (None: every group) since then, for
    the daily quotas (turnout.groups.sending.count_usage).

    Written ones are bulk mail: the instance's count has them already; the group's does
    not (they are about registrations). A message started but not yet fanned out counts
    with its recipients, so two sends cannot both pass.
    """
    written = 0
    if group is not None:
        written = MeetingMessageDelivery.objects.filter(
            meeting_message__event__group=group, message__created_at__gte=since
        ).count()
    pending = MeetingMessage.objects.filter(status=Status.SENDING).exclude(
        Exists(MeetingMessageDelivery.objects.filter(meeting_message=OuterRef("pk")))
    )
    if group is not None:
        pending = pending.filter(event__group=group)
    return written + (pending.aggregate(n=Sum("recipient_count"))["n"] or 0)
