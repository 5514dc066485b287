"""Messages to the people registered pass the announcements' reliability test: real
``turnout worker`` processes, a real SMTP server (tests/smtp.py), a worker killed with
SIGKILL in the middle of a message's fan-out, and every recipient gets exactly one email.

The kill must land inside the fan-out's transaction: the test waits until a worker holds
it open. On PostgreSQL, the message's row lock (taken first thing in ``fan_out``), seen
from another connection without waiting (``NOWAIT``); on SQLite, the database's write lock
(taken at the fan-out's first insert and held to its commit), seen by a ``BEGIN
IMMEDIATE`` that may not wait, twice in a row (a worker's other writes take a moment).
"""

import datetime as dt
import sqlite3
import time
from zoneinfo import ZoneInfo

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from tests.processes import wait_for
from turnout.core.models import Message
from turnout.rsvp import messages
from turnout.rsvp.links import new_link
from turnout.rsvp.models import MeetingMessage, Registration

PEOPLE = 800


def register_many(event, count: int) -> list[str]:
    """``count`` confirmed registrations, written at once (the form would take minutes)."""
    now = timezone.now()
    people = []
    for n in range(count):
        registration = Registration(
            event=event,
            name=f"Person {n}",
            email=f"person{n}@example.org",
            status=Registration.Status.CONFIRMED,
            confirmed_at=now,
            email_confirmed_at=now,
        )
        new_link(registration)
        people.append(registration)
    Registration.objects.bulk_create(people, batch_size=500)
    return [p.email for p in people]


def in_fan_out(message: MeetingMessage) -> bool:
    """Whether another connection holds the fan-out's transaction open."""
    if connection.vendor == "sqlite":
        return _sqlite_writing() and (time.sleep(0.02) or _sqlite_writing())
    try:
        with transaction.atomic():
            MeetingMessage.objects.select_for_update(nowait=True).filter(pk=message.pk).first()
    except DatabaseError:
        return True
    return False


def _sqlite_writing() -> bool:
    """Whether another connection holds SQLite's write lock now."""
    probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()
    return False


def test_a_worker_killed_in_the_fan_out_loses_nobody_and_emails_nobody_twice(
    workers, smtp, group, organiser
):
    from tests.factories import make_event

    event = make_event(group=group, capacity=None, days_ahead=3)
    recipients = register_many(event, PEOPLE)
    group.daily_email_quota = PEOPLE
    group.save(update_fields=["daily_email_quota"])
    sent = messages.send_message(
        event=event, by=organiser, subject="Room change", body="Upstairs.", audience="confirmed"
    )
    pool = workers(1, TURNOUT_WORKER_LEASE_SECONDS="2", TURNOUT_WORKER_HEARTBEAT_SECONDS="0.25")
    wait_for(lambda: in_fan_out(sent), timeout=30, interval=0.002)
    [victim] = pool.processes
    pool.kill(victim)
    assert not Message.objects.filter(kind=messages.KIND).exists()  # rolled back whole
    pool.start()

    wait_for(lambda: len(smtp.per_recipient()) == PEOPLE, timeout=120, interval=0.2)
    wait_for(lambda: not Message.objects.filter(status=Message.Status.QUEUED).exists())
    assert smtp.per_recipient() == dict.fromkeys(recipients, 1)
    assert Message.objects.filter(kind=messages.KIND, status=Message.Status.SENT).count() == PEOPLE
    assert sent.deliveries.count() == PEOPLE


def test_a_scheduled_message_is_sent_once_by_the_workers(workers, smtp, group, organiser):
    """Two real workers run the periodic job; a message due now goes once to each."""
    from tests.factories import make_event

    event = make_event(group=group, capacity=None, days_ahead=3)
    recipients = register_many(event, 40)
    sent = messages.send_message(
        event=event,
        by=organiser,
        subject="Tomorrow",
        body="See you.",
        audience="confirmed",
        send_at=(timezone.now() + dt.timedelta(minutes=2))
        .astimezone(ZoneInfo(event.time_zone))
        .strftime("%Y-%m-%dT%H:%M"),
    )
    # Due now, without waiting for the wall clock: the job runs at each worker's start.
    MeetingMessage.objects.filter(pk=sent.pk).update(send_at=timezone.now())
    workers(2)
    wait_for(lambda: len(smtp.per_recipient()) == 40, timeout=120, interval=0.2)
    wait_for(lambda: not Message.objects.filter(status=Message.Status.QUEUED).exists())
    assert smtp.per_recipient() == dict.fromkeys(recipients, 1)
    assert MeetingMessage.objects.get().deliveries.count() == 40
