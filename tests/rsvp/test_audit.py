"""What organisers do with a meeting's registrations goes into the group's audit log
(turnout.groups.audit): exports, the door list, check-ins by override, removals and
change notices. Each entry names the organiser, the meeting and a count, never an
attendee."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tests.rsvp.helpers import confirmed
from turnout.events import services as events
from turnout.groups.models import AuditEntry
from turnout.rsvp import notices, privacy
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import check_in_url
from turnout.rsvp.models import Registration

pytestmark = pytest.mark.django_db

TITLE = "What internationalism means"


def url(event, name: str, **kwargs) -> str:
    return reverse(
        f"organise:{name}", kwargs={"group": event.group.slug, "event": event.slug, **kwargs}
    )


def entries() -> list[tuple]:
    return list(AuditEntry.objects.values_list("actor_name", "action", "subject", "count"))


@pytest.fixture
def meeting(event):
    """Ann takes the one seat; Zeb and a guest wait."""
    events.change_capacity(event=event, capacity=1)
    confirmed(event, "Ann")
    zeb, _created = rsvp.register(event=event, name="Zeb", email="zeb@example.org", guests=0)
    assert rsvp.confirm(registration=zeb).status == Registration.Status.WAITLISTED
    return event


def zeb() -> Registration:
    return Registration.objects.get(name="Zeb")


def test_exporting_the_attendee_csv_is_recorded_with_the_number_of_rows(organiser_client, meeting):
    response = organiser_client.post(url(meeting, "registration_export"))
    b"".join(response.streaming_content)

    assert entries() == [("Olena Organiser", "export", TITLE, 2)]


def test_printing_the_door_list_is_recorded_with_the_number_of_people_on_it(
    organiser_client, meeting
):
    response = organiser_client.post(url(meeting, "registration_pdf"))

    assert response.status_code == 200
    assert entries() == [("Olena Organiser", "door_list_printed", TITLE, 1)]


def test_opening_the_door_list_is_recorded_once_an_hour_per_organiser(organiser_client, meeting):
    organiser_client.get(url(meeting, "door"))
    organiser_client.get(url(meeting, "door") + "?q=Ann")
    organiser_client.get(url(meeting, "door_counts"))
    assert entries() == [("Olena Organiser", "door_list", TITLE, 2)]

    AuditEntry.objects.update(created_at=timezone.now() - dt.timedelta(minutes=61))
    organiser_client.get(url(meeting, "door"))

    assert entries() == [("Olena Organiser", "door_list", TITLE, 2)] * 2


def test_a_check_in_by_override_is_recorded(organiser_client, meeting):
    organiser_client.post(url(meeting, "door_check_in", registration=zeb().pk), {"override": "1"})

    assert zeb().check_in_override is True
    assert entries() == [("Olena Organiser", "check_in_override", TITLE, 1)]


def test_an_ordinary_check_in_and_a_refused_one_are_not_recorded(organiser_client, meeting):
    ann = Registration.objects.get(name="Ann")
    organiser_client.post(url(meeting, "door_check_in", registration=ann.pk), {"override": "1"})
    organiser_client.post(url(meeting, "door_check_in", registration=zeb().pk))

    assert Registration.objects.get(name="Ann").attended_at is not None
    assert zeb().attended_at is None
    assert AuditEntry.objects.exclude(action="door_list").count() == 0


def test_a_check_in_by_override_from_the_scanned_code_is_recorded(organiser_client, meeting):
    path = check_in_url(zeb()).split("://", 1)[1].split("/", 1)[1]

    organiser_client.post(f"/{path}", {"override": "1"})

    assert entries() == [("Olena Organiser", "check_in_override", TITLE, 1)]


def test_removing_a_registration_is_recorded_with_the_people_in_the_party(
    organiser_client, meeting
):
    party = rsvp.add_by_organiser(event=meeting, name="Pat", guests=2, by=None)

    organiser_client.post(url(meeting, "registration_remove", registration=party.pk))
    organiser_client.post(url(meeting, "registration_remove", registration=party.pk))  # twice

    assert Registration.objects.get(pk=party.pk).status == Registration.Status.CANCELLED
    assert entries() == [("Olena Organiser", "registration_removed", TITLE, 3)]


def test_an_attendee_erasing_their_own_registration_is_not_an_organisers_act(meeting):
    privacy.erase_registration(registration=zeb())

    assert entries() == []


def test_sending_a_change_notice_is_recorded_with_how_many_were_emailed(
    organiser_client, meeting, organiser
):
    events.update_event(
        event=meeting, by=organiser, start_time=dt.time(18, 0), end_time=dt.time(20, 0)
    )
    notice = notices.pending_notice(event=meeting)

    organiser_client.post(url(meeting, "change_notice_send"), {"notice": notice.pk})
    organiser_client.post(url(meeting, "change_notice_send"), {"notice": notice.pk})  # twice

    assert entries() == [("Olena Organiser", "message_sent", TITLE, 2)]


def test_dismissing_a_change_notice_is_not_recorded(organiser_client, meeting, organiser):
    events.cancel_event(event=meeting, by=organiser)
    notice = notices.pending_notice(event=meeting)

    organiser_client.post(url(meeting, "change_notice_dismiss"), {"notice": notice.pk})

    assert entries() == []


def test_a_removal_rolled_back_leaves_no_entry(meeting, organiser):
    with pytest.raises(RuntimeError), transaction.atomic():
        rsvp.remove(registration=zeb(), by=organiser)
        raise RuntimeError("the request failed after the removal")

    assert zeb().status == Registration.Status.WAITLISTED
    assert entries() == []
