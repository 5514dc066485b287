"""Two-factor in a real browser: an owner requires it for the group; an organiser
without it is sent to set it up, enrols with codes computed from the key the page
shows, logs out and back in with a code, and a recovery code works once."""

import os
from base64 import b32decode
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.e2e.test_accessibility import describe, serious_violations
from tests.factories import PASSWORD, make_group, make_user
from tests.groups.twofactor_helpers import code_for, enrol
from turnout.groups.models import Membership

CO = "co@example.org"
# Screenshots of the pages at 375 px, for people to look at (not compared).
SHOTS = Path(os.environ.get("TURNOUT_SHOTS_DIR", "/work/notes/shots"))


def fits_phone(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"{page.url} is {width}px wide at 375px: it scrolls sideways"


def shot(page, name: str) -> None:
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / name), full_page=True)


def log_in_with_password(page) -> None:
    page.goto("/organise/login/")
    page.get_by_label("Email address").fill(CO)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your code")).to_be_visible()


def enter_code(page, code: str) -> None:
    page.get_by_label("Code:", exact=True).fill(code)
    page.get_by_role("button", name="Log in").click()


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Organiser log in")).to_be_visible()


def test_required_two_factor_from_set_up_to_a_recovery_code(new_context, log_in):
    owner = make_user(email="owner@example.org", name="Olena Owner")
    enrol(owner)
    group = make_group(owner=owner, name="Riverside Solidarity", slug="riverside")
    Membership.objects.create(group=group, user=make_user(email=CO, name="Co Organiser"))
    group_page = f"/organise/groups/{group.slug}/"

    # The owner requires two-factor for the group's organisers.
    owners = new_context().new_page()
    log_in(owners.context, owner)
    owners.goto(f"{group_page}edit/")
    owners.get_by_label("Organisers must use two-factor authentication").check()
    owners.get_by_role("button", name="Save group").click()
    expect(owners.get_by_text("Group saved.")).to_be_visible()

    # An organiser without it logs in with the password alone and opens the group: they
    # are sent to set it up.
    page = new_context(phone=True).new_page()
    page.goto("/organise/login/")
    page.get_by_label("Email address").fill(CO)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your groups")).to_be_visible()
    page.goto(group_page)
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(
        page.get_by_text("Riverside Solidarity asks its organisers to use two-factor")
    ).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    fits_phone(page)
    shot(page, "twofa-setup-375.png")
    violations = serious_violations(page)
    assert not violations, describe(violations)

    # Enrol: the app's code, computed from the key the page shows.
    text = page.locator("#two-factor-key").inner_text().replace(" ", "")
    key = b32decode(text + "=" * (-len(text) % 8)).hex()
    page.get_by_label("The 6-digit code your app shows now").fill(code_for(key))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    recovery = page.locator(".recovery-codes code").all_inner_texts()
    assert len(recovery) == 10
    fits_phone(page)
    shot(page, "twofa-recovery-codes-375.png")
    page.get_by_role("link", name="I have kept them, continue").click()
    assert urlsplit(page.url).path == group_page
    page.goto("/organise/account/two-factor/")
    expect(page.get_by_text("You have 10 unused recovery codes.")).to_be_visible()
    fits_phone(page)
    shot(page, "twofa-account-375.png")
    page.go_back()
    assert urlsplit(page.url).path == group_page
    expect(page.get_by_role("heading", name="Riverside Solidarity")).to_be_visible()

    # Log out, and in again: the password, then a code.
    log_out(page)
    log_in_with_password(page)
    fits_phone(page)
    shot(page, "twofa-login-code-375.png")
    violations = serious_violations(page)
    assert not violations, describe(violations)
    enter_code(page, code_for(key, steps=1))  # the set-up's code is spent
    expect(page.get_by_role("heading", name="Your groups")).to_be_visible()
    page.goto(group_page)
    expect(page.get_by_role("heading", name="Riverside Solidarity")).to_be_visible()

    # A recovery code works once.
    log_out(page)
    log_in_with_password(page)
    enter_code(page, recovery[0])
    expect(page.get_by_text("You used a recovery code: it will not work again.")).to_be_visible()
    log_out(page)
    log_in_with_password(page)
    enter_code(page, recovery[0])
    expect(
        page.get_by_text("That recovery code is not one of yours, or it has been used")
    ).to_be_visible()
    assert urlsplit(page.url).path == "/organise/login/code/"
    page.goto(group_page)
    assert urlsplit(page.url).path == "/organise/login/"
