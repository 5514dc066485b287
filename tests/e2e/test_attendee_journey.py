"""An attendee's journey on a 375 px phone: RSVP, confirm from the email, add to a
calendar, bring fewer guests then more (and not once it is full), cancel; and the same
without JavaScript.

The emails are delivered for real: a ``turnout worker`` process (tests/processes.py)
takes them from the outbox and sends them over SMTP to an aiosmtpd server on
loopback (tests/smtp.py), and the test follows the link in the message that server
received. The live server's writes are committed (``transactional_db``), so the
worker, a separate process, reads them from the same PostgreSQL database.
"""

import re
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect

from tests.factories import make_event, make_group, make_user, make_venue
from tests.mail import outbox
from tests.processes import wait_for
from turnout.events.models import Event
from turnout.rsvp.models import Registration

EMAIL = "rosa@example.org"
TITLE = "What internationalism means"
GROUP = "Ukraine Information Group"
LINK = re.compile(r"https?://\S+?(/rsvp/[\w-]+/)")


@pytest.fixture
def meeting(transactional_db) -> Event:
    group = make_group(
        owner=make_user(email="olena@example.org"),
        name=GROUP,
        slug="uig",
        contact_email="uig@example.org",
    )
    return make_event(
        group=group,
        venue=make_venue(group=group, name="Community Centre"),
        title=TITLE,
        tagline="Unite the struggles of Palestine, Ukraine and beyond",
        capacity=60,
        max_guests=2,
    )


def seats_taken(event: Event) -> int:
    return Event.objects.values_list("seats_taken", flat=True).get(pk=event.pk)


