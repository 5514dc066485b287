"""Messages to the people registered, sent as announcements are (issue 20, item 2): the
organiser's request only records the message and hands it to the worker, whose fan-out
writes every recipient's email in one transaction; the group's daily quota counts them;
"send at" a time before the meeting, picked by the periodic job, cancellable until then.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.concurrency import race
from tests.factories import make_event
from tests.mail import outbox
from tests.rsvp.helpers import confirmed, fan_out_all
from turnout.core.models import Message
from turnout.events import services as events
from turnout.groups import sending
from turnout.groups import services as groups
from turnout.groups.models import AuditEntry
from turnout.rsvp import messages, messages_sending
from turnout.rsvp import services as rsvp
from turnout.rsvp.models import MeetingMessage

pytestmark = pytest.mark.django_db

FAN_OUT = "turnout.rsvp.tasks.fan_out_meeting_message"
Status = MeetingMessage.Status


@pytest.fixture
def meeting(group, venue):
    """Ann, Bea and Cy confirmed; Bob registered but never confirmed his email."""
    event = make_event(group=group, venue=venue, capacity=10)
    for name in ("Ann", "Bea", "Cy"):
        confirmed(event, name)
    rsvp.register(event=event, name="Bob", email="bob@example.org")
    Message.objects.all().delete()
    return event


def fan_out_tasks() -> list[dict]:
    return [
        r.args_kwargs["kwargs"]
        for r in DBTaskResult.objects.filter(task_path=FAN_OUT).order_by("enqueued_at")
    ]


def send(meeting, organiser, **fields):
    values = {"subject": "Bring ID", "body": "The building asks for **ID**.", "audience": "all"}
    return messages.send_message(event=meeting, by=organiser, **{**values, **fields})


def local(meeting, moment: dt.datetime) -> str:
    """``moment`` as the organiser types it: the meeting's wall clock, to the minute."""
    return moment.astimezone(ZoneInfo(meeting.time_zone)).strftime("%Y-%m-%dT%H:%M")


def addressees() -> list[str]:
    return sorted(email.to[0] for email in outbox())


# --- send now: the request returns at once, the worker fans out ---


def test_send_now_records_it_and_only_enqueues_the_fan_out(meeting, organiser):
    sent = send(meeting, organiser)
    assert sent.status == Status.SENDING and sent.recipient_count == 3
    assert Message.objects.count() == 0
    assert fan_out_tasks() == [{"message_id": sent.pk}]
    assert AuditEntry.objects.get(action="message_sent").count == 3


def test_the_fan_out_writes_one_bulk_email_per_recipient(meeting, organiser):
    sent = send(meeting, organiser)
    assert fan_out_all() == 3
    assert addressees() == ["ann@example.org", "bea@example.org", "cy@example.org"]
    assert set(Message.objects.values_list("bulk", flat=True)) == {True}
    assert messages_sending.progress(message=sent) == {
        "status": Status.SENDING,
        "queued": 3,
        "sent": 0,
        "failed": 0,
    }


def test_the_fan_out_run_again_writes_nothing_more(meeting, organiser):
    send(meeting, organiser)
    fan_out_all()
    assert fan_out_all() == 0
    assert Message.objects.count() == 3


def test_the_fan_out_leaves_out_those_confirmed_after_the_send(meeting, organiser):
    send(meeting, organiser)
    confirmed(meeting, "Dan")
    Message.objects.exclude(kind=messages.KIND).delete()
    fan_out_all()
    assert "dan@example.org" not in addressees()


def test_progress_counts_sent_and_failed_and_marks_it_sent(meeting, organiser):
    sent = send(meeting, organiser)
    fan_out_all()
    first, second, third = Message.objects.order_by("id")
    Message.objects.filter(pk__in=[first.pk, second.pk]).update(status=Message.Status.SENT)
    Message.objects.filter(pk=third.pk).update(status=Message.Status.FAILED)
    assert messages_sending.progress(message=sent) == {
        "status": Status.SENT,
        "queued": 0,
        "sent": 2,
        "failed": 1,
    }
    assert MeetingMessage.objects.get().status == Status.SENT


