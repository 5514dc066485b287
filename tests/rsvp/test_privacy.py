"""Anonymisation leaves nothing behind (DESIGN.md, "Privacy").

The proof: one meeting's registrations in every state, made through the real pages,
their emails delivered by a real ``turnout worker`` to a real SMTP server, one of them
refused; rate-limit counters, an export record, mailing-list requests, task results.
Then time moves past the group's retention (``now=``), the job runs, and every row of
every table of the database, Django's ``dumpdata`` and every log line captured along
the way are searched for each attendee's name and email: none is found, but for the
one person who confirmed the group's mailing list (a separate consent) in its list.

The other tests pin the rules one by one, in process.
"""

import datetime as dt
import io
import logging
import re
from collections import Counter
from urllib.parse import urlparse

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from tests.dump import database_dump
from tests.factories import make_event, make_group
from tests.mail import last_queued, outbox
from tests.processes import wait_for
from tests.rsvp.helpers import seats
from turnout.core import outbox as the_outbox
from turnout.core import tasks as core_tasks
from turnout.core.models import Message, RateCounter
from turnout.groups import services as groups
from turnout.groups.models import Group
from turnout.mailing.models import Announcement, Subscriber, Suppression
from turnout.mailing.services import announcements, subscriptions
from turnout.rsvp import privacy
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import token_for
from turnout.rsvp.models import AttendeeExport, Registration

Status = Registration.Status
QUEUED, SENT, FAILED = Message.Status.QUEUED, Message.Status.SENT, Message.Status.FAILED

# Names and addresses no page, template or hash would contain by chance: each name's
# first two parts and each address's local part hold letters that are not hex digits.
HELD = ("Zebedee-Quill-7f3a", "zq7f3a@example.net")
CONFIRMED = ("Marigold-Vext-2b9c", "mv2b9c@example.net")
WAITLISTED = ("Orrin-Tallow-5d1e", "ot5d1e@example.net")
CANCELLED = ("Perpetua-Nook-8c4f", "pn8c4f@example.net")
SUBSCRIBED = ("Tamsin-Wrenfield-6b0e", "tw6b0e@example.net")
UNSUBSCRIBED = ("Ulric-Fenmarsh-4c8a", "uf4c8a@example.net")
BOUNCED = ("Vesper-Hollin-1f6d", "vh1f6d@example.net")
ADDED = ("Saffron-Ilk-9a2d", "si9a2d@example.net")
WALK_IN = ("Quentin-Ashgrove-3e7b", "")
LIST_CONFIRMATION = "mailing/email/confirm_subscription"
PEOPLE = [HELD, CONFIRMED, WAITLISTED, CANCELLED, SUBSCRIBED, UNSUBSCRIBED, BOUNCED, ADDED, WALK_IN]


def needles(person: tuple[str, str]) -> list[str]:
    """What must not be found, lower-cased: the name, its distinctive parts, the
    address and its local part."""
    name, email = person
    found = [name.lower(), *name.lower().split("-")[:2]]
    if email:
        found += [email, email.split("@")[0]]
    return found


def after_retention(event, days: int) -> dt.datetime:
    return event.ends_at + dt.timedelta(days=days, hours=1)


# --- where personal data could hide


def where_found(places: dict[str, str], needle: str) -> set[str]:
    return {place for place, text in places.items() if needle in text.lower()}


# aiosmtpd, the test's stand-in for the mail server out there: of course it logs what it
# receives (at DEBUG); it is not Turnout's.
OUTSIDE_LOGGERS = ("mail.log",)


def captured_logs(caplog) -> str:
    """Every log record Turnout, Django and the task library emitted, as text."""
    lines = []
    for record in caplog.records:
        if record.name.startswith(OUTSIDE_LOGGERS):
            continue
        lines.append(f"{record.name} {record.levelname} {record.getMessage()}")
        if record.exc_info:
            lines.append(logging.Formatter().formatException(record.exc_info))
        if record.exc_text:
            lines.append(record.exc_text)
    return "\n".join(lines)


# --- the proof


