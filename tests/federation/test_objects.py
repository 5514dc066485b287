"""A meeting as an ActivityPub Event, and the activities about it (issue 21, item 3):
every field the peers read, in the meeting's language, and what never leaves the server."""

import datetime as dt
import json

import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import make_event, make_group, make_venue
from tests.private_address import AREA, leaks, private_meeting
from turnout.core.links import absolute_url
from turnout.core.timefmt import event_when
from turnout.events import publishing
from turnout.events import services as events
from turnout.events.models import PublicCounts
from turnout.federation import activities, ids
from turnout.federation.objects import NotFederated, event_object

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
SECRET_LINK = "https://meet.example.org/secret-room-4471"


@pytest.fixture
def london(db):
    return make_group(name="Camden Renters", slug="camden-renters")


@pytest.fixture
def meeting(london):
    venue = make_venue(group=london)
    return make_event(
        group=london, venue=venue, title="Rent rise: what we can do", language="en",
        description="Bring your **tenancy** papers.\n\n<script>alert(1)</script>",
    )  # fmt: skip


def test_ids_are_stable_urls_on_the_federation_ids(meeting):
    group = meeting.group
    base = settings.BASE_URL
    assert ids.group_id(group) == f"{base}/federation/groups/{group.federation_id}/"
    assert ids.event_id(meeting) == f"{base}/federation/events/{meeting.federation_id}/"
    assert ids.key_id(group) == ids.group_id(group) + "#main-key"
    assert ids.group_inbox(group) == ids.group_id(group) + "inbox/"
    assert ids.group_outbox(group) == ids.group_id(group) + "outbox/"
    assert ids.group_followers(group) == ids.group_id(group) + "followers/"
    assert ids.shared_inbox() == f"{base}/federation/inbox/"
    assert ids.instance_actor() == f"{base}/federation/actor/"
    # A new address for the meeting changes nothing.
    events.update_event(event=meeting, slug="new-address")
    assert ids.event_id(meeting) == f"{base}/federation/events/{meeting.federation_id}/"


def test_the_event_carries_what_mastodon_and_mobilizon_read(meeting):
    data = event_object(meeting)
    page = absolute_url("public:event", group=meeting.group.slug, event=meeting.slug)
    assert data["type"] == "Event"
    assert data["id"] == ids.event_id(meeting)
    assert data["name"] == "Rent rise: what we can do"
    assert data["url"] == page
    assert data["summary"] == (
        f"{event_when(meeting)} · Community Centre, 62 Marchmont St, London WC1N 1AB"
    )
    assert "7pm" in data["summary"] and "London time" in data["summary"]
    assert "Bring your <strong>tenancy</strong> papers.</p>" in data["content"]
    assert "<script" not in data["content"] and type(data["content"]) is str
    assert data["mediaType"] == "text/html"
    assert data["startTime"] == meeting.local_start.isoformat()
    assert data["startTime"].endswith(("+00:00", "+01:00"))
    assert data["endTime"] == meeting.local_end.isoformat()
    assert data["timezone"] == "Europe/London"
    assert data["inLanguage"] == "en"
    assert data["nameMap"] == {"en": meeting.title}
    assert data["location"] == {
        "type": "Place",
        "name": "Community Centre",
        "address": {
            "type": "PostalAddress",
            "streetAddress": "62 Marchmont St",
            "addressLocality": "London",
            "postalCode": "WC1N 1AB",
        },
    }
    assert data["joinMode"] == "external"
    assert data["externalParticipationUrl"] == page + "#rsvp"
    assert data["ical:status"] == "CONFIRMED"
    assert data["isOnline"] is False
    assert data["attributedTo"] == ids.group_id(meeting.group)
    assert data["to"] == [PUBLIC]
    assert data["cc"] == [ids.group_followers(meeting.group)]
    assert data["commentsEnabled"] is False
    assert data["published"] == meeting.published_at.isoformat()
    assert data["updated"] == meeting.updated_at.isoformat()
    assert data["attachment"] == [
        {
            "type": "Document",
            "name": "Banner",
            "mediaType": "image/png",
            "url": f"{page}flyer.png",
            "width": 1080,
            "height": 1350,
        }
    ]
    assert "maximumAttendeeCapacity" not in data  # no capacity set
    json.dumps(data)  # plain JSON


