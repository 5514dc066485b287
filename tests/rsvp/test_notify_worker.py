"""The daily digest as it runs for real: two ``turnout worker`` processes on the test
database, delivering to an aiosmtpd server on loopback, the job run more often than
its schedule: one digest a day, whatever the number of runs and workers."""

from collections import Counter

from django.db import transaction
from django_tasks_db.models import DBTaskResult

from tests.factories import make_event, make_group, make_user
from tests.processes import wait_for
from turnout.core.models import Message
from turnout.groups import notifications
from turnout.rsvp import services as rsvp
from turnout.rsvp import tasks

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