def test_attendees_see_only_messages_actually_sent_to_them(meeting, organiser):
    send(meeting, organiser)
    fan_out_all()
    ann, bea = (meeting.registrations.get(name=n) for n in ("Ann", "Bea"))
    Message.objects.filter(to_email=ann.email).update(status=Message.Status.SENT, params={})
    assert [m.subject for m in messages.messages_for(ann)] == ["Bring ID"]
    assert list(messages.messages_for(bea)) == []  # still queued: not sent to her yet


# --- the group's daily quota ---


def test_over_the_groups_quota_is_refused_and_nothing_recorded(meeting, organiser):
    groups.update_group(group=meeting.group, daily_email_quota=2)
    with pytest.raises(ValidationError, match="daily limit") as caught:
        send(meeting, organiser)
    assert caught.value.code == "over_quota"
    assert not MeetingMessage.objects.exists() and fan_out_tasks() == []


def test_the_quota_counts_a_message_before_and_after_its_fan_out(meeting, organiser):
    left = sending.emails_left_today(group=meeting.group)
    send(meeting, organiser)
    assert sending.emails_left_today(group=meeting.group) == left - 3
    fan_out_all()
    assert sending.emails_left_today(group=meeting.group) == left - 3


def test_two_sends_racing_cannot_both_pass_the_quota(transactional_db, meeting, organiser):
    groups.update_group(group=meeting.group, daily_email_quota=4)

    def attempt(i):
        try:
            send(meeting, organiser, subject=f"Note {i}")
            return "sent"
        except ValidationError as exc:
            return exc.code

    assert sorted(race(3, attempt)) == ["over_quota", "over_quota", "sent"]
    assert len(fan_out_tasks()) == 1


# --- send at a time before the meeting ---


def test_send_at_schedules_it_and_the_job_sends_it_when_due(meeting, organiser):
    at = timezone.now() + dt.timedelta(days=1)
    scheduled = send(meeting, organiser, send_at=local(meeting, at))
    assert scheduled.status == Status.SCHEDULED and fan_out_tasks() == []
    assert scheduled.send_at == at.replace(second=0, microsecond=0)
    assert messages_sending.send_due(now=at - dt.timedelta(minutes=1)) == 0
    confirmed(meeting, "Dan")  # confirmed before the time: counted then
    Message.objects.all().delete()
    assert messages_sending.send_due(now=at) == 1
    scheduled.refresh_from_db()
    assert scheduled.status == Status.SENDING and scheduled.recipient_count == 4
    fan_out_all()
    assert "dan@example.org" in addressees() and "bob@example.org" not in addressees()
    assert AuditEntry.objects.get(action="message_sent").count == 4


def test_a_scheduled_message_can_be_cancelled_and_then_never_goes(meeting, organiser):
    at = timezone.now() + dt.timedelta(hours=2)
    scheduled = send(meeting, organiser, send_at=local(meeting, at))
    messages.cancel_scheduled(event=meeting, message_id=scheduled.pk)
    assert messages_sending.send_due(now=at + dt.timedelta(minutes=5)) == 0
    scheduled.refresh_from_db()
    assert scheduled.status == Status.CANCELLED and Message.objects.count() == 0
    with pytest.raises(ValidationError, match="no longer scheduled"):
        messages.cancel_scheduled(event=meeting, message_id=scheduled.pk)


def test_a_sent_message_cannot_be_cancelled(meeting, organiser):
    sent = send(meeting, organiser)
    with pytest.raises(ValidationError, match="no longer scheduled"):
        messages.cancel_scheduled(event=meeting, message_id=sent.pk)
    assert MeetingMessage.objects.get().status == Status.SENDING


def test_a_scheduled_message_of_a_cancelled_meeting_does_not_go(meeting, organiser):
    at = timezone.now() + dt.timedelta(hours=2)
    scheduled = send(meeting, organiser, send_at=local(meeting, at))
    events.cancel_event(event=meeting)
    Message.objects.all().delete()
    messages_sending.send_due(now=at)
    scheduled.refresh_from_db()
    assert scheduled.status == Status.CANCELLED
    assert scheduled.not_sent_reason == MeetingMessage.NotSent.MEETING_CANCELLED
    assert Message.objects.count() == 0 and fan_out_tasks() == []


