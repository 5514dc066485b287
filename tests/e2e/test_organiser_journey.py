"""An organiser's first meeting, from sign-up to the public page, in a real browser: a
group, a meeting whose venue is added from its form, the draft seen at its address,
published, found by a visitor, and a message to the people registered, followed as it
goes."""

import datetime as dt
import re
import zoneinfo
from urllib.parse import urlsplit

from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_user
from tests.mail import outbox
from tests.rsvp.helpers import confirmed
from turnout.core.models import Message
from turnout.core.outbox import tasks as outbox_tasks
from turnout.events.models import Event
from turnout.rsvp import tasks
from turnout.rsvp.models import MeetingMessage

EMAIL = "ana@example.org"
VERIFY_LINK = re.compile(r"https?://\S+/organise/verify/\S+/")


def assert_fits_phone(page, path: str) -> None:
    page.goto(path)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"{path} is {width}px wide at 375px: it scrolls sideways"


def expected_when(day: dt.date) -> str:
    year = f" {day.year}" if day.year != timezone.now().year else ""
    return f"{day:%A} {day.day} {day:%B}{year}, 7pm – 9pm"


def test_organiser_publishes_a_meeting_that_visitors_then_see(page, new_context):
    meeting_day = timezone.now().astimezone(zoneinfo.ZoneInfo("Europe/London")).date()
    meeting_day += dt.timedelta(days=10)

    # Sign up through the real form.
    page.goto("/organise/signup/")
    page.get_by_label("Your name").fill("Ana Organiser")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()

    # The emailed link shows a page with a button; the button confirms.
    assert [message.to for message in outbox()] == [[EMAIL]]
    link = VERIFY_LINK.search(outbox()[0].body).group(0)
    page.goto(urlsplit(link).path)
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_text("Your email address is confirmed.")).to_be_visible()

    # Log in.
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your groups")).to_be_visible()

    # A group, a venue, a meeting.
    page.get_by_role("link", name="Start a new group").click()
    page.get_by_label("Name").fill("Riverside Solidarity")
    page.get_by_label("About").fill("Neighbours who meet to support each other.")
    page.get_by_label("Contact email").fill("riverside@example.org")
    page.get_by_label("Time zone").select_option("Europe/London")
    page.get_by_role("button", name="Save group").click()
    expect(page.get_by_text("Your group is ready.")).to_be_visible()
    assert urlsplit(page.url).path == "/organise/groups/riverside-solidarity/"

    # The meeting, with its venue added from the meeting form without leaving it.
    page.get_by_role("link", name="New meeting").click()
    page.get_by_label("Title").fill("Rent rise: what we can do")
    page.get_by_label("Tagline").fill("An open meeting for every tenant")
    page.get_by_label("Description").fill("Bring your landlord's letters. Tea provided.")
    page.get_by_label("Date:", exact=True).fill(meeting_day.isoformat())
    page.get_by_label("Start time").fill("19:00")
    page.get_by_label("End time").fill("21:00")
    page.get_by_role("button", name="New venue…").click()
    page.get_by_label("Name").fill("St Mark's Hall")
    page.get_by_label("Street address").fill("12 Example Road")
    page.get_by_label("Town or city").fill("London")
    page.get_by_label("Postcode").fill("E1 6AN")
    page.get_by_role("button", name="Save venue").click()
    expect(page.get_by_text("Venue saved and chosen.")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Rent rise: what we can do")
    page.get_by_role("button", name="Save draft").last.click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()

    # The draft at its real address, as people will see it, under the band.
    page.get_by_role("link", name="See the draft").click()
    expect(page.get_by_text("Draft: only organisers see this")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rent rise: what we can do")
    page.go_back()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published: the meeting is now on the public pages.")).to_be_visible()
    # Publishing leads to "Now spread it", which starts with the meeting's own link.
    public_link = (
        page.get_by_role("region", name="The meeting’s page")
        .get_by_role("link")
        .get_attribute("href")
    )
    event_path = urlsplit(public_link).path
    assert event_path == f"/riverside-solidarity/events/rent-rise-what-we-can-do-{meeting_day}/"

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Organiser log in")).to_be_visible()

    # A visitor who never logged in finds it on the home page and opens it.
    visitor = new_context().new_page()
    visitor.goto("/")
    visitor.get_by_role("link", name="Rent rise: what we can do").click()
    assert urlsplit(visitor.url).path == event_path
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Rent rise: what we can do")
    expect(visitor.get_by_text("An open meeting for every tenant")).to_be_visible()
    expect(visitor.locator(".event-hero")).to_contain_text(expected_when(meeting_day))
    expect(visitor.get_by_text("St Mark's Hall")).to_be_visible()

    # The same pages on a phone, and the organiser's side too: nothing scrolls sideways.
    phone = new_context(phone=True).new_page()
    for path in ("/", "/riverside-solidarity/", event_path, "/organise/login/"):
        assert_fits_phone(phone, path)
    phone.get_by_label("Email address").fill(EMAIL)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    expect(phone.get_by_role("heading", name="Your groups")).to_be_visible()
    organise = "/organise/groups/riverside-solidarity/"
    for path in ("/organise/", organise, f"{organise}settings/", f"{organise}events/new/"):
        assert_fits_phone(phone, path)

    # Someone registers and confirms; the organiser writes to the people confirmed and
    # follows the sending (the worker's two steps run here, in the test's process).
    meeting = Event.objects.get(slug=urlsplit(event_path).path.rstrip("/").split("/")[-1])
    confirmed(meeting, "Rosa Attendee")
    Message.objects.all().delete()
    phone.goto(f"{organise}events/{meeting.slug}/registrations/")
    phone.get_by_role("link", name="Write to the people registered").click()
    phone.get_by_label("People with a confirmed place").check()
    phone.get_by_label("Subject").fill("We moved upstairs")
    phone.get_by_label("Message").fill("Room **2**, first floor.")
    phone.get_by_role("button", name="Send", exact=True).click()
    expect(phone.get_by_text("Preparing 1 email…")).to_be_visible()
    tasks.fan_out_meeting_message.call(message_id=MeetingMessage.objects.get().pk)
    outbox_tasks.deliver.call(message_ids=list(Message.objects.values_list("pk", flat=True)))
    expect(phone.get_by_text("Nothing is waiting to go.")).to_be_visible(timeout=8_000)
    assert list(Message.objects.values_list("to_email", "status")) == [
        ("rosa@example.org", Message.Status.SENT)
    ]


def test_login_works_without_javascript(new_context):
    make_user(email=EMAIL)
    page = new_context(java_script_enabled=False).new_page()

    page.goto("/organise/login/")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Your groups")).to_be_visible()
    assert urlsplit(page.url).path == "/organise/"
