"""Reminders: one email to each confirmed attendee, ``reminder_hours`` before the start.

The first part calls ``send_due_reminders`` in-process, with ``now`` standing for the
moment the periodic job runs. The second part runs it as it runs for real: two
``turnout worker`` processes on the test database (a SQLite file in WAL mode, or the
session's PostgreSQL), delivering to an aiosmtpd server on loopback; and then many
threads, each with its own connection, calling it at once.
"""

import datetime as dt
import re
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from tests.concurrency import race
from tests.factories import make_event, make_group, make_venue
from tests.mail import calendar_of, outbox
from tests.processes import wait_for
from turnout.core.models import Message, ScheduledJob
from turnout.core.timefmt import clock, event_when
from turnout.events import services as events
from turnout.events.models import Event
from turnout.rsvp import reminders, tasks
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import manage_url
from turnout.rsvp.models import Registration

Status = Registration.Status
LONDON = ZoneInfo("Europe/London")
ONLINE_URL = "https://meet.example.org/solidarity-2207"
REMINDER = "rsvp/email/reminder"
MINUTE = dt.timedelta(minutes=1)


# --- helpers: meetings as time would have left them ---


def meeting(group, *, starts_in: dt.timedelta, **fields) -> Event:
    """A published two-hour meeting starting ``starts_in`` from now (to the minute)."""
    start = (timezone.now() + starts_in).astimezone(LONDON).replace(second=0, microsecond=0)
    end = start + dt.timedelta(hours=2)
    return make_event(
        group=group,
        start_date=start.date(),
        start_time=start.time(),
        end_date=end.date(),
        end_time=end.time(),
        **fields,
    )


def created_days_ago(event: Event, days: float = 3) -> Event:
    """As if the meeting had been created ``days`` ago (the reminder time derived again)."""
    Event.objects.filter(pk=event.pk).update(created_at=timezone.now() - dt.timedelta(days=days))
    event.refresh_from_db()
    return events.update_event(event=event)


def person(event: Event, name: str, *, confirm: bool = True) -> Registration:
    """Someone who registered through the form (and confirmed their email)."""
    email = f"{name.lower()}@example.org"
    registration, _created = rsvp.register(event=event, name=name, email=email)
    return rsvp.confirm(registration=registration) if confirm else registration


def confirmed_days_ago(event: Event, days: float = 2) -> None:
    """As if everyone confirmed so far had confirmed ``days`` ago, before the reminder was due."""
    earlier = timezone.now() - dt.timedelta(days=days)
    Registration.objects.filter(event=event, confirmed_at__isnull=False).update(
        confirmed_at=earlier, created_at=earlier
    )


def reminded() -> Counter:
    """Reminders in the outbox, per address."""
    return Counter(Message.objects.filter(kind=REMINDER).values_list("to_email", flat=True))


@pytest.fixture
def hall(group, venue):
    """Seven days ahead, reminder 24 hours before: due six days from now."""
    return make_event(group=group, venue=venue, title="What internationalism means")


# --- in-process ---


@pytest.mark.django_db
def test_reminder_is_due_reminder_hours_before_the_start(hall):
    assert hall.reminder_hours == 24
    assert hall.reminder_due_at == hall.starts_at - dt.timedelta(hours=24)


@pytest.mark.django_db
def test_send_due_reminders_nothing_before_the_time(hall):
    person(hall, "Ann")

    assert reminders.send_due_reminders(now=hall.reminder_due_at - MINUTE) == 0
    assert reminded() == Counter()


@pytest.mark.django_db
def test_send_due_reminders_one_per_confirmed_attendee_only(group, venue):
    hall = make_event(group=group, venue=venue, capacity=3)
    ann, bob = person(hall, "Ann"), person(hall, "Bob")
    carl = person(hall, "Carl")
    rsvp.cancel(registration=carl)
    person(hall, "Hana", confirm=False)  # seats held, email not confirmed
    wanda = person(hall, "Wanda")  # full: on the waitlist
    person(hall, "Will", confirm=False)  # on the waitlist, email not confirmed
    rsvp.add_by_organiser(event=hall, name="Walk In", by=None)  # no email
    assert wanda.status == Status.WAITLISTED
    due = hall.reminder_due_at + MINUTE

    assert reminders.send_due_reminders(now=due) == 2
    assert reminders.send_due_reminders(now=due + MINUTE) == 0  # the job's next run

    assert reminded() == Counter({"ann@example.org": 1, "bob@example.org": 1})
    for registration in (ann, bob):
        registration.refresh_from_db()
        assert registration.reminded_at == due