def test_a_scheduled_message_over_the_quota_when_due_does_not_go(meeting, organiser):
    at = timezone.now() + dt.timedelta(hours=2)
    scheduled = send(meeting, organiser, send_at=local(meeting, at))
    groups.update_group(group=meeting.group, daily_email_quota=1)
    messages_sending.send_due(now=at)
    scheduled.refresh_from_db()
    assert scheduled.status == Status.CANCELLED
    assert scheduled.not_sent_reason == MeetingMessage.NotSent.OVER_QUOTA
    assert fan_out_tasks() == []


def test_a_scheduled_message_picked_by_two_workers_at_once_goes_once(
    transactional_db, meeting, organiser
):
    at = timezone.now() + dt.timedelta(hours=2)
    send(meeting, organiser, send_at=local(meeting, at))
    assert sorted(race(4, lambda i: messages_sending.send_due(now=at))) == [0, 0, 0, 1]
    assert len(fan_out_tasks()) == 1
    assert AuditEntry.objects.filter(action="message_sent").count() == 1


@pytest.mark.parametrize(
    ("send_at", "error"),
    [
        ("2020-01-01T10:00", "in the future"),
        ("next tuesday", "date and time"),
        ("2026-13-40T25:00", "date and time"),
        ("", "date and time"),
        ("9" * 5000, "date and time"),
        ("99999-01-01T10:00", "date and time"),
        ("2026-12-01T10:00\x00", "date and time"),
    ],
)
def test_a_bad_send_at_is_refused_and_nothing_recorded(meeting, organiser, send_at, error):
    with pytest.raises(ValidationError, match=error) as caught:
        send(meeting, organiser, send_at=send_at)
    assert "send_at" in caught.value.message_dict
    assert not MeetingMessage.objects.exists() and fan_out_tasks() == []


def test_a_time_after_the_meeting_starts_is_refused(meeting, organiser):
    with pytest.raises(ValidationError, match="before the meeting starts"):
        send(meeting, organiser, send_at=local(meeting, meeting.starts_at))
    assert not MeetingMessage.objects.exists()


def test_a_time_on_a_cancelled_meeting_is_refused(meeting, organiser):
    events.cancel_event(event=meeting)
    at = timezone.now() + dt.timedelta(hours=2)
    with pytest.raises(ValidationError, match="cancelled"):
        send(meeting, organiser, send_at=local(meeting, at))
    assert not MeetingMessage.objects.exists()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(typed=st.text(max_size=60))
def test_any_typed_send_at_is_scheduled_or_refused_with_a_reason(meeting, organiser, typed):
    try:
        scheduled = send(meeting, organiser, send_at=typed, subject="Any")
    except ValidationError as exc:
        assert exc.message_dict["send_at"]
    else:
        assert timezone.now() < scheduled.send_at < meeting.starts_at
        scheduled.delete()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    moment=st.datetimes(
        min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59)
    ),
    zone=st.sampled_from(["Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/London"]),
)
def test_any_well_formed_time_in_any_zone_is_scheduled_or_refused(meeting, organiser, moment, zone):
    """The ends of the calendar in zones far from UTC, and skipped hours: never a crash."""
    meeting.time_zone = zone
    try:
        scheduled = send(meeting, organiser, send_at=moment.strftime("%Y-%m-%dT%H:%M"))
    except ValidationError as exc:
        assert exc.message_dict["send_at"]
    else:
        assert timezone.now() < scheduled.send_at < meeting.starts_at
        scheduled.delete()


def test_an_hour_the_clocks_skip_is_refused(meeting, organiser):
    meeting.time_zone = "Europe/London"
    meeting.starts_at = dt.datetime(2099, 6, 1, tzinfo=dt.UTC)
    with pytest.raises(ValidationError, match="does not exist"):
        send(meeting, organiser, send_at="2099-03-29T01:30")
