"""The demo in English, Ukrainian and Arabic, on a 375 px phone and a 1280 px screen
(issue 18): the home page, a group page, the demo meeting (statement, quote, table), the
RSVP journey to the attendee's own page, and the organiser's meeting form and door.

On each: the right ``lang`` and ``dir``, no sideways scroll, nothing serious for axe,
and, in Ukrainian and Arabic, none of the interface's English sentences. Screenshots go
to ``TURNOUT_SCREENSHOTS`` or a folder under /tmp.
"""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.test_accessibility import describe, serious_violations
from turnout.cli import DEMO_LOGIN
from turnout.demo import load_demo
from turnout.events.models import Event
from turnout.groups.models import User
from turnout.rsvp.links import token_for
from turnout.rsvp.models import Registration

SHOTS = Path(os.environ.get("TURNOUT_SCREENSHOTS", "/tmp/turnout-shots"))
EMAIL, PASSWORD = DEMO_LOGIN
DIRECTION = {"en": "ltr", "uk": "ltr", "ar": "rtl"}
# Sentences of the interface (never typed by the demo's organisers): on a Ukrainian or an
# Arabic page, any of them is a string left in English.
SENTINELS = [
    "Your name", "Your email address", "seats left", "Organised by", "Upcoming meetings",
    "Log out", "Organiser log in", "Check your inbox", "Your registration", "Save changes",
    "Find by name", "Add to my calendar", "Cancel my place", "Description", "Start time",
]  # fmt: skip


@pytest.fixture
def demo_meeting(transactional_db) -> Event:
    assert load_demo(organiser_email=EMAIL, organiser_password=PASSWORD) is True
    return (
        Event.objects.select_related("group")
        .filter(group__slug="ukraine-information-group", language="en", blocks__isnull=False)
        .distinct()
        .get()
    )


def check(page, language: str, width: int, name: str) -> None:
    assert page.evaluate("document.documentElement.lang") == language, name
    assert page.evaluate("document.documentElement.dir") == DIRECTION[language], name
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name} in {language} is {scroll}px wide at {width}px"
    violations = serious_violations(page)
    assert violations == [], f"axe on {name} in {language}:\n{describe(violations)}"
    if language != "en":
        text = page.evaluate("document.body.innerText")
        assert [s for s in SENTINELS if s in text] == [], f"{name} in {language}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}-{language}-{width}.png", full_page=True)


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("language", ["en", "uk", "ar"])
def test_the_demo_in_each_language(demo_meeting, new_context, log_in, language, width):
    options = {"locale": language, "extra_http_headers": {"Accept-Language": language}}
    if width == 375:
        visitor = new_context(phone=True, **options).new_page()
    else:
        visitor = new_context(**options).new_page()
    group, slug = demo_meeting.group.slug, demo_meeting.slug
    meeting = reverse("public:event", kwargs={"group": group, "event": slug})

    for name, url in (("home", "/"), ("group", f"/{group}/"), ("meeting", meeting)):
        assert visitor.goto(url).status == 200, name
        check(visitor, language, width, name)

    # The RSVP journey, by the form's fields (their labels are in the page's language).
    visitor.goto(meeting)
    email = f"rosa-{language}-{width}@example.org"
    visitor.locator("#rsvp input[name=name]").fill("Rosa Attendee")
    visitor.locator("#rsvp input[name=email]").fill(email)
    visitor.locator("#rsvp button[type=submit]").click()
    expect(visitor.locator("h1")).to_be_visible()
    check(visitor, language, width, "rsvp")
    registration = Registration.objects.get(email=email)
    assert registration.language == language  # its emails will be in the page's language
    visitor.goto(reverse("rsvp:registration", kwargs={"token": token_for(registration)}))
    check(visitor, language, width, "attendee")

    organiser = new_context(phone=width == 375, **options)
    log_in(organiser, User.objects.get(email=EMAIL))
    page = organiser.new_page()
    for name, view in (("meeting-form", "organise:event_edit"), ("door", "organise:door")):
        assert page.goto(reverse(view, kwargs={"group": group, "event": slug})).status == 200
        check(page, language, width, name)
