"""The QR code in a confirmation email: its link checks the person in, for the group's
organisers only; a tampered link, or anyone else, gets a 404 and changes nothing."""

import re

import pytest
from django.test import Client

from tests.factories import make_event
from tests.mail import inline_images, outbox
from turnout.core.logredact import redact_text
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import check_in_qr_png, check_in_url
from turnout.rsvp.models import Registration

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def meeting(group, venue):
    return make_event(group=group, venue=venue, capacity=1)


def confirmed(event, name="Ann") -> Registration:
    registration, _ = rsvp.register(event=event, name=name, email=f"{name.lower()}@example.org")
    return rsvp.confirm(registration=registration)


def path_of(registration) -> str:
    return check_in_url(registration).removeprefix("http://127.0.0.1:8000")


def attended(registration) -> bool:
    return Registration.objects.get(pk=registration.pk).attended_at is not None


def test_the_confirmation_shows_the_code_inline(meeting):
    ann = confirmed(meeting)

    email = outbox()[-1]

    images = inline_images(email)
    assert list(images) == ["check-in.png"]
    assert images["check-in.png"].startswith(PNG)
    assert images["check-in.png"] == check_in_qr_png(ann)
    assert 'src="cid:check-in.png"' in email.alternatives[0][0]
    assert "check-in code" in email.body


def test_an_email_before_confirmation_has_no_code(meeting):
    rsvp.register(event=meeting, name="Ann", email="ann@example.org")

    assert inline_images(outbox()[-1]) == {}


def test_the_groups_organiser_sees_who_it_is_and_checks_them_in(organiser_client, meeting):
    ann = confirmed(meeting)

    page = organiser_client.get(path_of(ann))
    assert page.status_code == 200
    assert "<h1><bdi>Ann</bdi></h1>" in page.content.decode()
    assert not attended(ann)  # opening the link changes nothing

    response = organiser_client.post(path_of(ann), follow=True)

    assert attended(ann)
    assert "Ann is checked in." in response.content.decode()


def test_scanning_twice_checks_in_once(organiser_client, meeting):
    ann = confirmed(meeting)
    organiser_client.post(path_of(ann))
    first = Registration.objects.get(pk=ann.pk).attended_at

    organiser_client.post(path_of(ann))

    assert Registration.objects.get(pk=ann.pk).attended_at == first


def test_a_waitlisted_person_needs_the_override_which_is_recorded(organiser_client, meeting):
    confirmed(meeting, "Ann")
    bob, _ = rsvp.register(event=meeting, name="Bob", email="bob@example.org")
    bob = rsvp.confirm(registration=bob)
    assert bob.status == Registration.Status.WAITLISTED

    refused = organiser_client.post(path_of(bob), follow=True)
    assert "Bob is not confirmed" in refused.content.decode()
    assert not attended(bob)

    organiser_client.post(path_of(bob), {"override": "1"})
    stored = Registration.objects.get(pk=bob.pk)
    assert (stored.attended_at is not None, stored.check_in_override) == (True, True)
    assert stored.status == Registration.Status.WAITLISTED


def tampered(path: str) -> list[str]:
    token = path.split("/")[-2]
    pk, signature = token.split(":", 1)
    return [
        path.replace(token, f"{int(pk) + 1}:{signature}"),  # another registration
        path.replace(token, f"{pk}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}"),
        path.replace(token, pk),
        path.replace(token, "garbage"),
        path.replace(token, ":" * 3),
    ]


def test_a_tampered_link_is_not_found_and_changes_nothing(organiser_client, meeting):
    ann = confirmed(meeting)
    confirmed(meeting, "Bob")  # a real registration with the next pk

    for path in tampered(path_of(ann)):
        assert organiser_client.get(path).status_code == 404, path
        assert organiser_client.post(path).status_code == 404, path

    assert not Registration.objects.filter(attended_at__isnull=False).exists()


def test_another_groups_organiser_learns_nothing(outsider, meeting):
    ann = confirmed(meeting)
    client = Client()
    client.force_login(outsider)

    for response in (client.get(path_of(ann)), client.post(path_of(ann))):
        assert response.status_code == 404
        assert "Ann" not in response.content.decode()
    assert not attended(ann)


def test_someone_logged_out_is_asked_to_log_in_and_nothing_changes(client, meeting):
    ann = confirmed(meeting)

    response = client.post(path_of(ann))

    assert response.status_code == 302
    assert response["Location"].startswith("/organise/login/")
    assert not attended(ann)


def test_the_link_never_reaches_the_logs(meeting):
    ann = confirmed(meeting)
    token = path_of(ann).split("/")[-2]

    line = redact_text(f'127.0.0.1 "GET {path_of(ann)}" 200')

    assert token not in line
    assert re.search(r"/organise/check-in/\S+/", line)
