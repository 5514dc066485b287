"""The meeting page is one page whatever brought the visitor to it: a GET, an RSVP that
failed, an organiser looking at it. Its context is built in one place
(``turnout.pages.views.meeting.meeting_context``)."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from turnout.cli import DEMO_LOGIN
from turnout.demo import load_demo
from turnout.events.models import Event
from turnout.rsvp.models import Registration

HEADING = "From Ukraine to Palestine Occupation is a crime"
EMAIL, PASSWORD = DEMO_LOGIN
RSVP_PANEL = re.compile(r'<section class="panel rsvp".*?</section>', re.DOTALL)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture
def demo_meeting(db) -> Event:
    assert load_demo(organiser_email=EMAIL, organiser_password=PASSWORD) is True
    return Event.objects.select_related("group").get(
        group__slug="ukraine-information-group", language="en"
    )


def meeting_url(event: Event) -> str:
    return reverse("public:event", kwargs={"group": event.group.slug, "event": event.slug})


def whole_page_parts(html: str) -> dict[str, bool]:
    """What the meeting page shows besides its RSVP panel, present or not."""
    return {
        "statement": f'dir="auto">{HEADING}</h2>' in html,
        "comparison table": '<table class="comparison-table">' in html,
        "quote": '<span class="speaker">Sergei Lavrov</span>' in html,
        "json-ld": '<script type="application/ld+json">{' in html,
        "og:image": '<meta property="og:image" content="http' in html,
    }


EVERY_PART = {
    "statement": True,
    "comparison table": True,
    "quote": True,
    "json-ld": True,
    "og:image": True,
}


def outside_the_panel(html: str) -> str:
    return RSVP_PANEL.sub("", html)


def test_meeting_page_get_shows_every_part(client, demo_meeting):
    response = client.get(meeting_url(demo_meeting))

    assert response.status_code == 200
    assert whole_page_parts(response.content.decode()) == EVERY_PART


def test_meeting_page_after_an_rsvp_with_a_malformed_email_shows_every_part(client, demo_meeting):
    response = client.post(meeting_url(demo_meeting), {"name": "Ann", "email": "ann@"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_email_error"><li>Enter a valid email address.</li>' in html
    assert whole_page_parts(html) == EVERY_PART
    assert Registration.objects.count() == 0


def test_meeting_page_after_a_failed_rsvp_differs_from_the_get_only_in_its_panel(
    client, demo_meeting
):
    shown = client.get(meeting_url(demo_meeting)).content.decode()

    failed = client.post(meeting_url(demo_meeting), {"name": "", "email": "ann@example.org"})

    assert 'id="id_name_error"><li>Give your name.</li>' in failed.content.decode()
    assert CSRF.sub("", outside_the_panel(failed.content.decode())) == CSRF.sub(
        "", outside_the_panel(shown)
    )


def test_meeting_page_after_an_rsvp_refused_as_closed_shows_every_part(client, demo_meeting):
    # Closed after the visitor loaded the form: the form is sent all the same.
    closed_at = timezone.now() - dt.timedelta(minutes=1)
    Event.objects.filter(pk=demo_meeting.pk).update(registration_closes_at=closed_at)

    response = client.post(meeting_url(demo_meeting), {"name": "Ann", "email": "ann@example.org"})

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 id="rsvp-heading">Registration closed</h2>' in html
    assert whole_page_parts(html) == EVERY_PART
    assert Registration.objects.count() == 0


def test_meeting_page_for_its_organiser_shows_every_part(demo_meeting):
    organiser = Client()
    assert organiser.login(email=EMAIL, password=PASSWORD) is True

    response = organiser.get(meeting_url(demo_meeting))

    assert response.status_code == 200
    assert whole_page_parts(response.content.decode()) == EVERY_PART