def rsvp_form(client: Client, event, person, **fields):
    name, email = person
    data = {"name": name, "email": email, **fields}
    response = client.post(f"/{event.group.slug}/events/{event.slug}/", data)
    assert response.status_code == 200
    return Registration.objects.get(event=event, email=email)


def organise(event, view: str, **kwargs) -> str:
    return reverse(
        f"organise:{view}", kwargs={"group": event.group.slug, "event": event.slug, **kwargs}
    )


def link_in(received, path: str) -> str:
    """The token of the link to ``path`` in an email the SMTP server received (the
    outbox row keeps no link to read)."""
    text = received.get_body(("plain",)).get_content()
    (token,) = set(re.findall(rf"{path}([^/\s\"<]+)/", text))
    return token


def delivered() -> bool:
    return not Message.objects.filter(status=QUEUED).exists()


def test_after_the_retention_no_attendee_name_or_email_is_left_anywhere(
    workers, smtp, caplog, organiser, group, venue
):
    caplog.set_level(logging.DEBUG)
    worker = workers()
    smtp.reject(BOUNCED[1])
    meeting = make_event(group=group, venue=venue, capacity=3, max_guests=2, days_ahead=3)
    attendee, organiser_client = Client(), Client()
    organiser_client.force_login(organiser)

    # Through the RSVP form (rate limits counted), the attendee's page and the door.
    held = rsvp_form(
        attendee,
        meeting,
        HELD,
        access_needs="Step-free access for Zebedee",
        access_consent="on",
        keep_posted="on",
    )
    confirmed = rsvp_form(attendee, meeting, CONFIRMED, guests="1")
    attendee.post(f"/rsvp/{token_for(confirmed)}/confirm/")
    waitlisted = rsvp_form(attendee, meeting, WAITLISTED)
    attendee.post(f"/rsvp/{token_for(waitlisted)}/confirm/")
    cancelled = rsvp_form(attendee, meeting, CANCELLED)
    attendee.post(f"/rsvp/{token_for(cancelled)}/cancel/")
    subscribed = rsvp_form(attendee, meeting, SUBSCRIBED, keep_posted="on")
    unsubscribed = rsvp_form(attendee, meeting, UNSUBSCRIBED, keep_posted="on")
    bounced = rsvp_form(attendee, meeting, BOUNCED)
    organiser_client.post(
        organise(meeting, "registration_add"), {"name": ADDED[0], "email": ADDED[1], "guests": "0"}
    )
    organiser_client.post(organise(meeting, "door_walk_in"), {"name": WALK_IN[0]})
    organiser_client.post(organise(meeting, "door_check_in", registration=confirmed.pk))
    export = organiser_client.post(organise(meeting, "registration_export"))
    assert HELD[1] in b"".join(export.streaming_content).decode()

    # The mailing list: one confirms and stays; one confirms, hears once, and leaves.
    for person in (SUBSCRIBED, UNSUBSCRIBED):
        request = Message.objects.get(to_email=person[1], kind=LIST_CONFIRMATION)
        wait_for(lambda r=request: Message.objects.get(pk=r.pk).status == SENT)
        path = "/subscriptions/confirm/"
        received = [m for m in smtp.to(person[1]) if path in m.get_body(("plain",)).get_content()]
        (received,) = received
        token = link_in(received, path)
        assert attendee.post(f"/subscriptions/confirm/{token}/").status_code == 200
    announcement = announcements.create(
        group=group, subject="Next steps", body="Thank you for coming.", created_by=organiser
    )
    announcements.send(announcement=announcement, by=organiser)
    wait_for(lambda: len(smtp.to(UNSUBSCRIBED[1])) == 3)  # confirm, list confirm, announcement
    [one_click] = re.findall(r"<([^>]+)>", str(smtp.to(UNSUBSCRIBED[1])[-1]["List-Unsubscribe"]))
    attendee.post(urlparse(one_click).path, {"List-Unsubscribe": "One-Click"})
    assert Subscriber.objects.count() == 1
    wait_for(delivered)
    # A task that failed quoting an address, as an SMTP error can.
    DBTaskResult.objects.create(
        status="FAILED",
        task_path="turnout.core.outbox.tasks.deliver",
        queue_name="email",
        backend_name="default",
        args_kwargs={"args": [], "kwargs": {"message_ids": [0]}},
        run_after=timezone.now(),
        finished_at=timezone.now(),
        exception_class_path="smtplib.SMTPRecipientsRefused",
        traceback=f"SMTPRecipientsRefused: {{'{BOUNCED[1]}': (550, b'No such user')}}",
    )
    worker.stop_all()

    # Everything is there to be found, so the search below would find it.
    statuses = dict(Registration.objects.values_list("name", "status"))
    assert statuses == {
        HELD[0]: Status.HELD,
        CONFIRMED[0]: Status.CONFIRMED,
        WAITLISTED[0]: Status.WAITLISTED,
        CANCELLED[0]: Status.CANCELLED,
        SUBSCRIBED[0]: Status.WAITLIST_UNCONFIRMED,
        UNSUBSCRIBED[0]: Status.WAITLIST_UNCONFIRMED,
        BOUNCED[0]: Status.WAITLIST_UNCONFIRMED,
        ADDED[0]: Status.CONFIRMED,
        WALK_IN[0]: Status.CONFIRMED,
    }
    for _name, email in PEOPLE:
        if email and email != BOUNCED[1]:
            assert smtp.to(email), f"nothing delivered to {email}"
    (refused,) = Message.objects.filter(to_email=BOUNCED[1])
    assert (refused.status, refused.last_error) == (FAILED, "550 5.1.1 No such user here")
    assert RateCounter.objects.filter(key__startswith="rsvp-email:").count() == 7
    assert RateCounter.objects.filter(key__startswith="rsvp-address:").exists()
    assert AttendeeExport.objects.filter(event=meeting).count() == 1
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").exists()
    before = database_dump()
    for person in PEOPLE:
        for needle in needles(person):
            assert where_found(before, needle), needle
    counts_before = Counter(Registration.objects.values_list("status", "guests", "source"))

    later = after_retention(meeting, 90)
    anonymised = privacy.anonymise_past_attendees(now=later)
    the_outbox.forget_due(now=later)  # core's jobs: mail not about a registration,
    core_tasks.delete_finished(now=later)  # and finished task results

    assert anonymised == len(PEOPLE)
    dump = database_dump()
    dump["logs"] = captured_logs(caplog)
    dump["worker logs"] = worker.logs()
    for person in PEOPLE:
        for needle in needles(person):
            expected = set()
            if person == SUBSCRIBED and ("@" in needle or needle == SUBSCRIBED[1].split("@")[0]):
                expected = {"mailing_subscriber", "dumpdata:mailing.subscriber"}
            assert where_found(dump, needle) == expected, needle
    # The mailing list keeps the person who confirmed it; suppressions are keyed hashes.
    assert list(Subscriber.objects.values_list("group", "email")) == [(group.pk, SUBSCRIBED[1])]
    assert list(Suppression.objects.values_list("group", "email_hash")) == [
        (group.pk, subscriptions.email_hash(UNSUBSCRIBED[1]))
    ]
    assert re.fullmatch(r"[0-9a-f]{64}", Suppression.objects.get().email_hash)
    # Counts and roles stay: statuses, guests, sources, the check-in, who added whom.
    assert Counter(Registration.objects.values_list("status", "guests", "source")) == counts_before
    assert Registration.objects.get(pk=confirmed.pk).attended_at is not None
    assert set(Registration.objects.exclude(added_by=None).values_list("added_by", flat=True)) == {
        organiser.pk
    }
    assert seats(meeting) == (5, 5)
    assert set(Message.objects.values_list("status", flat=True)) == {SENT, FAILED}
    assert Message.objects.filter(anonymised_at=None).count() == 0
    assert Announcement.objects.get().recipient_count == 2
    # The links are dead, and the records of exports and rate limits remain.
    for registration in (held, waitlisted, cancelled, subscribed, unsubscribed, bounced):
        assert attendee.get(f"/rsvp/{token_for(registration)}/").status_code == 404
    assert AttendeeExport.objects.filter(event=meeting).count() == 1
    assert not DBTaskResult.objects.filter(status__in=["SUCCESSFUL", "FAILED"]).exists()


