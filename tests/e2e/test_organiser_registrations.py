"""An organiser on a 375 px phone: the registrations list, the CSV download, and the
door (find a name, check in, undo, add a walk-in); and the door without JavaScript."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import describe, serious_violations
from tests.factories import make_event, make_group, make_user, make_venue
from turnout.events.models import Event
from turnout.rsvp import services as rsvp

SHOTS = Path("/tmp/shots-door")
PEOPLE = ["Rosa Luxemburg", "Mykola Petrenko", "Amira Haddad"]


@pytest.fixture
def meeting(transactional_db) -> Event:
    group = make_group(
        owner=make_user(email="olena@example.org", name="Olena Organiser"),
        name="Ukraine Information Group",
        slug="uig",
    )
    event = make_event(
        group=group,
        venue=make_venue(group=group, name="Community Centre"),
        title="What internationalism means",
        capacity=60,
        max_guests=2,
    )
    for n, name in enumerate(PEOPLE):
        email = f"{name.split()[0].lower()}@example.org"
        registration, _ = rsvp.register(event=event, name=name, email=email, guests=n % 2)
        rsvp.confirm(registration=registration)
    return event


def organiser(event: Event):
    return event.group.memberships.get().user


def assert_fits_phone(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"{page.url} is {width}px wide at 375px: it scrolls sideways"


def assert_no_serious_violations(page) -> None:
    violations = serious_violations(page)
    assert violations == [], f"axe on {page.url}:\n{describe(violations)}"


def screenshot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def door_count(page, checked_in: int, expected: int):
    expect(page.locator(".door-count p").first).to_have_text(
        re.compile(rf"^\s*Here: {checked_in} of {expected} expected\s*$")
    )


def test_organiser_lists_downloads_and_checks_people_in_on_a_phone(meeting, new_context, log_in):
    context = new_context(phone=True, accept_downloads=True)
    log_in(context, organiser(meeting))
    page = context.new_page()
    registrations = f"/organise/groups/uig/events/{meeting.slug}/registrations/"

    # The list: everyone, and the counts in the filters.
    assert page.goto(registrations).status == 200
    expect(page.get_by_role("heading", name="Registrations", level=1)).to_be_visible()
    for name in PEOPLE:
        expect(page.get_by_role("cell", name=name)).to_be_visible()
    filters = page.get_by_role("navigation", name="Show")
    expect(filters.get_by_role("link", name="All (3)")).to_be_visible()
    expect(filters.get_by_role("link", name="Confirmed (3)")).to_be_visible()
    expect(page.get_by_label("Search by name or email")).to_be_visible()
    assert_fits_phone(page)

    # The CSV download: every name in it, and the export recorded on the page.
    with page.expect_download() as info:
        page.get_by_role("button", name="Download as CSV").click()
    download = info.value
    assert download.suggested_filename == f"uig-{meeting.slug}-registrations.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(row["name"] for row in rows) == sorted(PEOPLE)
    assert {row["status"] for row in rows} == {"confirmed"}
    page.reload()
    export_list = page.get_by_role("region", name="Download the list").get_by_role("listitem")
    expect(export_list).to_have_count(1)
    expect(export_list).to_contain_text("Olena Organiser")
    assert_fits_phone(page)
    screenshot(page, "registrations-375")
    assert_no_serious_violations(page)

    # The door: find by part of a name, check in, undo.
    page.get_by_role("link", name="Door check-in").click()
    expect(page.get_by_role("heading", name="Door", level=1)).to_be_visible()
    door_count(page, 0, 3)
    assert_fits_phone(page)
    page.get_by_label("Find by name").fill("petr")
    page.get_by_role("button", name="Find", exact=True).click()
    expect(page.locator(".door-list li")).to_have_count(1)
    page.get_by_role("button", name="Check in Mykola Petrenko").click()
    expect(page.get_by_text("Mykola Petrenko is checked in.")).to_be_visible()
    door_count(page, 1, 3)
    page.get_by_role("button", name="Undo Mykola Petrenko").click()
    expect(page.get_by_text("Mykola Petrenko is no longer checked in.")).to_be_visible()
    door_count(page, 0, 3)
    expect(page.get_by_role("button", name="Check in Mykola Petrenko")).to_be_visible()

    # A walk-in, in two taps.
    page.get_by_label("Walk-in: their name").fill("Sofia Kovalenko")
    page.get_by_role("button", name="Add and check in").click()
    expect(page.get_by_text("Sofia Kovalenko is added and checked in.")).to_be_visible()
    door_count(page, 1, 4)
    expect(page.get_by_role("button", name="Undo Sofia Kovalenko")).to_be_visible()
    assert_fits_phone(page)
    screenshot(page, "door-375")
    assert_no_serious_violations(page)

    walk_in = meeting.registrations.get(name="Sofia Kovalenko")
    assert (walk_in.source, walk_in.status) == ("walk_in", "confirmed")
    assert walk_in.attended_at is not None


def test_door_check_in_works_without_javascript(meeting, new_context, log_in):
    context = new_context(phone=True, java_script_enabled=False)
    log_in(context, organiser(meeting))
    page = context.new_page()

    page.goto(f"/organise/groups/uig/events/{meeting.slug}/door/")
    door_count(page, 0, 3)
    page.get_by_label("Find by name").fill("rosa")
    page.get_by_role("button", name="Find", exact=True).click()
    page.get_by_role("button", name="Check in Rosa Luxemburg").click()

    expect(page.get_by_text("Rosa Luxemburg is checked in.")).to_be_visible()
    door_count(page, 1, 3)
    assert meeting.registrations.get(name="Rosa Luxemburg").attended_at is not None
