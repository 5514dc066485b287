"""Organisers' notifications as they run for real. The daily digest: two ``turnout
worker`` processes on the test database, delivering to an aiosmtpd server on loopback,
the job run more often than its schedule: one digest a day, whatever the number of runs
and workers. The alerts: many threads, each with its own connection, checking at once."""

from collections import Counter

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from tests.concurrency import race
from tests.factories import make_event, make_group, make_user
from tests.processes import wait_for
from turnout.core.models import Message
from turnout.groups import notifications
from turnout.groups.models import Membership
from turnout.rsvp import notify, tasks
from turnout.rsvp import services as rsvp
from turnout.rsvp.models import OrganiserAlert

DIGEST_TASKS = DBTaskResult.objects.filter(task_path="turnout.rsvp.tasks.send_organiser_digests")


def is_digest(message) -> bool:
    return message["Subject"].strip() == "Registrations today"


def test_two_workers_send_one_digest_a_day(workers, smtp):
    olena = make_user(email="olena@example.org")
    notifications.update_settings(user=olena, daily_digest=True)
    group = make_group(owner=olena)
    event = make_event(group=group, capacity=20, title="What internationalism means")
    for name in ("Ann", "Bob"):
        registration, _ = rsvp.register(event=event, name=name, email=f"{name}@people.example")
        rsvp.confirm(registration=registration)

    workers(2)  # each starts the periodic job once it is due: at once, the first time
    for _ in range(4):  # and more runs than the schedule makes, on both workers
        with transaction.atomic():
            tasks.send_organiser_digests.enqueue()

    wait_for(lambda: DIGEST_TASKS.filter(status="SUCCESSFUL").count() >= 5, timeout=60)
    wait_for(lambda: not Message.objects.filter(status="queued").exists(), timeout=30)
    digests = Counter(r.rcpt for r in smtp.received if is_digest(r.message))
    assert digests == Counter({"olena@example.org": 1})
    assert sum(DIGEST_TASKS.values_list("return_value", flat=True)) == 1
    (message,) = [m for m in smtp.to("olena@example.org") if is_digest(m)]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "What internationalism means: 2 new since the last summary" in text
    assert "2 confirmed, 0 held until the email is confirmed, of 20 seats; 0 waiting" in text
    assert "people.example" not in message.as_string()
    assert "Ann" not in text and "Bob" not in text


@pytest.mark.django_db(transaction=True)
def test_threads_checking_a_full_meeting_at_once_send_one_alert_each():
    olena, taras = make_user(email="olena@example.org"), make_user(email="taras@example.org")
    group = make_group(owner=olena)
    Membership.objects.create(group=group, user=taras, role=Membership.Role.ORGANISER)
    notifications.update_settings(user=olena, waitlist=True, waitlist_threshold=1)
    event = make_event(group=group, capacity=1)
    for name in ("Ann", "Bob"):  # full, and one waiting (commits run the checks at once)
        registration, _ = rsvp.register(event=event, name=name, email=f"{name}@people.example")
        rsvp.confirm(registration=registration)
    OrganiserAlert.objects.all().delete()
    Message.objects.filter(kind__startswith="rsvp/email/organiser_").delete()

    sent = race(8, lambda i: notify.check_alerts(event_id=event.pk))

    assert sum(sent) == 3
    queued = Message.objects.filter(kind__startswith="rsvp/email/organiser_")
    assert Counter(queued.values_list("to_email", "kind")) == Counter(
        {
            ("olena@example.org", "rsvp/email/organiser_full"): 1,
            ("olena@example.org", "rsvp/email/organiser_waitlist"): 1,
            ("taras@example.org", "rsvp/email/organiser_full"): 1,
        }
    )
