"""The organiser's page to write to the people registered: compose, preview, a test to
yourself, send now. Only organisers of the meeting's group; never unconfirmed people."""

import pytest
from django.urls import reverse

from tests.factories import make_event, make_group
from tests.mail import outbox
from tests.rsvp.helpers import confirmed, fan_out_all
from turnout.core.models import Message
from turnout.rsvp import services as rsvp
from turnout.rsvp.models import MeetingMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(group, venue):
    """Ann confirmed; Bob registered but never confirmed his email."""
    event = make_event(group=group, venue=venue, capacity=5)
    confirmed(event, "Ann")
    rsvp.register(event=event, name="Bob", email="bob@example.org")
    Message.objects.all().delete()
    return event


def url(event) -> str:
    return reverse(
        "organise:meeting_message", kwargs={"group": event.group.slug, "event": event.slug}
    )


def form(action="send", **fields):
    return {
        "subject": "Bring ID",
        "body": "The building asks for **ID**.\n\n<script>alert(1)</script>",
        "audience": "all",
        "key": "k" * 32,
        "action": action,
        **fields,
    }


def test_the_registrations_page_links_to_it(organiser_client, meeting):
    page = organiser_client.get(
        reverse("organise:registrations", kwargs={"group": "uig", "event": meeting.slug})
    )
    assert url(meeting) in page.content.decode()


def test_the_form_shows_each_choice_with_its_count(organiser_client, meeting):
    html = organiser_client.get(url(meeting)).content.decode()
    assert 'name="audience"' in html and 'value="checked_in"' in html
    assert "(1)" in html  # Ann only: Bob's address is not confirmed
    assert 'name="key"' in html


def test_preview_is_sanitised_and_sends_nothing(organiser_client, meeting):
    html = organiser_client.post(url(meeting), form("preview")).content.decode()
    assert "<strong>ID</strong>" in html and "<script>alert(1)" not in html
    assert Message.objects.count() == 0 and not MeetingMessage.objects.exists()


def test_a_test_goes_to_the_organiser_only(organiser_client, organiser, meeting):
    organiser_client.post(url(meeting), form("test"))
    (email,) = outbox()
    assert email.to == [organiser.email] and email.subject == "Test: Bring ID"
    assert not MeetingMessage.objects.exists()


def test_send_now_sends_once_however_often_it_is_posted(organiser_client, meeting):
    first = organiser_client.post(url(meeting), form())
    second = organiser_client.post(url(meeting), form(), follow=True)
    assert first.status_code == 302
    assert "already sent" in second.content.decode()
    fan_out_all()  # the worker writes the emails; the request only recorded the message
    assert [e.to for e in outbox()] == [["ann@example.org"]]
    assert MeetingMessage.objects.get().recipient_count == 1


@pytest.mark.parametrize("audience", ["unconfirmed", "held", ""])
def test_a_forged_audience_is_refused(organiser_client, meeting, audience):
    response = organiser_client.post(url(meeting), form(audience=audience))
    assert response.status_code == 200
    assert "Choose who the message goes to" in response.content.decode()
    assert Message.objects.count() == 0


def test_an_empty_body_is_refused(organiser_client, meeting):
    response = organiser_client.post(url(meeting), form(body=" "))
    assert "Write the message before sending it" in response.content.decode()
    assert Message.objects.count() == 0


def test_outsiders_get_404(outsider_client, meeting):
    assert outsider_client.get(url(meeting)).status_code == 404
    assert outsider_client.post(url(meeting), form()).status_code == 404
    assert Message.objects.count() == 0


def test_another_groups_meeting_is_404(outsider, organiser_client, meeting):
    theirs = make_event(group=make_group(owner=outsider, slug="theirs"))
    assert organiser_client.post(url(theirs), form()).status_code == 404
    assert Message.objects.count() == 0


def test_attendees_see_past_messages_on_their_page(client, organiser_client, meeting):
    from turnout.rsvp.links import manage_url

    organiser_client.post(url(meeting), form())
    fan_out_all()
    ann = meeting.registrations.get(name="Ann")
    # Shown once actually sent (delivery clears the email's params, as it does).
    Message.objects.filter(to_email=ann.email).update(status=Message.Status.SENT, params={})
    html = client.get(manage_url(ann).split("/", 3)[3].join(["/", ""])).content.decode()
    assert "Messages from the organisers" in html
    assert "Bring ID" in html and "<strong>ID</strong>" in html


def test_send_now_leads_to_the_progress_page(organiser_client, meeting):
    response = organiser_client.post(url(meeting), form(), follow=True)
    sent = MeetingMessage.objects.get()
    assert response.redirect_chain[-1][0] == progress_url(sent)
    html = response.content.decode()
    assert "Waiting to go" in html and "Failed" in html


def progress_url(message) -> str:
    event = message.event
    return reverse(
        "organise:meeting_message_progress",
        kwargs={"group": event.group.slug, "event": event.slug, "message": message.pk},
    )


def test_send_at_lists_it_as_scheduled_and_it_can_be_cancelled(organiser_client, meeting):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    at = (timezone.now() + dt.timedelta(days=1)).astimezone(ZoneInfo(meeting.time_zone))
    response = organiser_client.post(
        url(meeting), form(when="later", send_at=at.strftime("%Y-%m-%dT%H:%M")), follow=True
    )
    scheduled = MeetingMessage.objects.get()
    assert scheduled.status == "scheduled" and Message.objects.count() == 0
    html = organiser_client.get(url(meeting)).content.decode()
    assert "Scheduled" in html and f'value="{scheduled.pk}"' in html
    assert response.status_code == 200
    organiser_client.post(url(meeting), {"action": "cancel", "message": scheduled.pk})
    scheduled.refresh_from_db()
    assert scheduled.status == "cancelled"


@pytest.mark.parametrize(
    ("send_at", "error"),
    [
        ("2020-01-01T10:00", "Choose a time in the future"),
        ("tomorrow", "Enter the date and time"),
        ("2099-01-01T10:00", "before the meeting starts"),
    ],
)
def test_a_bad_send_at_shows_why_and_sends_nothing(organiser_client, meeting, send_at, error):
    response = organiser_client.post(url(meeting), form(when="later", send_at=send_at))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not MeetingMessage.objects.exists() and Message.objects.count() == 0


@pytest.mark.parametrize("forged", ["", "x", "99999999", "-1"])
def test_cancelling_a_forged_or_unknown_message_is_refused(organiser_client, meeting, forged):
    response = organiser_client.post(url(meeting), {"action": "cancel", "message": forged})
    assert response.status_code == 200
    assert "no longer scheduled" in response.content.decode()


def test_another_groups_message_progress_is_404(outsider_client, organiser_client, meeting):
    organiser_client.post(url(meeting), form())
    assert outsider_client.get(progress_url(MeetingMessage.objects.get())).status_code == 404
