"""axe-core finds nothing serious on the main pages, and keyboard focus is visible."""

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import make_event, make_group, make_user, make_venue
from turnout.events import services as events
from turnout.groups import services as groups
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import token_for

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


@pytest.fixture
def meeting(db):
    organiser = make_user(email="olena@example.org")
    group = make_group(
        owner=organiser,
        name="Ukraine Information Group",
        slug="uig",
        about="Volunteers in London sharing news from Ukraine.\n\n> Everyone is welcome.",
    )
    venue = make_venue(group=group, accessibility="Step-free entrance from the car park.")
    event = make_event(
        group=group,
        venue=venue,
        title="What internationalism means",
        tagline="Unite the struggles of Palestine, Ukraine and beyond",
        description="We ask what solidarity without double standards looks like.",
        capacity=60,
        max_guests=2,
    )
    make_event(group=group, venue=venue, title="Open meeting", days_ahead=-14)
    return event


def serious_violations(page) -> list[dict]:
    assert AXE.exists(), f"{AXE} is missing: run `npm ci`"
    # Through the DevTools protocol: a <script> tag would be inline script, which the
    # pages' Content-Security-Policy blocks.
    page.evaluate(AXE.read_text())
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['failureSummary']}")
    return "\n".join(lines)


PAGES = {
    "home": lambda event: "/",
    "home-filtered": lambda event: "/?q=meet&city=Nowhere&from=2026-12-31&to=2026-01-01",
    "groups": lambda event: "/groups/",
    "past": lambda event: "/past/",
    "group": lambda event: f"/{event.group.slug}/",
    "event": lambda event: f"/{event.group.slug}/events/{event.slug}/",
    "event-form": lambda event: f"/organise/groups/{event.group.slug}/events/new/",
    "people": lambda event: f"/organise/groups/{event.group.slug}/people/",
}


@pytest.mark.parametrize("phone", [False, True], ids=["1280", "375"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_accessibility_violations(name, phone, meeting, new_context, log_in):
    context = new_context(phone=phone)
    if name in ("event-form", "people"):
        owner = meeting.group.memberships.get().user
        log_in(context, owner)
    if name == "people":  # someone to act on, and an open invitation
        meeting.group.memberships.create(user=make_user(email="taras@example.org"))
        groups.invite_organiser(group=meeting.group, email="m@example.org", invited_by=owner)
    page = context.new_page()
    path = PAGES[name](meeting)

    response = page.goto(path)

    assert response.status == 200
    violations = serious_violations(page)
    assert violations == [], f"axe on {path}:\n{describe(violations)}"


@pytest.mark.parametrize("phone", [False, True], ids=["1280", "375"])
def test_rsvp_pages_have_no_serious_accessibility_violations(phone, meeting, new_context):
    """The RSVP form showing its errors, then the attendee's page, held and confirmed."""
    page = new_context(phone=phone).new_page()
    found = []

    def check(what: str) -> None:
        violations = serious_violations(page)
        if violations:
            found.append(f"{what}:\n{describe(violations)}")

    page.goto(f"/{meeting.group.slug}/events/{meeting.slug}/")
    page.get_by_label("Your email address").fill("rosa@")
    page.get_by_label("Guests you are bringing").fill("5")
    page.get_by_role("button", name="Register").click()
    expect(page.locator(".field.has-error")).to_have_count(3)  # name, email, guests
    check("the RSVP form with errors")

    registration, _ = rsvp.register(
        event=meeting, name="Rosa Attendee", email="rosa@example.org", guests=1
    )
    assert page.goto(f"/rsvp/{token_for(registration)}/").status == 200
    check("the attendee's page, held")

    page.get_by_role("button", name="Confirm my place").click()
    expect(page.get_by_role("heading", name="Your place is confirmed")).to_be_visible()
    check("the attendee's page, confirmed")

    page.get_by_text("Erase my details…").click()
    page.get_by_role("button", name="Yes, erase my details").click()
    expect(page.get_by_role("heading", name="Your details have been erased")).to_be_visible()
    check("the page after erasing")

    assert found == []


@pytest.mark.parametrize("phone", [False, True], ids=["1280", "375"])
def test_change_notice_page_has_no_serious_accessibility_violations(
    phone, meeting, new_context, log_in
):
    rsvp.register(event=meeting, name="Rosa Attendee", email="rosa@example.org")
    organiser = meeting.group.memberships.get().user
    events.update_event(event=meeting, start_time=dt.time(19, 30), by=organiser)
    context = new_context(phone=phone)
    log_in(context, organiser)
    page = context.new_page()
    path = f"/organise/groups/{meeting.group.slug}/events/{meeting.slug}/notice/"

    assert page.goto(path).status == 200

    expect(page.get_by_role("button", name="Email everyone registered")).to_be_visible()
    violations = serious_violations(page)
    assert violations == [], f"axe on {path}:\n{describe(violations)}"


def test_keyboard_focus_is_visible_on_links_fields_and_buttons(page, meeting):
    page.goto("/organise/login/")  # focus starts in the email field (autofocus)
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement, style = getComputedStyle(el);
                return {tag: el.tagName.toLowerCase(), name: el.textContent.trim() || el.name,
                        outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
            }"""
        )
        if focused["tag"] != "body":  # Tab passes through the browser's own UI once
            seen.append(focused)

    assert {"a", "input", "button"} <= {s["tag"] for s in seen}, seen
    invisible = [s for s in seen if s["outline"] == "none" or s["width"] < 2]
    assert invisible == [], f"focused without a visible outline: {invisible}"
