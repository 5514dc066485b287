"""An organiser on a 375 px phone sets up the strictest meeting (unlisted, organisers
approve each place, the address for confirmed attendees only), two people ask for a
place, and the organiser approves one and declines the other (issue 17)."""

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_organiser_registrations import assert_fits_phone, assert_no_serious_violations
from tests.factories import make_group, make_user, make_venue
from tests.mail import outbox
from turnout.rsvp.links import token_for
from turnout.rsvp.models import Registration

SHOTS = Path("/tmp/shots-at-risk")
TITLE = "Families support evening"
STREET = "62 Marchmont St"
AREA = "Central London, near King's Cross"


@pytest.fixture
def group(transactional_db):
    group = make_group(
        owner=make_user(email="olena@example.org", name="Olena Organiser"),
        name="Ukraine Information Group",
        slug="uig",
    )
    make_venue(group=group, name="Marchmont Centre", address_line1=STREET, postcode="WC1N 1AB")
    return group


def own_page(name: str) -> str:
    return f"/rsvp/{token_for(Registration.objects.get(name=name))}/"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def ask_for_a_place(context, path: str, name: str, note: str) -> None:
    visitor = context.new_page()
    visitor.goto(path)
    expect(visitor.get_by_text("The organisers confirm each place.")).to_be_visible()
    expect(visitor.get_by_text(AREA)).to_be_visible()
    expect(visitor.get_by_text(STREET)).to_have_count(0)
    visitor.get_by_label("Your name").fill(name)
    visitor.get_by_label("Your email address").fill(f"{name.split()[0].lower()}@example.net")
    visitor.get_by_label("How do you know the group?").fill(note)
    visitor.get_by_role("button", name="Ask for a place").click()
    expect(visitor.get_by_role("heading", name="Check your inbox")).to_be_visible()
    # They confirm their address from the emailed link: the request reaches the organisers.
    visitor.goto(own_page(name))
    visitor.get_by_role("button", name="Confirm my email").click()
    expect(visitor.get_by_text("Confirm my email")).to_have_count(0)
    visitor.close()


def test_an_organiser_sets_up_a_meeting_for_people_at_risk_on_a_phone(group, new_context, log_in):
    context = new_context(phone=True)
    log_in(context, group.memberships.get().user)
    page = context.new_page()
    day = timezone.localdate() + dt.timedelta(days=10)

    page.goto("/organise/groups/uig/events/new/")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Date:", exact=True).fill(day.isoformat())
    page.get_by_label("Start time").fill("19:00")
    page.get_by_label("End time").fill("21:00")
    page.get_by_label("Venue").select_option(label="Marchmont Centre")
    page.get_by_label("Address for confirmed attendees only").check()
    page.get_by_role("button", name="Save draft").click()
    # Private without an area: the form asks for one, and nothing is saved.
    expect(page.get_by_text("Draft saved.")).to_have_count(0)
    shot(page, "1-form-asks-for-an-area")
    page.get_by_label("Area shown to the public").fill(AREA)
    # Both are in folded parts of the form (issue 20: a shorter form).
    page.locator("summary", has_text="Guests, confirmation, approval").click()
    page.get_by_label("Organisers approve each place").check()
    page.locator("summary", has_text="Language, web address and listing").click()
    page.get_by_label("Unlisted").check()
    assert_fits_phone(page)
    shot(page, "2-form-filled")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("It is unlisted")).to_be_visible()
    path = urlsplit(
        page.get_by_role("region", name="The meeting’s page")
        .get_by_role("link")
        .get_attribute("href")
    ).path
    assert TITLE.lower().split()[0] not in path  # the address says nothing of the title

    visitors = new_context(phone=True)
    public = visitors.new_page()
    public.goto("/uig/")
    expect(public.get_by_text(TITLE)).to_have_count(0)  # unlisted
    public.goto(path)
    assert_fits_phone(public)
    assert_no_serious_violations(public)
    shot(public, "3-public-page")
    ask_for_a_place(visitors, path, "Mariam Haddad", "Met Olena at the language café")
    ask_for_a_place(visitors, path, "Sam Okafor", "")

    page.goto(f"/organise/groups/uig/events/{urlsplit(path).path.split('/')[3]}/")
    page.get_by_role("link", name="Requests to approve (2)").click()
    expect(page.get_by_text("Met Olena at the language café")).to_be_visible()
    assert_fits_phone(page)
    assert_no_serious_violations(page)
    shot(page, "4-requests")
    mariam = page.locator("tr", has_text="Mariam Haddad")
    mariam.get_by_role("button", name="Approve").click()
    sam = page.locator("tr", has_text="Sam Okafor")
    sam.get_by_text("Decline…").click()
    sam.get_by_role("button", name="Yes, decline Sam Okafor").click()
    expect(page.get_by_text("No requests wait for an answer.")).to_be_visible()
    shot(page, "5-answered")

    statuses = dict(Registration.objects.values_list("name", "status"))
    assert statuses == {"Mariam Haddad": "confirmed", "Sam Okafor": "declined"}
    # Mariam's confirmation gives the street; Sam's email gives no reason and no place.
    (to_mariam,) = [e for e in outbox() if e.to == ["mariam@example.net"]][-1:]
    (to_sam,) = [e for e in outbox() if e.to == ["sam@example.net"]][-1:]
    assert STREET in to_mariam.body
    assert STREET not in to_sam.body and AREA not in to_sam.body
    attendee = visitors.new_page()
    attendee.goto(own_page("Mariam Haddad"))
    expect(attendee.get_by_text(STREET)).to_be_visible()
    shot(attendee, "6-approved-attendee")
