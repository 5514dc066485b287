"""Unlisted meetings in the events service and the organiser's form: the address is made
by Turnout and cannot be typed, a change of listing gives a new one, old ones stay kept."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_event
from turnout.core.slugs import SLUG_PATTERN
from turnout.events import services as events
from turnout.events.models import Event, EventSlug

SECRET = re.compile(r"[a-z0-9]{16}")
TITLE = "Refugee solidarity evening"


def kept(event: Event) -> list[str]:
    return list(EventSlug.objects.filter(event=event).values_list("slug", flat=True))


def test_every_unlisted_meeting_gets_its_own_random_address(group, venue):
    one = make_event(group=group, venue=venue, title=TITLE, unlisted=True)
    two = make_event(group=group, venue=venue, title=TITLE, unlisted=True)

    assert SECRET.fullmatch(one.slug) and SECRET.fullmatch(two.slug)
    assert one.slug != two.slug


def test_an_address_typed_for_a_new_unlisted_meeting_is_refused(group, venue):
    with pytest.raises(ValidationError) as refused:
        make_event(group=group, venue=venue, title=TITLE, unlisted=True, slug="refugees")

    assert list(refused.value.message_dict) == ["slug"]
    assert "nobody can guess it" in refused.value.message_dict["slug"][0]
    assert not Event.objects.exists()
    assert not EventSlug.objects.exists()


def test_an_unlisted_meetings_address_cannot_be_changed_by_hand(group, venue):
    meeting = make_event(group=group, venue=venue, title=TITLE, unlisted=True)
    secret = meeting.slug

    with pytest.raises(ValidationError) as refused:
        events.update_event(event=Event.objects.get(pk=meeting.pk), slug="refugee-evening")

    assert "nobody can guess it" in refused.value.message_dict["slug"][0]
    assert Event.objects.get(pk=meeting.pk).slug == secret
    assert kept(meeting) == [secret]


def test_saving_an_unlisted_meeting_with_its_own_address_keeps_it(group, venue):
    meeting = make_event(group=group, venue=venue, title=TITLE, unlisted=True)
    secret = meeting.slug

    events.update_event(event=meeting, slug=secret, tagline="Bring a friend")

    assert Event.objects.get(pk=meeting.pk).slug == secret


def test_listed_again_it_takes_its_readable_address_back_and_unlisted_again_a_new_secret(
    client, group, venue
):
    meeting = make_event(group=group, venue=venue, title=TITLE)
    readable = meeting.slug
    first = events.update_event(event=meeting, unlisted=True).slug

    events.update_event(event=meeting, unlisted=False, slug=first)  # as the form posts it

    assert meeting.slug == readable
    # Listed now: the link people were given leads to it.
    moved = client.get(f"/uig/events/{first}/")
    assert (moved.status_code, moved["Location"]) == (301, f"/uig/events/{readable}/")

    second = events.update_event(event=meeting, unlisted=True).slug

    assert SECRET.fullmatch(second) and second != first
    assert kept(meeting) == [readable, first, second]
    for old in (readable, first):
        assert client.get(f"/uig/events/{old}/").status_code == 404
    assert client.get(f"/uig/events/{second}/").status_code == 200


def test_a_copy_of_an_unlisted_meeting_is_unlisted_with_its_own_address(group, venue):
    meeting = make_event(group=group, venue=venue, title=TITLE, unlisted=True)

    copy = events.duplicate_event(event=meeting)

    assert copy.unlisted and SECRET.fullmatch(copy.slug) and copy.slug != meeting.slug


def test_the_form_makes_a_meeting_unlisted(organiser_client, event):
    url = f"/organise/groups/uig/events/{event.slug}/"
    page = organiser_client.get(url).content.decode()
    assert 'name="unlisted"' in page
    assert "Only people you give the link to can find it" in page
    data = {
        "title": event.title,
        "start_date": event.start_date.isoformat(),
        "start_time": "19:00",
        "end_time": "21:00",
        "time_zone": "Europe/London",
        "language": "en",
        "venue": event.venue_id,
        "confirmation_required": "on",
        "public_counts": "capacity",
        "reminder_hours": "24",
        "slug": event.slug,
        "unlisted": "on",
    }

    response = organiser_client.post(url, data)

    event.refresh_from_db()
    assert event.unlisted and SECRET.fullmatch(event.slug)
    assert response.status_code == 302
    assert response["Location"] == f"/organise/groups/uig/events/{event.slug}/"
    assert Client().get(f"/uig/events/{event.slug}/")["X-Robots-Tag"] == "noindex"


def test_publishing_an_unlisted_meeting_says_it_is_unlisted(organiser_client, group, venue):
    meeting = make_event(group=group, venue=venue, title=TITLE, unlisted=True, published=False)

    response = organiser_client.post(
        f"/organise/groups/uig/events/{meeting.slug}/publish/", follow=True
    )

    body = response.content.decode()
    assert "It is unlisted: only people you give its link to can find it." in body
    assert "now on the public pages" not in body


def test_the_new_meeting_form_refuses_a_typed_address_for_an_unlisted_meeting(
    organiser_client, group, venue
):
    day = (timezone.localdate() + dt.timedelta(days=9)).isoformat()
    data = {
        "title": TITLE, "start_date": day, "start_time": "19:00", "end_time": "21:00",
        "time_zone": "Europe/London", "language": "en", "venue": venue.pk,
        "public_counts": "capacity", "unlisted": "on", "slug": "refugee-evening",
    }  # fmt: skip

    response = organiser_client.post("/organise/groups/uig/events/new/", data)

    assert response.status_code == 200
    assert "nobody can guess it" in response.content.decode()
    assert not Event.objects.exists() and not EventSlug.objects.exists()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(typed=st.from_regex(SLUG_PATTERN, fullmatch=True).filter(lambda s: len(s) <= 50))
def test_no_typed_address_is_taken_by_an_unlisted_meeting(group, venue, typed):
    meeting = make_event(group=group, venue=venue, title=TITLE, unlisted=True)
    secret = meeting.slug

    if typed != secret:
        with pytest.raises(ValidationError):
            events.update_event(event=Event.objects.get(pk=meeting.pk), slug=typed)

    assert Event.objects.get(pk=meeting.pk).slug == secret
    assert kept(meeting) == [secret]