def test_the_summary_is_in_the_meeting_s_language(london):
    meeting = make_event(group=london, language="uk", title="Зустріч")
    with translation.override("uk"):
        expected = event_when(meeting)
    data = event_object(meeting)
    assert data["summary"].startswith(expected + " · ")
    assert data["inLanguage"] == "uk"
    assert translation.get_language() == "en-us" or translation.get_language().startswith("en")


def test_seats_only_as_the_organisers_show_them(london):
    meeting = make_event(
        group=london, capacity=30, confirmation_required=True,
        public_counts=PublicCounts.SEATS_LEFT,
    )  # fmt: skip
    data = event_object(meeting)
    assert data["maximumAttendeeCapacity"] == 30
    assert data["remainingAttendeeCapacity"] == 30
    events.update_event(event=meeting, public_counts=PublicCounts.CAPACITY)
    data = event_object(meeting)
    assert data["maximumAttendeeCapacity"] == 30
    assert "remainingAttendeeCapacity" not in data
    events.update_event(event=meeting, public_counts=PublicCounts.NONE)
    data = event_object(meeting)
    assert "maximumAttendeeCapacity" not in data and "remainingAttendeeCapacity" not in data


def test_a_cancelled_meeting_says_so(meeting):
    events.cancel_event(event=meeting)
    data = event_object(meeting)
    assert data["ical:status"] == "CANCELLED"


# --- what never leaves the server


def test_a_draft_is_refused(london):
    draft = make_event(group=london, published=False)
    with pytest.raises(NotFederated, match="draft"):
        event_object(draft)
    for build in (activities.create, activities.update, activities.delete):
        with pytest.raises(NotFederated):
            build(draft)


def test_an_unlisted_meeting_is_refused(london):
    hidden = make_event(group=london, unlisted=True)
    with pytest.raises(NotFederated, match="unlisted"):
        event_object(hidden)
    with pytest.raises(NotFederated):
        activities.create(hidden)
    with pytest.raises(NotFederated):
        activities.note_about_change(hidden, "time")


def test_a_withdrawn_meeting_is_refused(meeting):
    publishing.unpublish_event(event=meeting)
    with pytest.raises(NotFederated):
        event_object(meeting)


def test_the_online_link_never_leaves(london):
    online = make_event(group=london, online_url=SECRET_LINK)
    hybrid = make_event(group=london, online_url=SECRET_LINK, venue=make_venue(group=london))
    for meeting in (online, hybrid):
        data = event_object(meeting)
        assert data["isOnline"] is True
        for activity in (
            activities.create(meeting),
            activities.update(meeting),
            activities.note_about_change(meeting, "place"),
        ):
            assert "secret-room" not in json.dumps(activity)
    assert "location" not in event_object(online)
    assert "Online" in event_object(online)["summary"]


def test_a_private_address_leaves_as_its_area_only(london):
    meeting = private_meeting(london)
    data = event_object(meeting)
    assert data["location"] == {"type": "Place", "name": AREA}
    assert data["summary"].endswith(" · " + AREA)
    for activity in (
        data,
        activities.create(meeting),
        activities.update(meeting),
        activities.note_about_change(meeting, "place"),
    ):
        assert leaks(json.dumps(activity, ensure_ascii=False)) == []


def test_no_attendee_or_organiser_leaves(london, organiser):
    from turnout.rsvp import services as rsvp

    meeting = make_event(group=london)
    rsvp.register(event=meeting, name="Ayesha Attendee", email="ayesha@example.org")
    text = json.dumps(
        [event_object(meeting), activities.create(meeting), activities.update(meeting)]
    )
    for secret in ("Ayesha", "ayesha@example.org", organiser.email, organiser.name):
        assert secret not in text
    assert london.contact_email not in text
    assert "participantCount" not in text


# --- the activities


