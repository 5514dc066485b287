"""Text people typed keeps its own direction inside a right-to-left page.

In an Arabic page (``<html dir="rtl">``) an English title inherits right to left unless
its element says ``dir="auto"``: the full stop of "part of the left makes the opposite
choice." jumps to the front and "62 Marchmont St" reads "Marchmont St 62". Names,
emails and numbers inside a translated sentence sit in ``<bdi>`` for the same reason.
"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from turnout.cli import DEMO_LOGIN
from turnout.demo import load_demo
from turnout.events.models import Event

EMAIL, PASSWORD = DEMO_LOGIN
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Directions(HTMLParser):
    """For each text run, the element that sets its direction: the nearest element,
    itself or an ancestor, with a ``dir`` attribute, or a ``<bdi>`` (which isolates)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.runs: list[tuple[str, str, str]] = []  # (text, tag that sets it, its dir)

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not data.strip() or any(tag in ("head", "script") for tag, _ in self.stack):
            return
        for tag, attrs in reversed(self.stack):
            if tag == "bdi" or "dir" in attrs:
                self.runs.append((data, tag, attrs.get("dir", "auto")))
                return
        self.runs.append((data, "", ""))


def directions_of(html: str, text: str) -> list[str]:
    """Where each text run containing ``text`` takes its direction from: "auto" when
    from itself (``dir="auto"`` or ``<bdi>``), else the ``<tag dir>`` it inherits."""
    parser = _Directions()
    parser.feed(html)
    found = [d if d == "auto" else f"<{tag} dir={d}>" for run, tag, d in parser.runs if text in run]
    assert found, f"{text!r} is not on the page"
    return found


@pytest.fixture
def demo_meeting(db) -> Event:
    assert load_demo(organiser_email=EMAIL, organiser_password=PASSWORD) is True
    return Event.objects.select_related("group").get(
        group__slug="ukraine-information-group", language="en"
    )


def arabic_page(client, url: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    return html


TYPED_ON_THE_MEETING_PAGE = [
    "What internationalism means",  # title
    "Unite the struggles of Palestine, Ukraine and beyond",  # tagline
    "part of the left makes the opposite",  # description
    "Community Centre",  # venue name
    "62 Marchmont St",  # address line
    "Ukraine Information Group",  # group name (eyebrow, "Organised by", the signature)
    "From Ukraine to Palestine",  # statement title
    "Sergei Lavrov",  # quote's speaker
    "The goals declared by Israel",  # quote
    "Occupation compared",  # comparison title
    "Israel in Palestine",  # a case
    "Genocide?",  # a criterion
    "Arguably. Putin talks",  # a cell
]


@pytest.mark.parametrize("text", TYPED_ON_THE_MEETING_PAGE)
def test_meeting_page_in_arabic_gives_typed_text_its_own_direction(client, demo_meeting, text):
    url = reverse(
        "public:event", kwargs={"group": demo_meeting.group.slug, "event": demo_meeting.slug}
    )

    directions = directions_of(arabic_page(client, url), text)

    assert set(directions) == {"auto"}, f"{text!r} takes its direction from {directions}"


TYPED_ON_THE_HOME_AND_GROUP_PAGES = [
    "What internationalism means",
    "Unite the struggles of Palestine, Ukraine and beyond",
    "Community Centre",
    "Ukraine Information Group",
]


@pytest.mark.parametrize("text", TYPED_ON_THE_HOME_AND_GROUP_PAGES)
def test_home_page_in_arabic_gives_typed_text_its_own_direction(client, demo_meeting, text):
    directions = directions_of(arabic_page(client, reverse("public:home")), text)

    assert set(directions) == {"auto"}, f"{text!r} takes its direction from {directions}"


@pytest.mark.parametrize("text", ["Ukraine Information Group", "build links with other"])
def test_group_page_in_arabic_gives_typed_text_its_own_direction(client, demo_meeting, text):
    url = reverse("public:group", kwargs={"group": demo_meeting.group.slug})

    directions = directions_of(arabic_page(client, url), text)

    assert set(directions) == {"auto"}, f"{text!r} takes its direction from {directions}"


def test_meeting_page_in_arabic_shows_the_contact_email_left_to_right(client, demo_meeting):
    url = reverse(
        "public:event", kwargs={"group": demo_meeting.group.slug, "event": demo_meeting.slug}
    )

    directions = directions_of(arabic_page(client, url), "ukraine-information-group@example.org")

    # The link itself, and inside "Questions? Write to …." a <bdi> (its own direction).
    assert directions == ["<a dir=ltr>", "auto"]


def test_form_fields_for_typed_text_keep_its_direction(organiser_client, event):
    form = organiser_client.get(
        f"/organise/groups/{event.group.slug}/events/{event.slug}/", HTTP_ACCEPT_LANGUAGE="ar"
    ).content.decode()

    for name in ("title", "tagline", "description"):
        control = re.search(rf'<(input|textarea)[^>]*name="{name}"[^>]*>', form)[0]
        assert 'dir="auto"' in control, control
    email_or_number = re.search(r'<input[^>]*name="capacity"[^>]*>', form)[0]
    assert "dir=" not in email_or_number
