"""Topics and the search columns: organisers tag meetings from the admin's list; the
normalised search text follows every save of a meeting and every rename of a group."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import make_event
from turnout.core import search
from turnout.events import services as events
from turnout.events.models import Event, Topic
from turnout.groups import services as groups

pytestmark = pytest.mark.django_db


def posted(venue, **changes) -> dict:
    """The meeting form as the browser posts it."""
    day = timezone.localdate() + dt.timedelta(days=30)
    return {
        "title": "Housing clinic", "slug": "", "start_date": day.isoformat(),
        "start_time": "19:00", "end_time": "21:00", "time_zone": "Europe/London",
        "language": "en", "venue": str(venue.pk), "max_guests": "0",
        "confirmation_required": "on", "public_counts": "capacity", **changes,
    }  # fmt: skip


@pytest.fixture
def topics():
    return [Topic.objects.create(name=name, slug=name.lower()) for name in ("Housing", "Work")]


def test_the_meeting_form_offers_the_topics_as_tick_boxes(organiser_client, group, topics):
    body = organiser_client.get("/organise/groups/uig/events/new/").content.decode()

    assert 'type="checkbox" name="topics"' in body
    assert "Housing" in body and "Work" in body


def test_without_topics_the_meeting_form_has_none(organiser_client, group):
    body = organiser_client.get("/organise/groups/uig/events/new/").content.decode()

    assert 'name="topics"' not in body


def test_organisers_tag_a_meeting_and_change_its_topics(organiser_client, venue, topics):
    housing, work = topics
    organiser_client.post("/organise/groups/uig/events/new/", posted(venue, topics=[housing.pk]))
    event = Event.objects.get()
    assert list(event.topics.all()) == [housing]

    url = f"/organise/groups/uig/events/{event.slug}/"
    response = organiser_client.post(url, posted(venue, slug=event.slug, topics=[work.pk]))

    assert response.status_code == 302
    assert list(event.topics.all()) == [work]


def test_an_unknown_topic_is_refused_with_a_message(organiser_client, venue, topics):
    response = organiser_client.post(
        "/organise/groups/uig/events/new/", posted(venue, topics=["999"])
    )

    assert response.status_code == 200
    assert "Select a valid choice. 999 is not one of the available choices." in (
        response.content.decode()
    )
    assert not Event.objects.exists()


def test_duplicating_keeps_the_topics(group, venue, topics):
    event = make_event(group=group, venue=venue, topics=topics[:1])

    copy = events.duplicate_event(event=event)

    assert list(copy.topics.all()) == topics[:1]


def test_an_import_leaves_the_topics_alone(group, venue, topics):
    event = make_event(group=group, venue=venue, topics=topics)

    events.update_event(event=event, title="Changed", allow_past_start=True)

    assert list(event.topics.all()) == topics


def test_the_search_text_follows_the_title_and_tagline(group, venue):
    event = make_event(group=group, venue=venue, title="Solidarity Evening", tagline="Київ!")
    assert Event.objects.get(pk=event.pk).search_text == " solidarity evening київ"

    events.update_event(event=event, title="Straße", tagline="", allow_past_start=True)

    assert Event.objects.get(pk=event.pk).search_text == " strasse"


def test_the_search_name_follows_a_renamed_group(client, group, venue):
    make_event(group=group, venue=venue, title="Monthly meeting")
    assert search.words("Ukraine Information Group") == ["ukraine", "information", "group"]

    groups.update_group(group=group, name="Спільнота Львова")

    assert client.get("/", {"q": "львов"}).context["page"].paginator.count == 1
    assert client.get("/", {"q": "ukraine"}).context["page"].paginator.count == 0


def test_search_words_split_on_anything_but_letters_and_digits():
    assert search.text("O'Brien's 100%-solidarity_night", "ﬁre Ⅻ") == (
        " o brien s 100 solidarity night fire xii"
    )
    assert search.text("") == ""
    assert search.words("حَقُّكَ") == ["حقك"]