# --- the rules one by one


def register(event, name: str, *, confirm: bool = True) -> Registration:
    registration, _created = rsvp.register(
        event=event, name=name, email=f"{name.lower()}@example.org"
    )
    return rsvp.confirm(registration=registration) if confirm else registration


def personal(registration: Registration) -> tuple[str, str, str]:
    registration.refresh_from_db()
    return registration.name, registration.email, registration.access_needs


def test_job_anonymises_only_meetings_past_the_retention(group, venue):
    past = make_event(group=group, venue=venue, days_ahead=3)
    recent = make_event(group=group, venue=venue, days_ahead=10)
    ann, bob = register(past, "Ann"), register(recent, "Bob")
    now = after_retention(past, 90)
    assert recent.ends_at + dt.timedelta(days=90) > now

    assert privacy.anonymise_past_attendees(now=now) == 1

    assert personal(ann) == ("", "", "")
    assert personal(bob) == ("Bob", "bob@example.org", "")
    assert set(Message.objects.filter(registration=bob).values_list("to_email", flat=True)) == {
        "bob@example.org"
    }
    assert set(Message.objects.filter(registration=ann).values_list("to_email", flat=True)) == {""}


def test_job_finds_who_is_due_through_the_meetings_not_the_registrations_in_order(group, venue):
    """At 100,000 meetings the job walked a million registrations in id order to find the
    few due (1.2 s): it now starts from the ended meetings, and reads registrations by
    their meeting among those not anonymised yet, which the partial index
    ``registration_not_anonymised`` holds (bench/scale.py has the plans: a test database's
    few rows give the planner no reason to use an index)."""
    past = make_event(group=group, venue=venue, days_ahead=3)
    register(past, "Ann")

    with CaptureQueriesContext(connection) as captured:
        assert privacy.anonymise_past_attendees(now=after_retention(past, 90)) == 1

    reads = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT")
        and q["sql"].split(" FROM ", 1)[1].startswith('"rsvp_registration"')
    ]
    by_meeting = '"rsvp_registration"."event_id"'
    for sql in reads:  # never the whole table: by meeting, or the ids found so
        assert by_meeting in sql or '"rsvp_registration"."id" IN' in sql, sql
    assert any(
        by_meeting in sql and '"rsvp_registration"."anonymised_at" IS NULL' in sql for sql in reads
    ), reads


