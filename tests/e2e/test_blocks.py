"""Statements, quotes and tables on a meeting's page and the organiser's blocks page, in
chromium at 1280 and 375 px: no serious accessibility problem, nothing scrolls sideways
on a phone, and the organiser's forms work without JavaScript.

Screenshots go to ``TURNOUT_SCREENSHOTS`` (docs/screenshots/ when refreshing the
documentation's), or a folder under /tmp.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.comparisons.helpers import citation, make_table
from tests.e2e.test_accessibility import describe, serious_violations
from tests.factories import make_event, make_group, make_user, make_venue
from turnout.events.models import Event
from turnout.flyers import services as flyers

SHOTS = Path(os.environ.get("TURNOUT_SCREENSHOTS", "/tmp/turnout-shots"))
WIDTHS = pytest.mark.parametrize("phone", [False, True], ids=["1280", "375"])


@pytest.fixture
def meeting(transactional_db) -> Event:
    group = make_group(
        owner=make_user(email="olena@example.org", name="Olena Organiser"),
        name="Ukraine Information Group",
        slug="uig",
    )
    event = make_event(
        group=group,
        venue=make_venue(group=group),
        title="What internationalism means",
        tagline="Unite the struggles of Palestine, Ukraine and beyond",
        description="An open meeting: talks, then questions from the floor.",
    )
    flyers.add_statement(
        event=event,
        title="Solidarity without double standards",
        body=(
            "We stand with people resisting occupation **wherever** it happens.\n\n"
            "- in Ukraine\n- in Palestine\n- in Sudan\n\n"
            "Read [our principles](https://example.org/principles)."
        ),
        dated="2024-03-01",
    )
    table = make_table(
        group=group,
        criteria=["Civilians killed", "Homes destroyed", "International response"],
        cases=["Ukraine", "Gaza", "Sudan"],
        texts={
            ("Civilians killed", "Ukraine"): "Over 10,000 (UN, 2024)",
            ("Civilians killed", "Gaza"): "Over 30,000 (health ministry, 2024)",
            ("Homes destroyed", "Gaza"): "About 60% of buildings damaged",
            ("International response", "Ukraine"): "Sanctions and arms deliveries",
        },
        cited={
            ("Civilians killed", "Ukraine"): [citation(title="UN monitoring mission report")],
            ("Civilians killed", "Gaza"): [citation(title="Casualty figures")],
        },
        title="Three wars, one standard",
        slug="three-wars",
    )
    flyers.attach(event=event, content=table)
    flyers.add_quote(
        event=event,
        text="Internationalism means the same rights for every people.",
        speaker="Oksana Petrenko",
        role="trade union organiser, Kharkiv",
        said_on="2024-02-24",
        source_title="Kyiv Independent",
        source_url="https://kyivindependent.example.org/article",
    )
    flyers.add_quote(event=event, text="التضامن لا يعرف الحدود", speaker="أمل حداد", said_on="")
    return event


def organiser(event: Event):
    return event.group.memberships.get().user


def check(page, shot: str | None = None, *, phone: bool, axe: bool = True) -> None:
    if axe:  # needs JavaScript in the page
        violations = serious_violations(page)
        assert violations == [], f"axe on {page.url}:\n{describe(violations)}"
    if phone:
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375, f"{page.url} is {width}px wide at 375px: it scrolls sideways"
    if shot:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)


@WIDTHS
def test_event_page_shows_statement_table_and_quotes(meeting, new_context, phone):
    page = new_context(phone=phone).new_page()

    assert page.goto(f"/uig/events/{meeting.slug}/").status == 200

    expect(page.get_by_role("heading", name="Solidarity without double standards")).to_be_visible()
    expect(page.get_by_role("link", name="Three wars, one standard")).to_be_visible()
    expect(page.get_by_text("Oksana Petrenko")).to_be_visible()
    expect(page.locator("blockquote").nth(1)).to_have_css("direction", "rtl")
    if phone:  # one case at a time
        expect(page.get_by_role("heading", name="Gaza", exact=True)).to_be_visible()
    else:
        expect(page.get_by_role("columnheader", name="Gaza")).to_be_visible()
    # Sudan has no cell filled in: named under the table, not given a column of its own.
    expect(page.get_by_text("Not yet assessed: Sudan.")).to_be_visible()
    check(page, f"event-blocks-{375 if phone else 1280}", phone=phone)


@WIDTHS
def test_organiser_orders_the_blocks(meeting, new_context, log_in, phone):
    context = new_context(phone=phone)
    log_in(context, organiser(meeting))
    page = context.new_page()
    page.goto(f"/organise/groups/uig/events/{meeting.slug}/")
    page.get_by_role("link", name="Statements, quotes and flyer").click()
    check(page, "organise-blocks-375" if phone else None, phone=phone)

    page.get_by_role("button", name="Move down").first.click()

    expect(page.locator(".block-summary").first).to_contain_text("Three wars, one standard")
    page.get_by_role("button", name="Remove from this meeting").last.click()
    expect(page.locator(".block-summary")).to_have_count(3)
    expect(page.get_by_text("Removed from this meeting.")).to_be_visible()


def test_organiser_adds_a_quote_without_javascript_on_a_phone(meeting, new_context, log_in):
    context = new_context(phone=True, java_script_enabled=False)
    log_in(context, organiser(meeting))
    page = context.new_page()
    page.goto(f"/organise/groups/uig/events/{meeting.slug}/blocks/")

    page.get_by_role("link", name="New quote").click()
    page.get_by_label("Quotation").fill("Nobody is free until everybody is free.")
    page.get_by_role("button", name="Save and add to this meeting").click()
    expect(page.get_by_text("Say who said it: a quote needs a speaker.")).to_be_visible()
    check(page, phone=True, axe=False)

    page.get_by_label("Who said it").fill("Fannie Lou Hamer")
    page.get_by_label("Date said").fill("1971-07-10")
    page.get_by_role("button", name="Save and add to this meeting").click()

    expect(page.get_by_text("Quote added to this meeting.")).to_be_visible()
    expect(page.locator(".block-summary").last).to_contain_text("Fannie Lou Hamer")


@WIDTHS
def test_comparison_grid_page(meeting, new_context, log_in, phone):
    context = new_context(phone=phone)
    log_in(context, organiser(meeting))
    page = context.new_page()

    assert page.goto("/organise/groups/uig/comparisons/three-wars/").status == 200

    check(page, f"comparison-grid-{375 if phone else 1280}", phone=phone)
