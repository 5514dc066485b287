"""Turnout's Event and Note checked field by field against what the peers read.

Mobilizon: framasoft/mobilizon lib/federation/activity_stream/converter/event.ex
``as_to_model_data/1`` (and converter/utils.ex ``get_address/1``, ``process_pictures/2``,
converter/address.ex ``as_to_model_data/1``). Mastodon: mastodon/mastodon
app/lib/activitypub/parser/status_parser.rb (``processed_text``: for an Event, the post
is ``<h2>name</h2>``, then ``summary``, then the link to ``url``; ``language`` from the
``*Map`` fields) and app/serializers/activitypub/note_serializer.rb for the Note.
The fixtures under fixtures/ were written from those files (each says which); Turnout's
objects must have the same shape wherever the peer reads a field.
"""

import json
from pathlib import Path

import pytest

from tests.factories import make_event, make_group, make_venue
from tests.private_address import private_meeting
from turnout.events.models import PublicCounts
from turnout.federation import activities
from turnout.federation.jsonld import expand
from turnout.federation.objects import event_object

FIXTURES = Path(__file__).parent / "fixtures"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
MOBILIZON_STATUSES = {"TENTATIVE", "CONFIRMED", "CANCELLED"}


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


def _shape(value):
    if isinstance(value, bool):
        return bool
    if isinstance(value, int | float):
        return float if isinstance(value, float) else int
    return type(value)


@pytest.fixture
def meeting(db):
    group = make_group()
    return make_event(
        group=group, venue=make_venue(group=group, country="United Kingdom"), capacity=30,
        confirmation_required=True, public_counts=PublicCounts.SEATS_LEFT, language="en",
        description="Bring your tenancy papers.",
    )  # fmt: skip


# What as_to_model_data/1 reads from the object, and the shape it needs (a list where it
# enumerates, a string where it calls String functions).
MOBILIZON_READS = {
    "name": str,
    "content": str,
    "startTime": str,
    "endTime": str,
    "joinMode": str,
    "externalParticipationUrl": str,
    "ical:status": str,
    "status": str,
    "id": str,
    "updated": str,
    "published": str,
    "inLanguage": str,
    "to": list,  # get_visibility: @ap_public in object["to"]
    "attachment": list,  # process_pictures, get_online_address
    "location": dict,  # get_address
    "attributedTo": str,  # maybe_fetch_actor_and_attributed_to_id
    "maximumAttendeeCapacity": int,
    "commentsEnabled": bool,
    "timezone": str,
    "isOnline": bool,
}


def test_the_mobilizon_fixture_has_the_shapes_its_converter_reads():
    event = fixture("mobilizon_event.json")
    for field, shape in MOBILIZON_READS.items():
        assert _shape(event[field]) is shape, field


def test_turnout_s_event_has_every_field_mobilizon_reads_in_its_shape(meeting):
    ours = event_object(meeting)
    theirs = fixture("mobilizon_event.json")
    for field, shape in MOBILIZON_READS.items():
        assert field in ours, field
        assert _shape(ours[field]) is shape is _shape(theirs[field]), field
    assert ours["ical:status"] in MOBILIZON_STATUSES and ours["status"] == ours["ical:status"]
    assert PUBLIC in ours["to"]
    assert ours["joinMode"] in {"free", "restricted", "invite", "external"}
    # get_address -> address.ex as_to_model_data: name, then the PostalAddress keys.
    place, their_place = ours["location"], theirs["location"]
    assert place["type"] == their_place["type"] == "Place"
    assert isinstance(place["name"], str)
    for key in ("streetAddress", "postalCode", "addressLocality", "addressCountry"):
        assert isinstance(place["address"][key], str), key
    assert place["address"]["type"] == their_place["address"]["type"]
    # process_pictures: the banner is the Document named "Banner", with a url.
    (banner,) = [a for a in ours["attachment"] if a.get("name") == "Banner"]
    (their_banner,) = theirs["attachment"]
    assert set(their_banner) <= set(banner)
    assert banner["type"] == "Document" and banner["url"].startswith("http")
    # The same JSON-LD meaning for the shared terms.
    (our_node,), (their_node,) = expand(ours), expand(theirs)
    for iri in their_node:
        if iri.startswith(("http://www.w3.org/ns/activitystreams#", "http://schema.org#")):
            if iri.rsplit("#", 1)[1] in ("actor", "tag", "cc", "identifier", "category"):
                continue  # organiser person, tags, uuid, category: not sent or optional
            assert iri in our_node, iri


def test_a_private_address_gives_mobilizon_a_place_it_can_read(group):
    meeting = private_meeting(group)
    place = event_object(meeting)["location"]
    # address.ex as_to_model_data reads object["address"][...] when there is an address:
    # without one it takes the name alone (the area), which is all that may leave.
    assert place == {"type": "Place", "name": meeting.address_area}


def test_mastodon_builds_its_post_from_name_summary_url_and_attachment(meeting):
    ours = event_object(meeting)
    # status_parser.rb: title, spoiler_text (summary), url, language from nameMap etc.
    assert isinstance(ours["name"], str) and ours["name"]
    assert isinstance(ours["summary"], str) and ours["summary"]
    assert ours["url"].startswith("http")
    assert ours["id"].startswith("http")
    assert ours["nameMap"] == {"en": ours["name"]}
    assert ours["summaryMap"] == {"en": ours["summary"]}
    assert PUBLIC in ours["to"]
    # Media: Documents with mediaType and url, described by name (note_serializer.rb).
    for attachment in ours["attachment"]:
        assert attachment["type"] == "Document"
        assert attachment["mediaType"] in ("image/jpeg", "image/png")
        assert attachment["url"].startswith("http")
        assert isinstance(attachment["name"], str)


def test_turnout_s_note_has_the_shape_of_mastodon_s(meeting):
    theirs = fixture("mastodon_note.json")
    ours = activities.note_about_change(meeting, "time")
    for key in ("id", "type", "actor", "to", "cc", "object", "@context"):
        assert _shape(ours[key]) is _shape(theirs[key]), key
    note, their_note = ours["object"], theirs["object"]
    for key in ("id", "type", "url", "attributedTo", "to", "cc", "content", "contentMap",
                "published"):  # fmt: skip
        assert key in note, key
        assert _shape(note[key]) is _shape(their_note[key]), key
    assert note["type"] == "Note"
    assert ours["actor"] == note["attributedTo"]
    expand(ours)


# framasoft/mobilizon lib/mobilizon/events/categories.ex build_in_categories/0, upcased
# as get_category/1 compares them (anything else becomes MEETING).
MOBILIZON_CATEGORIES = {
    "ARTS", "BOOK_CLUBS", "BUSINESS", "CAUSES", "COMEDY", "CRAFTS", "FOOD_DRINK", "HEALTH",
    "MUSIC", "AUTO_BOAT_AIR", "COMMUNITY", "FAMILY_EDUCATION", "FASHION_BEAUTY",
    "FILM_MEDIA", "GAMES", "LANGUAGE_CULTURE", "LEARNING", "LGBTQ", "MOVEMENTS_POLITICS",
    "NETWORKING", "PARTY", "PERFORMING_VISUAL_ARTS", "PETS", "PHOTOGRAPHY",
    "OUTDOORS_ADVENTURE", "SPIRITUALITY_RELIGION_BELIEFS", "SCIENCE_TECH", "SPORTS",
    "THEATRE", "MEETING",
}  # fmt: skip


def test_every_category_sent_is_one_mobilizon_knows():
    from turnout.federation.objects import CATEGORIES

    assert set(CATEGORIES.values()) <= MOBILIZON_CATEGORIES