def test_a_group_with_seven_days_is_anonymised_earlier(group, venue):
    quick = make_group(name="Quick Group", slug="quick")
    Group.objects.filter(pk=quick.pk).update(anonymise_after_days=7)
    ours = make_event(group=group, venue=venue, days_ahead=3)
    theirs = make_event(group=quick, days_ahead=3)
    ann, bob = register(ours, "Ann"), register(theirs, "Bob")

    assert privacy.anonymise_past_attendees(now=after_retention(theirs, 7)) == 1

    assert personal(ann)[0] == "Ann"
    assert personal(bob)[0] == ""
    assert privacy.anonymise_past_attendees(now=after_retention(ours, 90)) == 1
    assert personal(ann)[0] == ""


def test_a_future_registration_of_the_same_person_keeps_its_data_and_mail(group, venue):
    past = make_event(group=group, venue=venue, days_ahead=3)
    future = make_event(group=group, venue=venue, days_ahead=200)
    ann_then, ann_later = register(past, "Ann"), register(future, "Ann")
    later_mail = list(Message.objects.filter(registration=ann_later).values())
    assert later_mail

    privacy.anonymise_past_attendees(now=after_retention(past, 90))

    assert personal(ann_then) == ("", "", "")
    assert personal(ann_later) == ("Ann", "ann@example.org", "")
    assert list(Message.objects.filter(registration=ann_later).values()) == later_mail
    assert Client().get(f"/rsvp/{token_for(ann_later)}/").status_code == 200


