"""The pages of a meeting whose organisers approve each place: the public page and its
form, the organisers' requests page and its approve and decline buttons, the list and
CSV. Who may open the organisers' pages at all is walked in tests/test_urls_permissions.py."""

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_event
from tests.mail import last_queued, outbox
from tests.rsvp.helpers import seats
from turnout.events.models import Event
from turnout.rsvp import privacy
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import token_for
from turnout.rsvp.models import Registration

Status = Registration.Status
HOSTILE = '<script>alert("x")</script>'
CONFIRM_EACH = "The organisers confirm each place."
NOTE_LABEL = "How do you know the group? (optional)"


def url(event, name: str, **kwargs) -> str:
    return reverse(
        f"organise:{name}", kwargs={"group": event.group.slug, "event": event.slug, **kwargs}
    )


def public(event) -> str:
    return f"/{event.group.slug}/events/{event.slug}/"


def html(response) -> str:
    return response.content.decode()


def messages_shown(response) -> list[str]:
    return re.findall(r'<li class="message [a-z]+">(.*?)</li>', html(response))


def request(event, name: str, note: str = "") -> Registration:
    registration, _created = rsvp.register(
        event=event, name=name, email=f"{name.lower()}@example.org", note=note
    )
    return rsvp.confirm(registration=registration)


@pytest.fixture
def vetted(group, venue):
    return make_event(group=group, venue=venue, capacity=1, approval_required=True)


def test_the_public_page_says_the_organisers_confirm_each_place_and_asks_how_they_know(
    client, vetted, event
):
    page = html(client.get(public(vetted)))
    ordinary = html(client.get(public(event)))

    assert CONFIRM_EACH in page
    assert NOTE_LABEL in page
    assert 'maxlength="200"' in page
    assert CONFIRM_EACH not in ordinary
    assert NOTE_LABEL not in ordinary


def test_the_public_page_shows_no_count_of_requests(client, vetted):
    def page() -> str:
        return re.sub(
            r'name="csrfmiddlewaretoken" value="\w+"', "", html(client.get(public(vetted)))
        )

    before = page()
    request(vetted, "Ann")
    request(vetted, "Bob")
    rsvp.register(event=vetted, name="Cat", email="cat@example.org")

    assert page() == before
    assert seats(vetted) == (0, 0)


def test_an_rsvp_through_the_page_is_a_request_and_says_what_happens_next(client, vetted):
    response = client.post(
        public(vetted), {"name": "Ann", "email": "ann@example.org", "note": "Olena's neighbour"}
    )

    assert response.status_code == 200
    assert "Once you have, the organisers look at your request" in html(response)
    registration = Registration.objects.get()
    assert (registration.status, registration.note) == (
        Status.REQUEST_UNCONFIRMED,
        "Olena's neighbour",
    )


def test_a_note_too_long_keeps_the_form_with_a_message_by_the_field(client, vetted, table_rows):
    before = table_rows()

    response = client.post(
        public(vetted), {"name": "Ann", "email": "ann@example.org", "note": "x" * 5000}
    )

    assert response.status_code == 200
    assert "Say how you know the group in at most 200 characters; this has 5000." in html(response)
    assert Registration.objects.count() == 0
    assert table_rows() == before


def test_the_requests_page_lists_name_note_and_when_escaped(organiser_client, vetted):
    request(vetted, "Ann", note=HOSTILE)
    rsvp.register(event=vetted, name="Unconfirmed", email="u@example.org")

    page = html(organiser_client.get(url(vetted, "registration_requests")))

    assert "Ann" in page
    assert "&lt;script&gt;" in page and HOSTILE not in page
    assert "Unconfirmed" not in page  # not a request until the email is confirmed
    assert "1 person has not confirmed their email yet" in page
    assert "Approve" in page and "Decline…" in page


def test_the_meetings_page_links_to_the_requests_with_their_count(organiser_client, vetted):
    request(vetted, "Ann")
    request(vetted, "Bob")

    page = html(organiser_client.get(url(vetted, "event_edit")))

    assert f'href="{url(vetted, "registration_requests")}">Requests to approve (2)</a>' in page
    assert "Organisers approve each place" in page  # the form's choice, with its sentence


def test_the_requests_page_takes_the_same_queries_for_one_and_three(organiser_client, vetted):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert organiser_client.get(url(vetted, "registration_requests")).status_code == 200
        return len(captured)

    request(vetted, "Ann")
    one = queries()
    request(vetted, "Bob")
    request(vetted, "Cat")

    assert queries() == one


def approve(client, registration, follow=True):
    return client.post(
        url(registration.event, "registration_approve", registration=registration.pk),
        follow=follow,
    )