@pytest.mark.django_db
def test_reminder_email_says_when_where_and_how_to_give_up_the_seat(group, venue):
    hall = make_event(group=group, venue=venue, title="What internationalism means")
    ann = person(hall, "Ann")

    reminders.send_due_reminders(now=hall.reminder_due_at + MINUTE)

    email = outbox()[-1]
    html = email.alternatives[0][0]
    assert email.to == ["ann@example.org"]
    assert email.subject.startswith("Reminder: What internationalism means, ")
    for part in (email.body, html):
        assert "7pm – 9pm" in part
        assert "Community Centre" in part and "62 Marchmont St" in part
        assert manage_url(ann) in part
        assert "Let others have your seat" in part
        assert "Join online" not in part
    assert str(calendar_of(email)["SUMMARY"]) == "What internationalism means"


@pytest.mark.django_db
def test_reminder_for_an_online_meeting_carries_the_online_link(group):
    online = make_event(group=group, online_url=ONLINE_URL, title="Online briefing")
    ann = person(online, "Ann")

    reminders.send_due_reminders(now=online.reminder_due_at + MINUTE)

    email = outbox()[-1]
    for part in (email.body, email.alternatives[0][0]):
        assert "Where: online" in part
        assert f"Join online: {ONLINE_URL}" in part or f'href="{ONLINE_URL}"' in part
        assert manage_url(ann) in part


@pytest.mark.django_db
def test_no_reminder_when_the_meeting_has_none(group, venue):
    quiet = make_event(group=group, venue=venue, reminder_hours=None)
    person(quiet, "Eve")

    assert quiet.reminder_due_at is None
    assert reminders.send_due_reminders(now=quiet.starts_at - MINUTE) == 0
    assert reminded() == Counter()


@pytest.mark.django_db
def test_no_reminder_for_a_meeting_created_less_than_that_many_hours_ahead(group, venue):
    late = meeting(group, venue=venue, starts_in=dt.timedelta(hours=20))
    person(late, "Fay")

    assert late.reminder_due_at is None
    assert reminders.send_due_reminders(now=late.starts_at - MINUTE) == 0
    assert reminded() == Counter()


@pytest.mark.django_db
def test_a_shorter_reminder_fits_a_meeting_created_at_short_notice(group, venue):
    late = meeting(group, venue=venue, starts_in=dt.timedelta(hours=20), reminder_hours=2)
    person(late, "Fay")

    assert late.reminder_due_at == late.starts_at - dt.timedelta(hours=2)
    assert reminders.send_due_reminders(now=late.reminder_due_at + MINUTE) == 1


@pytest.mark.django_db
def test_no_reminder_for_someone_confirmed_after_it_was_due(hall):
    """Their confirmation just told them everything; a reminder a minute later is noise."""
    person(hall, "Ann")
    due = hall.reminder_due_at
    late = person(hall, "Lou")
    Registration.objects.filter(pk=late.pk).update(confirmed_at=due + MINUTE)

    assert reminders.send_due_reminders(now=due + 2 * MINUTE) == 1
    assert reminded() == Counter({"ann@example.org": 1})


@pytest.mark.django_db
def test_no_reminder_once_started_nor_for_a_cancelled_or_draft_meeting(group, venue):
    hall = make_event(group=group, venue=venue)
    draft = make_event(group=group, venue=venue, published=False, days_ahead=30)
    person(hall, "Ann")
    rsvp.add_by_organiser(event=draft, name="Dee", email="dee@example.org", by=None)

    assert reminders.send_due_reminders(now=hall.starts_at) == 0
    assert reminders.send_due_reminders(now=draft.reminder_due_at + MINUTE) == 0
    events.cancel_event(event=hall)
    assert reminders.send_due_reminders(now=hall.reminder_due_at + MINUTE) == 0
    assert reminded() == Counter()


@pytest.mark.django_db
def test_no_reminder_for_an_anonymised_registration(hall):
    ann = person(hall, "Ann")
    Registration.objects.filter(pk=ann.pk).update(anonymised_at=timezone.now())

    assert reminders.send_due_reminders(now=hall.reminder_due_at + MINUTE) == 0