def test_job_blanks_each_field_and_keeps_counts_and_roles(group, venue, organiser):
    past = make_event(group=group, venue=venue, days_ahead=3, max_guests=2)
    ann, _created = rsvp.register(
        event=past,
        name="Ann",
        email="ann@example.org",
        guests=2,
        access_needs="A ramp",
        access_consent=True,
    )
    ann = rsvp.confirm(registration=ann)
    walk_in = rsvp.add_by_organiser(event=past, name="Bob", by=organiser, walk_in=True)
    old_link, old_hash = token_for(ann), ann.token_hash

    privacy.anonymise_past_attendees(now=after_retention(past, 90))

    ann.refresh_from_db()
    assert (ann.name, ann.email, ann.access_needs) == ("", "", "")
    assert (ann.status, ann.guests, ann.source) == (Status.CONFIRMED, 2, Registration.Source.FORM)
    assert ann.confirmed_at is not None and ann.anonymised_at is not None
    assert ann.token_hash != old_hash and re.fullmatch(r"[0-9a-f]{64}", ann.token_hash)
    assert Client().get(f"/rsvp/{old_link}/").status_code == 404
    assert Client().get(f"/rsvp/{token_for(ann)}/").status_code == 404  # nor the new secret's
    walk_in.refresh_from_db()
    assert (walk_in.name, walk_in.source, walk_in.added_by) == ("", "walk_in", organiser)
    assert walk_in.attended_at is not None
    for message in Message.objects.filter(registration=ann):
        assert (message.to_email, message.subject, message.params, message.last_error) == (
            "",
            "",
            {},
            "",
        )
        assert message.kind.startswith("rsvp/email/") and message.created_at is not None


def test_job_is_idempotent(group, venue, table_rows):
    past = make_event(group=group, venue=venue, days_ahead=3)
    register(past, "Ann"), register(past, "Bob", confirm=False)
    now = after_retention(past, 90)
    assert privacy.anonymise_past_attendees(now=now) == 2
    before = (table_rows(), list(Registration.objects.order_by("pk").values()))

    assert privacy.anonymise_past_attendees(now=now) == 0
    assert privacy.anonymise_past_attendees(now=now + dt.timedelta(days=400)) == 0

    assert (table_rows(), list(Registration.objects.order_by("pk").values())) == before


def test_job_works_in_batches(group, venue):
    past = make_event(group=group, venue=venue, days_ahead=3)
    people = [register(past, f"Person{n}") for n in range(7)]

    assert privacy.anonymise_past_attendees(now=after_retention(past, 90), batch_size=2) == 7

    assert {personal(p) for p in people} == {("", "", "")}
    assert len(set(Registration.objects.values_list("token_hash", flat=True))) == 7
    assert not Message.objects.filter(anonymised_at=None).exists()


def test_job_fails_mail_still_queued_so_it_is_never_sent(group, venue):
    past = make_event(group=group, venue=venue, days_ahead=3)
    ann = register(past, "Ann", confirm=False)
    assert set(Message.objects.values_list("status", flat=True)) == {QUEUED}

    privacy.anonymise_past_attendees(now=after_retention(past, 90))

    assert list(Message.objects.filter(registration=ann).values_list("status", "to_email")) == [
        (FAILED, "")
    ]


def test_mail_not_about_a_registration_is_blanked_after_its_groups_days(group, organiser):
    Group.objects.filter(pk=group.pk).update(anonymise_after_days=30)
    group.refresh_from_db()  # the retention is read when the mail is queued
    subscriptions.request_subscription(group=group, email="lee@example.org", source="form")
    groups.send_verification_email(user=organiser)
    (request,) = Message.objects.filter(kind=LIST_CONFIRMATION)
    account_mail = Message.objects.filter(kind="groups/email/verify")  # the organiser's
    assert account_mail.count() == 1
    now = timezone.now()

    the_outbox.forget_due(now=now + dt.timedelta(days=29))
    assert Message.objects.get(pk=request.pk).to_email == "lee@example.org"

    the_outbox.forget_due(now=now + dt.timedelta(days=31))
    assert Message.objects.get(pk=request.pk).to_email == ""
    assert account_mail.get().to_email == organiser.email  # no group: 90 days

    the_outbox.forget_due(now=now + dt.timedelta(days=91))
    assert account_mail.get().to_email == ""


