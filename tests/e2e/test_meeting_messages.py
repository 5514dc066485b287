"""Writing to the people registered, in the browser: send now leads to the progress
page, whose numbers follow the worker in place; a scheduled message is listed and can
be cancelled; axe finds nothing serious on either page."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_accessibility import describe, serious_violations
from tests.factories import make_event, make_group, make_user
from tests.rsvp.helpers import confirmed
from turnout.core.models import Message
from turnout.core.outbox import tasks as outbox_tasks
from turnout.rsvp import messages, tasks
from turnout.rsvp import services as rsvp
from turnout.rsvp.models import MeetingMessage


@pytest.fixture
def organiser(transactional_db):
    return make_user(email="olena@example.org")


@pytest.fixture
def meeting(organiser):
    group = make_group(owner=organiser, name="Ukraine Information Group", slug="uig")
    event = make_event(group=group, capacity=10)
    confirmed(event, "Ann")
    confirmed(event, "Bea")
    rsvp.register(event=event, name="Bob", email="bob@example.org")  # never confirmed
    Message.objects.all().delete()
    return event


def compose(meeting) -> str:
    return f"/organise/groups/uig/events/{meeting.slug}/message/"


def test_an_organiser_writes_to_the_confirmed_attendees_and_sees_the_progress(
    new_context, log_in, organiser, meeting
):
    context = new_context(phone=True)
    log_in(context, organiser)
    page = context.new_page()
    page.goto(compose(meeting))
    page.get_by_label("People with a confirmed place").check()
    page.get_by_label("Subject").fill("We moved upstairs")
    page.get_by_label("Message").fill("Room **2**.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Preparing 2 emails…")).to_be_visible()
    page.evaluate("window.notReloaded = true")

    sent = MeetingMessage.objects.get()
    tasks.fan_out_meeting_message.call(message_id=sent.pk)
    expect(page.locator(".counts")).to_contain_text("Waiting to go2", timeout=8_000)
    outbox_tasks.deliver.call(message_ids=list(Message.objects.values_list("pk", flat=True)))
    expect(page.get_by_text("Nothing is waiting to go.")).to_be_visible(timeout=8_000)
    expect(page.locator(".counts")).to_contain_text("Sent2")
    assert page.evaluate("window.notReloaded") is True  # the counts updated in place
    assert sorted(Message.objects.values_list("to_email", flat=True)) == [
        "ann@example.org",
        "bea@example.org",
    ]


def test_a_scheduled_message_is_listed_and_can_be_cancelled(
    new_context, log_in, organiser, meeting
):
    context = new_context()
    log_in(context, organiser)
    page = context.new_page()
    page.goto(compose(meeting))
    at = (timezone.now() + dt.timedelta(days=1)).astimezone(ZoneInfo(meeting.time_zone))
    page.get_by_label("Subject").fill("Bring ID")
    page.get_by_label("Message").fill("The building asks for ID.")
    page.get_by_label("Send at a time before the meeting").check()
    page.get_by_label("Date and time").fill(at.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("heading", name="Scheduled")).to_be_visible()
    assert MeetingMessage.objects.get().status == "scheduled"
    page.get_by_role("button", name="Cancel this message").click()
    expect(page.get_by_text("it will not be sent")).to_be_visible()
    assert MeetingMessage.objects.get().status == "cancelled"
    assert not Message.objects.exists()


@pytest.mark.parametrize("phone", [False, True], ids=["1280", "375"])
def test_message_pages_have_no_serious_accessibility_violations(
    new_context, log_in, organiser, meeting, phone
):
    at = (timezone.now() + dt.timedelta(days=1)).astimezone(ZoneInfo(meeting.time_zone))
    messages.send_message(
        event=meeting,
        by=organiser,
        subject="Later",
        body="x",
        audience="all",
        send_at=at.strftime("%Y-%m-%dT%H:%M"),
    )
    sent = messages.send_message(
        event=meeting, by=organiser, subject="Now", body="y", audience="all"
    )
    context = new_context(phone=phone)
    log_in(context, organiser)
    page = context.new_page()
    found = []
    for path in (compose(meeting), f"{compose(meeting)}{sent.pk}/"):
        assert page.goto(path).status == 200
        violations = serious_violations(page)
        if violations:
            found.append(f"{path}:\n{describe(violations)}")
    assert not found, "\n".join(found)