@pytest.mark.django_db
def test_moving_the_start_makes_the_reminder_due_again_before_the_new_time(hall):
    ann = person(hall, "Ann")
    first = hall.reminder_due_at + MINUTE
    reminders.send_due_reminders(now=first)

    later = hall.start_date + dt.timedelta(days=7)
    events.update_event(event=hall, start_date=later, end_date=later)

    hall.refresh_from_db()
    ann.refresh_from_db()
    assert ann.reminded_at is None
    assert hall.reminder_due_at == hall.starts_at - dt.timedelta(hours=24)
    assert reminders.send_due_reminders(now=hall.reminder_due_at - MINUTE) == 0
    assert reminders.send_due_reminders(now=hall.reminder_due_at + MINUTE) == 1
    assert reminded() == Counter({"ann@example.org": 2})
    assert "7pm" in outbox()[-1].body


@pytest.mark.django_db
def test_editing_anything_else_sends_no_second_reminder(hall):
    person(hall, "Ann")
    due = hall.reminder_due_at + MINUTE
    reminders.send_due_reminders(now=due)

    events.update_event(event=hall, title="Renamed", reminder_hours=2)

    assert reminders.send_due_reminders(now=hall.starts_at - MINUTE) == 0
    assert reminded() == Counter({"ann@example.org": 1})


@pytest.mark.django_db
def test_reminders_are_written_in_the_meetings_language(group, venue):
    hall = make_event(group=group, venue=venue, language="uk")
    person(hall, "Ann")

    reminders.send_due_reminders(now=hall.reminder_due_at + MINUTE)

    with translation.override("uk"):
        expected = event_when(hall)
    assert expected != event_when(hall)  # not the English words
    assert expected in outbox()[-1].body


# --- real worker processes and real connections ---


REMINDER_TASKS = DBTaskResult.objects.filter(task_path="turnout.rsvp.tasks.send_reminders")


def delivered() -> bool:
    return not Message.objects.filter(status=Message.Status.QUEUED).exists()


def is_reminder(message) -> bool:
    # A subject with non-ASCII text (the dash in "7pm – 9pm") is folded onto the next line.
    return message["Subject"].strip().startswith("Reminder:")


def reminders_received(smtp) -> Counter:
    return Counter(r.rcpt for r in smtp.received if is_reminder(r.message))


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_two_workers_send_exactly_one_reminder_per_confirmed_attendee(workers, smtp):
    group = make_group(name="Ukraine Information Group")
    venue = make_venue(group=group)
    # An online meeting in two hours, planned three days ago, a reminder 24 hours before.
    online = meeting(
        group, starts_in=dt.timedelta(hours=2), online_url=ONLINE_URL, venue=None, capacity=3
    )
    created_days_ago(online)
    ann, bob = person(online, "Ann"), person(online, "Bob")
    rsvp.cancel(registration=person(online, "Carl"))
    confirmed_days_ago(online)
    person(online, "Hana", confirm=False)  # held
    person(online, "Wanda")  # waitlisted: the seats are taken
    # At a venue, in five hours.
    hall = meeting(group, starts_in=dt.timedelta(hours=5), venue=venue)
    created_days_ago(hall)
    dana = person(hall, "Dana")
    confirmed_days_ago(hall)
    # No reminder wanted; and one created at short notice.
    quiet = meeting(group, starts_in=dt.timedelta(hours=2), venue=venue, reminder_hours=None)
    created_days_ago(quiet)
    person(quiet, "Eve")
    confirmed_days_ago(quiet)
    late = meeting(group, starts_in=dt.timedelta(hours=10), venue=venue)
    person(late, "Fay")

    workers(2)
    for _ in range(6):  # more runs at once than the schedule makes, on both workers
        with transaction.atomic():
            tasks.send_reminders.enqueue()

    wait_for(lambda: REMINDER_TASKS.filter(status="SUCCESSFUL").count() >= 7, timeout=60)
    wait_for(delivered, timeout=30)
    wait_for(lambda: sum(reminders_received(smtp).values()) >= 3, timeout=30)

    assert reminders_received(smtp) == Counter(
        {"ann@example.org": 1, "bob@example.org": 1, "dana@example.org": 1}
    )
    assert sum(REMINDER_TASKS.values_list("return_value", flat=True)) == 3
    print("reminder runs by worker:", Counter(r.worker_ids[-1] for r in REMINDER_TASKS))
    for registration in (ann, bob):
        (message,) = [m for m in smtp.to(registration.email) if is_reminder(m)]
        text = text_of(message)
        assert manage_url(registration) in text
        assert f"Join online: {ONLINE_URL}" in text
        assert "Where: online" in text
    (message,) = [m for m in smtp.to(dana.email) if is_reminder(m)]
    text = text_of(message)
    assert manage_url(dana) in text
    assert "Where: Community Centre\r\n62 Marchmont St\r\nLondon WC1N 1AB\r\n" in text
    assert ONLINE_URL not in text
    assert not any(
        ONLINE_URL in r.raw.decode() for r in smtp.received if r.rcpt == "hana@example.org"
    )


