"""Arabic on a 375 px phone: every main page is right to left, none scrolls sideways, and
text typed in English keeps its own direction inside the Arabic page.

The demo's meeting has a statement, a quote and a comparison table, all typed in
English; an attendee's page and the organiser's meeting form and door show the same
words. Screenshots go to ``TURNOUT_SCREENSHOTS`` or a folder under /tmp.
"""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from turnout.cli import DEMO_LOGIN
from turnout.demo import load_demo
from turnout.events.models import Event
from turnout.groups.models import User
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import token_for

SHOTS = Path(os.environ.get("TURNOUT_SCREENSHOTS", "/tmp/turnout-shots"))
EMAIL, PASSWORD = DEMO_LOGIN
TITLE = "What internationalism means"
# What decides an element's direction: the nearest dir attribute, or a <bdi> (isolated).
SETS_DIRECTION = """e => {
  const by = e.closest('[dir], bdi');
  return by.tagName === 'BDI' ? 'auto' : by.getAttribute('dir');
}"""


@pytest.fixture
def demo_meeting(transactional_db) -> Event:
    assert load_demo(organiser_email=EMAIL, organiser_password=PASSWORD) is True
    return Event.objects.select_related("group").get(
        group__slug="ukraine-information-group", language="en"
    )


def pages_of(event: Event) -> dict[str, str]:
    group, slug = event.group.slug, event.slug
    registration, _ = rsvp.register(event=event, name="Rosa Attendee", email="rosa@example.org")
    return {
        "home": reverse("public:home"),
        "group": reverse("public:group", kwargs={"group": group}),
        "meeting": reverse("public:event", kwargs={"group": group, "event": slug}),
        "attendee": reverse("rsvp:registration", kwargs={"token": token_for(registration)}),
        "meeting form": reverse("organise:event_edit", kwargs={"group": group, "event": slug}),
        "door": reverse("organise:door", kwargs={"group": group, "event": slug}),
    }


def test_arabic_pages_fit_a_phone_and_keep_english_titles_left_to_right(
    demo_meeting, new_context, log_in
):
    context = new_context(phone=True, locale="ar", extra_http_headers={"Accept-Language": "ar"})
    log_in(context, User.objects.get(email=EMAIL))
    page = context.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)

    for name, url in pages_of(demo_meeting).items():
        assert page.goto(url).status == 200, name
        page.screenshot(path=SHOTS / f"rtl-ar-375-{name.replace(' ', '-')}.png", full_page=True)

        assert page.evaluate("document.documentElement.dir") == "rtl", name
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{name} ({url}) is {width}px wide at 375px: it scrolls sideways"
        title = page.get_by_text(TITLE, exact=True).first
        assert title.evaluate(SETS_DIRECTION) == "auto", f"{name}: the title's direction"
        assert title.evaluate("e => getComputedStyle(e).direction") == "ltr", name