def test_create_update_delete_and_tombstone(meeting):
    object_id = ids.event_id(meeting)
    actor = ids.group_id(meeting.group)
    created = activities.create(meeting)
    assert created["type"] == "Create"
    assert created["id"] == object_id + "#create"
    assert created["actor"] == actor
    assert created["object"] == {k: v for k, v in event_object(meeting).items() if k != "@context"}
    assert created["to"] == [PUBLIC] and created["cc"] == [ids.group_followers(meeting.group)]
    assert created["@context"] == event_object(meeting)["@context"]

    first = activities.update(meeting)
    assert first["type"] == "Update" and first["object"]["id"] == object_id
    assert first["id"].startswith(object_id + "#update-")
    events.update_event(event=meeting, title="Rent rise: a new date")
    second = activities.update(meeting)
    assert second["id"] != first["id"]  # unique per change
    assert activities.update(meeting)["id"] == second["id"]  # stable for the same change

    deleted = activities.delete(meeting)
    assert deleted["type"] == "Delete"
    assert deleted["id"] == object_id + "#delete"
    assert deleted["object"]["type"] == "Tombstone"
    assert deleted["object"]["id"] == object_id
    tomb = activities.tombstone(meeting)
    assert tomb["type"] == "Tombstone" and tomb["formerType"] == "Event"
    assert tomb["id"] == object_id
    assert dt.datetime.fromisoformat(tomb["deleted"])


def test_a_withdrawn_or_cancelled_meeting_can_still_be_deleted(meeting):
    publishing.unpublish_event(event=meeting)
    assert activities.delete(meeting)["type"] == "Delete"
    assert activities.tombstone(meeting)["formerType"] == "Event"


def test_a_note_tells_mastodon_followers_of_a_change(meeting):
    page = event_object(meeting)["url"]
    for what in ("time", "place", "cancelled"):
        note = activities.note_about_change(meeting, what)
        assert note["type"] == "Create"
        assert note["object"]["type"] == "Note"
        assert note["object"]["attributedTo"] == ids.group_id(meeting.group)
        assert note["object"]["to"] == [PUBLIC]
        assert page in note["object"]["content"]
        assert meeting.title in note["object"]["content"]
        assert note["object"]["contentMap"] == {"en": note["object"]["content"]}
        assert note["id"] != note["object"]["id"]
    time_note = activities.note_about_change(meeting, "time")["object"]["content"]
    assert event_when(meeting) in time_note
    place_note = activities.note_about_change(meeting, "place")["object"]["content"]
    assert "Community Centre" in place_note
    assert "Cancelled" in activities.note_about_change(meeting, "cancelled")["object"]["content"]
    with pytest.raises(ValueError):
        activities.note_about_change(meeting, "anything else")


def test_a_note_is_in_the_meeting_s_language_and_escapes_the_title(london):
    meeting = make_event(group=london, language="uk", title="<b>Зустріч</b> & розмова")
    note = activities.note_about_change(meeting, "time")["object"]
    with translation.override("uk"):
        assert event_when(meeting) in note["content"]
    assert "<b>" not in note["content"] and "&lt;b&gt;" in note["content"]
    assert note["contentMap"] == {"uk": note["content"]}


def test_the_picture_is_the_banner_with_its_description(london, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path / "media"
    meeting = make_event(group=london)
    out = io.BytesIO()
    Image.new("RGB", (1600, 1000), (0, 170, 0)).save(out, "PNG")
    upload = SimpleUploadedFile("green.png", out.getvalue())
    events.set_picture(event=meeting, upload=upload, alt_text="A green field")
    (banner,) = event_object(meeting)["attachment"]
    assert banner["type"] == "Document" and banner["name"] == "Banner"
    assert banner["mediaType"] == "image/jpeg"
    assert banner["url"].startswith(settings.BASE_URL) and banner["url"].endswith(".jpg")
    assert (banner["width"], banner["height"]) == (1200, 750)
    assert banner["summary"] == "A green field"  # Mastodon's description of the image


def test_a_topic_that_maps_gives_mobilizon_a_category(london):
    from turnout.events.models import Topic

    housing = Topic.objects.create(slug="housing", name="Housing")
    other = Topic.objects.create(slug="knitting", name="Knitting")
    meeting = make_event(group=london, topics=[housing])
    assert event_object(meeting)["category"] == "CAUSES"
    unmapped = make_event(group=london, topics=[other])
    assert "category" not in event_object(unmapped)


def test_an_all_day_meeting(london):
    meeting = make_event(group=london, all_day=True)
    data = event_object(meeting)
    assert "all day" in data["summary"]
    assert data["startTime"] == meeting.local_start.isoformat()
    assert data["endTime"] > data["startTime"]