def test_worker_sends_a_new_reminder_after_the_start_moves(workers, smtp):
    group = make_group()
    hall = meeting(group, starts_in=dt.timedelta(hours=2), venue=make_venue(group=group))
    created_days_ago(hall)
    ann = person(hall, "Ann")
    confirmed_days_ago(hall)
    workers(1)
    wait_for(lambda: reminders_received(smtp)["ann@example.org"] == 1, timeout=60)

    # The organiser moves it three hours later; the next run of the job reminds again.
    moved = (hall.local_start + dt.timedelta(hours=3)).replace(tzinfo=None)
    ends = moved + dt.timedelta(hours=2)
    events.update_event(
        event=hall,
        start_date=moved.date(),
        start_time=moved.time(),
        end_date=ends.date(),
        end_time=ends.time(),
    )
    ann.refresh_from_db()
    assert ann.reminded_at is None
    ScheduledJob.objects.filter(name="send-rsvp-reminders").update(next_run_at=timezone.now())

    wait_for(lambda: reminders_received(smtp)["ann@example.org"] == 2, timeout=60)
    wait_for(delivered, timeout=30)
    first, second = [m for m in smtp.to("ann@example.org") if is_reminder(m)]
    hall.refresh_from_db()
    assert f"{clock(hall.local_start)} – " in text_of(second)
    assert f"{clock(hall.local_start)} – " not in text_of(first)
    assert reminders_received(smtp) == Counter({"ann@example.org": 2})


@pytest.mark.django_db(transaction=True)
def test_threads_sending_reminders_at_once_send_one_per_attendee():
    group = make_group()
    hall = make_event(group=group, venue=make_venue(group=group))
    people = [person(hall, f"P{n}") for n in range(20)]
    now = hall.reminder_due_at + MINUTE

    sent = race(8, lambda i: reminders.send_due_reminders(now=now))

    assert sum(sent) == 20
    assert reminded() == Counter({p.email: 1 for p in people})
    assert Registration.objects.filter(event=hall, reminded_at=now).count() == 20


def test_due_meetings_are_read_from_now_to_a_week_ahead(db):
    """No reminder comes more than REMINDER_MAX_HOURS before its meeting, so only the
    meetings starting by then are read, a range of the start's index: at 100,000 meetings,
    a hundred rows, not the third of them that had their reminder already (bench/scale.py
    has the plans)."""
    sql = str(reminders.due_events(timezone.now()).query)

    assert re.search(r'"starts_at" > .*"starts_at" <= ', sql), sql


@pytest.mark.django_db
def test_meetings_whose_reminders_all_went_cost_no_query_each(group, venue):
    """For a day before each meeting its reminder time has passed: at 100,000 meetings the
    job read each of the ~95 meetings again, 4 queries each, to find nobody owed one
    (bench/scale.py). Their count must not change what a run costs."""
    sent = [person(meeting(group, starts_in=dt.timedelta(days=3), venue=venue), "Ann")]
    confirmed_days_ago(sent[0].event, days=4)
    now = sent[0].event.reminder_due_at + MINUTE
    assert reminders.send_due_reminders(now=now) == 1

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert reminders.send_due_reminders(now=now) == 0
        return len(captured)

    one = queries()
    for name in ("Bob", "Cat"):
        other = person(meeting(group, starts_in=dt.timedelta(days=3), venue=venue), name)
        confirmed_days_ago(other.event, days=4)
        reminders.send_due_reminders(now=now)

    assert queries() == one == 1
