"""The organisers' page of fediverse follows waiting for approval, on a 375 px phone in
English and Arabic, without JavaScript: no sideways scroll, nothing serious for axe, and
approving works with the plain form. Screenshots go to ``TURNOUT_SCREENSHOTS``."""

import os
from pathlib import Path

import pytest
from django.utils import timezone

from tests.e2e.test_accessibility import describe, serious_violations
from tests.factories import make_group, make_user
from turnout.federation.models import Follower

SHOTS = Path(os.environ.get("TURNOUT_SCREENSHOTS", "/tmp/turnout-shots"))


@pytest.fixture
def waiting_group(transactional_db):
    user = make_user(email="olena@example.org")
    group = make_group(owner=user, name="Ukraine Information Group", slug="uig")
    group.manually_approves_followers = True
    group.save()
    for name in ("ana", "a-rather-long-account-name-on-a-small-server"):
        Follower.objects.create(
            group=group,
            actor_id=f"https://social.example/users/{name}",
            inbox=f"https://social.example/users/{name}/inbox",
            follow_id=f"https://social.example/follows/{name}",
        )
    Follower.objects.create(
        group=group,
        actor_id="https://other.example/users/bo",
        inbox="https://other.example/users/bo/inbox",
        accepted_at=timezone.now(),
    )
    return user, group


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_page_on_a_phone_without_javascript(new_context, log_in, waiting_group, language):
    user, group = waiting_group
    context = new_context(phone=True, java_script_enabled=False)
    log_in(context, user)
    page = context.new_page()
    page.set_extra_http_headers({"Accept-Language": language})
    page.goto(f"/organise/groups/{group.slug}/fediverse/")

    assert page.evaluate("document.documentElement.dir") == ("rtl" if language == "ar" else "ltr")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= 375, f"{scroll}px wide"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"inbox-fediverse-followers-{language}-375.png", full_page=True)

    page.locator("form[action$='/approve/'] button").first.click()
    assert Follower.objects.filter(accepted_at__isnull=True).count() == 1


def test_nothing_serious_for_axe(new_context, log_in, waiting_group):
    user, group = waiting_group
    context = new_context(phone=True)
    log_in(context, user)
    page = context.new_page()
    page.goto(f"/organise/groups/{group.slug}/fediverse/")

    violations = serious_violations(page)
    assert violations == [], describe(violations)