def test_finished_task_results_go_a_day_after_they_finished(db):
    now = timezone.now()

    def result(status: str, finished_hours_ago: float | None) -> DBTaskResult:
        return DBTaskResult.objects.create(
            status=status,
            task_path="tests.jobs.tick",
            backend_name="default",
            args_kwargs={"args": [], "kwargs": {}},
            run_after=now,
            finished_at=None
            if finished_hours_ago is None
            else now - dt.timedelta(hours=finished_hours_ago),
        )

    gone = [result("SUCCESSFUL", 25), result("FAILED", 25)]
    kept = [
        result("SUCCESSFUL", 23),
        result("FAILED", 1),
        result("READY", None),
        result("RUNNING", None),
    ]

    assert core_tasks.delete_finished(now=now) == 2

    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {r.pk for r in kept}
    assert not DBTaskResult.objects.filter(pk__in=[r.pk for r in gone]).exists()


def test_the_periodic_task_runs_the_job(group, venue):
    from turnout.rsvp import tasks

    past = make_event(group=group, venue=venue, days_ahead=3)
    register(past, "Ann")

    assert tasks.anonymise_attendees.call() == 0  # the meeting has not even happened yet


# --- organisers see anonymised registrations sensibly


@pytest.fixture
def anonymised_meeting(group, venue, organiser):
    """A meeting whose Ann (confirmed, one guest, access needs) is anonymised, and whose
    Bob was added after the job ran."""
    meeting = make_event(group=group, venue=venue, days_ahead=3, max_guests=2)
    ann, _created = rsvp.register(
        event=meeting,
        name="Ann",
        email="ann@example.org",
        guests=1,
        access_needs="A ramp",
        access_consent=True,
    )
    rsvp.confirm(registration=ann)
    privacy.anonymise_past_attendees(now=after_retention(meeting, 90))
    rsvp.add_by_organiser(event=meeting, name="Bob", email="bob@example.org", by=organiser)
    return meeting


def test_registrations_page_shows_anonymised(organiser_client, anonymised_meeting):
    response = organiser_client.get(organise(anonymised_meeting, "registrations"))

    text = response.content.decode()
    assert response.status_code == 200
    assert '<td data-label="Name"><em class="muted">Anonymised</em></td>' in text
    assert '<td data-label="Email">—</td>' in text
    assert "Yes, remove this registration" in text
    assert "A ramp" not in text
    assert "Yes, remove <bdi>Bob</bdi>" in text


def test_door_page_shows_anonymised(organiser_client, anonymised_meeting):
    response = organiser_client.get(organise(anonymised_meeting, "door"))

    text = response.content.decode()
    assert response.status_code == 200
    assert '<strong><em class="muted">Anonymised</em></strong>' in text
    assert '<button type="submit">Check in</button>' in text
    assert '<button type="submit">Check in <bdi>Bob</bdi></button>' in text


def test_csv_export_names_anonymised_rows_and_leaves_the_email_empty(
    organiser_client, anonymised_meeting
):
    response = organiser_client.post(organise(anonymised_meeting, "registration_export"))

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [line.split(",")[:5] for line in lines[1:]] == [
        ["Anonymised", "", "1", "2", "confirmed"],
        ["Bob", "bob@example.org", "0", "1", "confirmed"],
    ]
    assert "A ramp" not in "".join(lines)


def test_door_list_pdf_puts_anonymised_rows_after_the_names(organiser_client, anonymised_meeting):
    response = organiser_client.post(organise(anonymised_meeting, "registration_pdf"))

    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert response.status_code == 200
    assert text.index("Bob") < text.index("Anonymised")


def test_erase_from_the_service_blanks_everything_at_once(group, venue):
    meeting = make_event(group=group, venue=venue, capacity=1)
    ann = register(meeting, "Ann")
    bob = register(meeting, "Bob")  # waiting
    sent = last_queued()

    privacy.erase_registration(registration=ann)

    assert personal(ann) == ("", "", "")
    assert Registration.objects.get(pk=bob.pk).status == Status.CONFIRMED
    assert [e.to for e in outbox(after=sent)] == [["bob@example.org"]]
    assert set(Message.objects.filter(registration=ann).values_list("to_email", flat=True)) == {""}