def test_approving_from_the_page_seats_the_person(organiser_client, vetted):
    ann = request(vetted, "Ann")

    response = approve(organiser_client, ann)

    assert messages_shown(response) == ["Ann is approved: their place is confirmed."]
    assert Registration.objects.get(pk=ann.pk).status == Status.CONFIRMED


def test_approving_twice_from_the_page_says_so_and_changes_nothing(organiser_client, vetted):
    ann = request(vetted, "Ann")
    approve(organiser_client, ann)
    mail = last_queued()

    response = approve(organiser_client, ann)

    assert response.status_code == 200
    assert messages_shown(response) == ["Ann’s request was approved already."]
    assert seats(vetted) == (1, 1)
    assert outbox(after=mail) == []


def test_approving_when_full_waitlists_with_a_message(organiser_client, vetted):
    ann, bob = request(vetted, "Ann"), request(vetted, "Bob")
    approve(organiser_client, ann)

    response = approve(organiser_client, bob)

    assert messages_shown(response) == [
        "The meeting is full: Bob is approved and on the waitlist, at its end. "
        "They get a seat if one frees up."
    ]
    assert Registration.objects.get(pk=bob.pk).status == Status.WAITLISTED


def test_approving_a_lapsed_request_from_the_page_says_so(organiser_client, vetted):
    ann = request(vetted, "Ann")
    Event.objects.filter(pk=vetted.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))

    response = approve(organiser_client, ann)

    assert messages_shown(response) == [
        "This request lapsed when the meeting started; nothing was changed."
    ]
    assert Registration.objects.get(pk=ann.pk).status == Status.REQUESTED


def test_declining_from_the_page(organiser_client, vetted):
    ann = request(vetted, "Ann")

    response = organiser_client.post(
        url(vetted, "registration_decline", registration=ann.pk), follow=True
    )

    assert messages_shown(response) == [
        "Ann’s request is declined; they are told, without a reason."
    ]
    assert Registration.objects.get(pk=ann.pk).status == Status.DECLINED


def test_approving_another_meetings_registration_is_not_found(organiser_client, vetted):
    other = request(make_event(group=vetted.group, approval_required=True), "Ann")

    response = organiser_client.post(url(vetted, "registration_approve", registration=other.pk))

    assert response.status_code == 404
    assert Registration.objects.get(pk=other.pk).status == Status.REQUESTED


def test_the_list_and_csv_show_requests_by_their_status(organiser_client, vetted):
    request(vetted, "Ann")
    rsvp.decline(registration=request(vetted, "Bob"), by=None)

    page = html(organiser_client.get(url(vetted, "registrations"), {"show": "requested"}))
    body = b"".join(organiser_client.post(url(vetted, "registration_export")).streaming_content)
    rows = list(csv.DictReader(io.StringIO(body.decode())))

    assert "Requested (1)" in page and "Declined (1)" in page
    assert "asked for a place, waiting for an organiser" in page
    assert [(r["name"], r["status"]) for r in rows] == [("Ann", "requested"), ("Bob", "declined")]


def attendee_page(client, registration) -> str:
    return html(client.get(f"/rsvp/{token_for(registration)}/"))


def test_the_attendee_page_follows_the_request(client, vetted, organiser):
    ann, _created = rsvp.register(event=vetted, name="Ann", email="ann@example.org")
    assert "Confirm your email to send your request" in attendee_page(client, ann)

    response = client.post(f"/rsvp/{token_for(ann)}/confirm/", follow=True)

    assert messages_shown(response) == [
        "Thank you: your email is confirmed, and your request is with the organisers."
    ]
    assert "Your request is with the organisers" in html(response)
    assert "Withdraw my request…" in html(response)
    rsvp.decline(registration=ann, by=organiser)
    page = attendee_page(client, ann)
    assert "The organisers could not offer you a place" in page
    assert "Ask again" in page


def test_a_request_whose_meeting_started_shows_as_lapsed(client, vetted):
    ann = request(vetted, "Ann")
    Event.objects.filter(pk=vetted.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))

    page = attendee_page(client, ann)

    assert "The request was withdrawn, or it lapsed before the organisers answered." in page
    assert "Withdraw my request…" not in page


def test_anonymising_blanks_what_the_person_wrote(vetted):
    ann = request(vetted, "Ann", note="Friend of Olena")
    Event.objects.filter(pk=vetted.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=400),
        ends_at=timezone.now() - dt.timedelta(days=399),
    )

    assert privacy.anonymise_past_attendees() == 1

    ann.refresh_from_db()
    assert (ann.name, ann.email, ann.note) == ("", "", "")