def assert_fits_phone(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"{page.url} is {width}px wide at 375px: it scrolls sideways"


def focus_outlines(page, first_field: str, last_button: str) -> list[dict]:
    """Tab from ``first_field`` to the ``last_button`` button: each control's focus outline."""
    page.get_by_label(first_field).focus()
    seen = []
    for _ in range(12):
        focused = page.evaluate(
            """() => {
                const el = document.activeElement, style = getComputedStyle(el);
                return {name: el.name || el.textContent.trim(), tag: el.tagName.toLowerCase(),
                        outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
            }"""
        )
        seen.append(focused)
        if focused["tag"] == "button" and focused["name"] == last_button:
            return seen
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached the {last_button!r} button: {seen}")


def path_of_link(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return LINK.search(text).group(1)


def calendar_event(data: bytes) -> icalendar.Event:
    [entry] = icalendar.Calendar.from_ical(data).walk("VEVENT")
    return entry


def test_attendee_registers_confirms_changes_and_cancels_on_a_phone(
    new_context, meeting, workers, smtp
):
    workers()
    page = new_context(phone=True).new_page()
    event_path = f"/uig/events/{meeting.slug}/"

    # The event page with its form fits the phone, and every control shows its focus.
    page.goto(event_path)
    assert_fits_phone(page)
    seen = focus_outlines(page, "Your name", "Register")
    assert [s["name"] for s in seen] == [
        "name",
        "email",
        "guests",
        "access_needs",
        "access_consent",
        "keep_posted",
        "Register",
    ]
    invisible = [s for s in seen if s["outline"] == "none" or s["width"] < 2]
    assert invisible == [], f"focused without a visible outline: {invisible}"

    # RSVP for two: the seats are held until the email is confirmed.
    page.get_by_label("Your name").fill("Rosa Attendee")
    page.get_by_label("Your email address").fill(EMAIL)
    page.get_by_label("Guests you are bringing").fill("1")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    expect(page.get_by_text(f"We have emailed {EMAIL} a link")).to_be_visible()
    assert seats_taken(meeting) == 2

    # The worker delivers the confirmation email; its link opens the attendee's page.
    wait_for(lambda: smtp.to(EMAIL), timeout=15)
    [confirm_email] = smtp.to(EMAIL)
    assert confirm_email["Subject"] == f"Confirm your place at a meeting organised by {GROUP}"
    page.goto(path_of_link(confirm_email))
    expect(page.get_by_role("heading", name="Confirm your place")).to_be_visible()
    assert_fits_phone(page)
    page.get_by_role("button", name="Confirm my place").click()
    expect(page.get_by_role("heading", name="Your place is confirmed")).to_be_visible()
    expect(page.get_by_text("2 seats, for you and your guests.")).to_be_visible()
    assert_fits_phone(page)

    # The confirmed email carries the meeting as a calendar file.
    wait_for(lambda: len(smtp.to(EMAIL)) == 2, timeout=15)
    confirmed_email = smtp.to(EMAIL)[1]
    assert confirmed_email["Subject"] == f"Your place at {TITLE} is confirmed"
    attachment, code = list(confirmed_email.iter_attachments())
    assert code.get_content_type() == "image/png"  # the check-in QR code, inline
    assert attachment.get_filename() == "event.ics"
    assert attachment.get_content_type() == "text/calendar"
    attached = calendar_event(attachment.get_content().encode())
    assert str(attached["SUMMARY"]) == TITLE
    assert attached.decoded("DTSTART") == meeting.local_start
    assert attached["DTSTART"].params["TZID"] == "Europe/London"

    # "Add to calendar", for Apple and others, downloads the same meeting.
    with page.expect_download() as download:
        page.get_by_role("link", name="Apple and others (.ics)").click()
    downloaded = calendar_event(Path(download.value.path()).read_bytes())
    assert str(downloaded["SUMMARY"]) == TITLE
    assert downloaded.decoded("DTSTART") == meeting.local_start

    # Coming alone after all: the guest's seat is freed.
    page.get_by_label("Guests you are bringing").fill("0")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()
    expect(page.get_by_text("One seat, for you.")).to_be_visible()
    assert seats_taken(meeting) == 1

    # Then a friend wants to come: the party grows while seats are free, without
    # cancelling (which would lose the place).
    page.get_by_label("Guests you are bringing").fill("1")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()
    expect(page.get_by_text("2 seats, for you and your guests.")).to_be_visible()
    assert seats_taken(meeting) == 2

    # The meeting fills up: the page says so, and asking for one more guest is refused
    # with a reason and changes nothing (the place is kept).
    Event.objects.filter(pk=meeting.pk).update(capacity=2)
    page.reload()
    expect(page.get_by_text("you can bring fewer guests, not more.")).to_be_visible()
    page.get_by_label("Guests you are bringing").fill("2")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("there is no free seat for another guest.")).to_be_visible()
    expect(page.get_by_text("2 seats, for you and your guests.")).to_be_visible()
    assert seats_taken(meeting) == 2

    # Cannot come: a second step (a mis-tap gives nothing away), then the last seat is freed.
    page.get_by_text("Cancel my place…").click()
    page.get_by_role("button", name="Yes, cancel my place").click()
    expect(page.get_by_role("heading", name="This registration is cancelled")).to_be_visible()
    expect(page.get_by_text("You cancelled your place.")).to_be_visible()
    assert seats_taken(meeting) == 0
    assert Registration.objects.get().status == Registration.Status.CANCELLED


def test_attendee_registers_and_confirms_without_javascript(new_context, meeting):
    """Without JavaScript. The link is read from the outbox row (the test above proves
    the delivery)."""
    page = new_context(phone=True, java_script_enabled=False).new_page()

    page.goto(f"/uig/events/{meeting.slug}/")
    page.get_by_label("Your name").fill("Rosa Attendee")
    page.get_by_label("Your email address").fill(EMAIL)
    page.get_by_label("Guests you are bringing").fill("1")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    [confirm_email] = outbox()
    page.goto(LINK.search(confirm_email.body).group(1))
    page.get_by_role("button", name="Confirm my place").click()

    expect(page.get_by_role("heading", name="Your place is confirmed")).to_be_visible()
    expect(page.get_by_text("2 seats, for you and your guests.")).to_be_visible()
    assert seats_taken(meeting) == 2
