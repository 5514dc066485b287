"""What organisers do with the mailing list goes into the group's audit log
(turnout.groups.audit): announcements sent, the subscriber list downloaded, contacts
imported and asked to confirm. Counts only, never an address."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from turnout.groups import services as groups
from turnout.groups.models import AuditEntry
from turnout.mailing.services import announcements, subscriptions

pytestmark = pytest.mark.django_db


def entries() -> list[tuple]:
    return list(AuditEntry.objects.values_list("actor_name", "action", "subject", "count"))


def subscribe(group, *emails: str) -> None:
    for email in emails:
        subscriptions.confirm_subscription(
            token=subscriptions.confirmation_token(group=group, email=email)
        )


@pytest.fixture
def draft(group, organiser):
    groups.approve_for_email(group=group)
    return announcements.create(
        group=group, subject="Plans for Tuesday", body="Come along.", created_by=organiser
    )


def test_sending_an_announcement_is_recorded_with_how_many_subscribers(
    organiser_client, group, draft
):
    subscribe(group, "ann@example.org", "bob@example.org", "cat@example.org")

    organiser_client.post(f"/organise/groups/uig/announcements/{draft.pk}/send/")
    organiser_client.post(f"/organise/groups/uig/announcements/{draft.pk}/send/")  # twice

    assert entries() == [("Olena Organiser", "message_sent", "Plans for Tuesday", 3)]


def test_an_announcement_refused_or_sent_as_a_test_is_not_recorded(organiser_client, group, draft):
    organiser_client.post(f"/organise/groups/uig/announcements/{draft.pk}/test/")
    organiser_client.post(f"/organise/groups/uig/announcements/{draft.pk}/send/")  # nobody yet

    assert entries() == []


def test_downloading_the_subscriber_list_is_recorded_with_how_many(organiser_client, group):
    subscribe(group, "ann@example.org", "bob@example.org")

    response = organiser_client.get("/organise/groups/uig/subscribers/export.csv")
    b"".join(response.streaming_content)

    assert entries() == [("Olena Organiser", "subscribers_exported", "", 2)]


def test_importing_contacts_is_recorded_with_how_many_were_asked_to_confirm(
    organiser_client, group
):
    groups.approve_for_email(group=group)
    subscribe(group, "ann@example.org")
    upload = SimpleUploadedFile(
        "contacts.csv", b"email\nann@example.org\nbob@example.org\ncat@example.org\nnot-an-email\n"
    )

    organiser_client.post("/organise/groups/uig/subscribers/import/", {"file": upload})

    assert entries() == [("Olena Organiser", "subscribers_imported", "", 2)]


def test_a_rejected_import_or_one_that_asks_nobody_is_not_recorded(organiser_client, group):
    groups.approve_for_email(group=group)
    subscribe(group, "ann@example.org")
    no_column = SimpleUploadedFile("contacts.csv", b"name\nAnn\n")
    nobody_new = SimpleUploadedFile("contacts.csv", b"email\nann@example.org\n")

    organiser_client.post("/organise/groups/uig/subscribers/import/", {"file": no_column})
    organiser_client.post("/organise/groups/uig/subscribers/import/", {"file": nobody_new})

    assert entries() == []
