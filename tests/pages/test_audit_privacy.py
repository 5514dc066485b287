"""The audit log names organisers and counts, never an attendee: every act it records,
done to a distinctively named attendee, leaves their name and address out of it."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from turnout.events import services as events
from turnout.groups import services as groups
from turnout.groups.models import AuditEntry
from turnout.mailing.services import announcements, subscriptions
from turnout.rsvp import notices
from turnout.rsvp import services as rsvp
from turnout.rsvp.models import Registration

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Zephaniah Quillfeather", "zephaniah.quillfeather@example.org"


def url(event, name: str, **kwargs) -> str:
    return reverse(
        f"organise:{name}", kwargs={"group": event.group.slug, "event": event.slug, **kwargs}
    )


def test_no_audited_act_writes_the_attendees_name_or_address(
    organiser_client, organiser, group, event
):
    groups.approve_for_email(group=group)
    events.change_capacity(event=event, capacity=1)
    first, _created = rsvp.register(event=event, name="Ann", email="ann@example.org")
    rsvp.confirm(registration=first)
    zeph, _created = rsvp.register(event=event, name=NAME, email=EMAIL)
    zeph = rsvp.confirm(registration=zeph)
    assert zeph.status == Registration.Status.WAITLISTED
    subscriptions.confirm_subscription(
        token=subscriptions.confirmation_token(group=group, email=EMAIL)
    )

    b"".join(organiser_client.post(url(event, "registration_export")).streaming_content)
    organiser_client.post(url(event, "registration_pdf"))
    organiser_client.get(url(event, "door") + "?q=Quillfeather")
    organiser_client.post(url(event, "door_check_in", registration=zeph.pk), {"override": "1"})
    events.update_event(event=event, by=organiser, start_time=dt.time(18), end_time=dt.time(20))
    notice = notices.pending_notice(event=event)
    organiser_client.post(url(event, "change_notice_send"), {"notice": notice.pk})
    organiser_client.post(url(event, "registration_remove", registration=zeph.pk))
    draft = announcements.create(
        group=group, subject="Plans for Tuesday", body="Come along.", created_by=organiser
    )
    organiser_client.post(f"/organise/groups/uig/announcements/{draft.pk}/send/")
    b"".join(organiser_client.get("/organise/groups/uig/subscribers/export.csv").streaming_content)
    upload = SimpleUploadedFile("c.csv", f"email\n{EMAIL}\nzeph.q@example.org\n".encode())
    organiser_client.post("/organise/groups/uig/subscribers/import/", {"file": upload})

    stored = list(AuditEntry.objects.values())
    assert {entry["action"] for entry in stored} == {
        "export",
        "door_list_printed",
        "door_list",
        "check_in_override",
        "message_sent",
        "registration_removed",
        "subscribers_exported",
        "subscribers_imported",
    }
    text = repr(stored).casefold()
    for secret in ("zephaniah", "quillfeather", EMAIL, "zeph.q"):
        assert secret not in text
