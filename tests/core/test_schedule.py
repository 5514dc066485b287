"""The periodic jobs each app registers in its AppConfig.ready() (turnout.core.schedule)."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests import jobs
from turnout.core import schedule
from turnout.core import tasks as core_tasks
from turnout.core.outbox import tasks as outbox_tasks
from turnout.federation import tasks as federation_tasks
from turnout.feeds import tasks as feeds_tasks
from turnout.groups import tasks as groups_tasks
from turnout.rsvp import tasks as rsvp_tasks

TAKEN = "^Another periodic job is registered as 'expire-rsvp-holds'.$"


def test_each_app_registered_its_jobs_with_their_periods(settings):
    settings.TURNOUT_EXTRA_PERIODIC_JOBS = []

    assert schedule.periodic_jobs() == [
        ("purge-rate-counters", core_tasks.purge_rate_counters, 3600),
        ("delete-finished-task-results", core_tasks.delete_finished_task_results, 3600),
        ("clear-expired-sessions", core_tasks.clear_expired_sessions, 3600),
        ("forget-old-mail", outbox_tasks.forget_old_mail, 3600),
        ("forget-old-audit-entries", groups_tasks.forget_old_audit_entries, 3600),
        ("expire-rsvp-holds", rsvp_tasks.expire_holds, 60),
        ("send-rsvp-reminders", rsvp_tasks.send_reminders, 60),
        ("anonymise-attendees", rsvp_tasks.anonymise_attendees, 3600),
        ("send-organiser-digests", rsvp_tasks.send_organiser_digests, 3600),
        ("send-meeting-messages", rsvp_tasks.send_due_messages, 60),
        ("refresh-ics-imports", feeds_tasks.refresh_subscribed, 3600),
        ("deliver-federation", federation_tasks.deliver, 60),
        ("purge-federation-deliveries", federation_tasks.purge_deliveries, 3600),
    ]


def test_extra_jobs_from_settings_name_their_task_by_dotted_path(settings):
    settings.TURNOUT_EXTRA_PERIODIC_JOBS = [("test-tick", "tests.jobs.tick", 5)]

    assert schedule.periodic_jobs()[-1] == ("test-tick", jobs.tick, 5)


def test_registering_a_job_again_changes_nothing(settings):
    settings.TURNOUT_EXTRA_PERIODIC_JOBS = []
    before = schedule.periodic_jobs()

    schedule.register(name="expire-rsvp-holds", task=rsvp_tasks.expire_holds, every=60)

    assert schedule.periodic_jobs() == before


def test_registering_another_job_under_a_taken_name_is_refused(settings):
    settings.TURNOUT_EXTRA_PERIODIC_JOBS = []
    before = schedule.periodic_jobs()

    with pytest.raises(ValueError, match=TAKEN):
        schedule.register(name="expire-rsvp-holds", task=jobs.tick, every=60)
    with pytest.raises(ValueError, match=TAKEN):
        schedule.register(name="expire-rsvp-holds", task=rsvp_tasks.expire_holds, every=30)

    assert schedule.periodic_jobs() == before


@pytest.mark.django_db
def test_clear_expired_sessions_deletes_only_expired_ones():
    now = timezone.now()
    Session.objects.create(
        session_key="old", session_data="", expire_date=now - dt.timedelta(seconds=1)
    )
    Session.objects.create(
        session_key="live", session_data="", expire_date=now + dt.timedelta(days=1)
    )

    deleted = core_tasks.clear_expired_sessions.call()

    assert deleted == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
