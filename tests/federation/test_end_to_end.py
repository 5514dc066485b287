"""End to end with a Mastodon-shaped follower (issue 21, the first "Done when").

Two servers on loopback, as the project's rule asks: the peer
(tests/federation/peer/, its own process on 127.0.0.2, written from Mastodon's code and
signing and verifying with ``httpsig``, never with turnout.federation) and Turnout on
127.0.0.3 (a live server in the test's process, TURNOUT_BASE_URL its address, and a
real ``turnout worker --queue federation`` on the test database for the background
work). Only the test settings let federation reach loopback and private addresses
(TURNOUT_FEDERATION_ALLOW_PRIVATE_ADDRESSES).

The organiser acts through turnout.events.services, as the organiser's pages do. Each
step waits by polling the file the peer writes what it receives to, with a deadline.

Not marked: tests/run.py runs it in both its SQLite pass (a file database in WAL mode,
which the worker and the live server's threads open too) and its PostgreSQL pass, like
the other tests with workers; only the browser tests are marked, to run once.
"""

import datetime as dt
import io
import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.factories import make_group, make_venue
from tests.processes import wait_for
from turnout.events import publishing
from turnout.events import services as events
from turnout.federation import ids
from turnout.federation.models import Follower, InboxItem, SentActivity
from turnout.federation.refusals import Refusal

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
STEP = 15  # seconds any one step may take; the whole test takes a few


def handle(group) -> str:
    """``slug@127.0.0.3:port``: what a Mastodon user types to find the group."""
    return f"{group.slug}@{urlsplit(settings.BASE_URL).netloc}"


def from_group(group, kind: str, *, object_type: str | None = None, where=None):
    """A predicate: a verified activity of ``kind`` signed by ``group``."""
    actor = ids.group_id(group)

    def matches(entry: dict) -> bool:
        if not entry["verified"] or entry["signer"] != actor:
            return False
        activity = entry["activity"]
        obj = activity.get("object")
        if activity.get("type") != kind:
            return False
        if object_type and not (isinstance(obj, dict) and obj.get("type") == object_type):
            return False
        return where is None or (isinstance(obj, dict) and where(activity))

    return matches


def picture_upload() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), (0, 120, 60)).save(out, "PNG")
    return SimpleUploadedFile("banner.png", out.getvalue())


def get(url: str, accept: str = ids.ACTIVITY_JSON) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def test_the_peer_finds_a_group_by_webfinger_and_reads_its_actor(turnout, peer, organiser):
    group = make_group(owner=organiser, name="Riverside Tenants", slug="riverside")

    found = peer.resolve(handle(group))

    assert found["webfinger"]["subject"].lower() == f"acct:{handle(group)}"
    actor = found["actor"]
    assert actor["id"] == ids.group_id(group) and actor["id"].startswith(turnout)
    assert actor["inbox"] == ids.group_inbox(group)
    assert actor["endpoints"]["sharedInbox"] == ids.shared_inbox()
    assert actor["publicKey"]["id"] == ids.key_id(group)
    assert actor["publicKey"]["owner"] == actor["id"]


def test_a_mastodon_follower_hears_of_a_meeting_from_publication_to_deletion(
    turnout, peer, organiser
):
    group = make_group(owner=organiser, name="Riverside Tenants", slug="riverside-e2e")
    venue = make_venue(group=group)
    actor = ids.group_id(group)

    # Follow: WebFinger, the actor, a Follow signed by httpsig; Turnout answers 202 at
    # once, and its worker sends a signed Accept, which the peer verifies.
    followed = peer.follow(handle(group))
    assert followed["status"] == 202, followed["answer"]
    accepted = peer.wait_for(from_group(group, "Accept"), timeout=STEP)
    assert accepted["outcome"] == {"effect": "follow accepted", "target": actor}
    assert Follower.objects.get(group=group).actor_id == peer.actor_id

    # Published: Create{Event}, and the post Mastodon makes of it.
    start = timezone.localdate() + dt.timedelta(days=10)
    meeting = events.create_event(
        group=group,
        venue=venue,
        title="Rent strike assembly",
        description="Bring your *tenancy agreement*.",
        start_date=start,
        start_time=dt.time(19, 0),
        end_time=dt.time(21, 0),
    )
    events.set_picture(event=meeting, upload=picture_upload(), alt_text="Tenants marching")
    events.publish_event(event=meeting)
    created = peer.wait_for(from_group(group, "Create", object_type="Event"), timeout=STEP)
    event = created["activity"]["object"]
    check_event_for_mastodon(event, meeting, actor)
    check_post(created["outcome"], event)
    start_time = event["startTime"]

    # A change of time: Update{Event} (nobody notified) and a Create{Note} (a post).
    events.update_event(event=meeting, by=organiser, start_time=dt.time(18, 30))
    moved = from_group(group, "Update", where=lambda a: a["object"].get("startTime") != start_time)
    updated = peer.wait_for(moved, timeout=STEP)
    assert updated["activity"]["object"]["id"] == event["id"]
    assert updated["activity"]["object"]["startTime"].startswith(f"{start.isoformat()}T18:30:00")
    assert updated["outcome"]["effect"] == "edit"
    assert "6:30pm" in updated["outcome"]["post"]["text"]  # the post Mastodon shows, edited
    is_note = from_group(group, "Create", object_type="Note")
    note = peer.wait_for(is_note, timeout=STEP)
    assert note["outcome"]["effect"] == "post" and note["outcome"]["in_home_feed"]
    assert "New time for Rent strike assembly" in note["outcome"]["post"]["text"]
    assert event["url"] in note["outcome"]["post"]["text"]

    # Cancelled: Update with ical:status CANCELLED, and a Note saying so.
    events.cancel_event(event=meeting, by=organiser)
    called_off = from_group(
        group, "Update", where=lambda a: a["object"].get("ical:status") == "CANCELLED"
    )
    cancelled = peer.wait_for(called_off, timeout=STEP)
    assert cancelled["outcome"]["effect"] == "edit"
    posts = wait_for(
        lambda: [e["outcome"] for e in peer.received() if is_note(e)][1:], timeout=STEP
    )
    assert posts[0]["effect"] == "post" and posts[0]["in_home_feed"]
    assert "Cancelled: Rent strike assembly" in posts[0]["post"]["text"]

    # Deleted: Delete, the post gone from Mastodon, and a Tombstone at the object's id.
    publishing.delete_event(event=meeting, by=organiser)
    deleted = peer.wait_for(from_group(group, "Delete"), timeout=STEP)
    gone = deleted["activity"]["object"]
    assert (gone["id"] if isinstance(gone, dict) else gone) == event["id"]
    assert deleted["outcome"] == {"effect": "post deleted", "uri": event["id"]}
    status, content_type, body = get(event["id"])
    assert status == 410 and content_type.startswith(ids.ACTIVITY_JSON)
    assert json.loads(body)["type"] == "Tombstone"

    # Nothing the peer received was refused.
    refused = [e for e in peer.received() if not e["verified"] and actor in json.dumps(e)]
    assert refused == []


def check_event_for_mastodon(event: dict, meeting, actor: str) -> None:
    """Every field Mastodon's post is built from (the peer's timeline.py cites where)."""
    page = settings.BASE_URL + reverse(
        "public:event", kwargs={"group": meeting.group.slug, "event": meeting.slug}
    )
    assert event["type"] == "Event"
    assert event["id"] == ids.event_id(meeting)
    assert event["name"] == "Rent strike assembly"
    summary = event["summary"]
    local = meeting.local_start
    day = f"{local:%A} {local.day} {local:%B}"  # "Tuesday 11 June, 7pm – 9pm London time · …"
    for part in (day, "7pm", "London time", "Community Centre, 62 Marchmont St, London"):
        assert part in summary, (part, summary)
    assert event["url"] == page
    assert "<em>tenancy agreement</em>" in event["content"]
    assert event["published"] and event["attributedTo"] == actor
    assert PUBLIC in event["to"] and ids.group_followers(meeting.group) in event["cc"]
    assert event["startTime"] == local.isoformat() and event["endTime"]
    assert event["location"]["type"] == "Place"
    assert event["location"]["address"]["streetAddress"] == "62 Marchmont St"
    (image,) = event["attachment"]
    assert image["mediaType"] == "image/jpeg" and image["summary"] == "Tenants marching"
    status, content_type, _body = get(image["url"], accept="image/*")
    assert (status, content_type) == (200, "image/jpeg")


def check_post(outcome: dict, event: dict) -> None:
    """The post Mastodon makes of it: the heading, the when and where, the link, the
    picture described, public, in the follower's home feed."""
    assert outcome["effect"] == "post" and outcome["in_home_feed"] is True
    post = outcome["post"]
    assert post["text"] == (
        f"<h2>{event['name']}</h2>\n\n{event['summary']}\n\n"
        f'<a href="{event["url"]}">{event["url"]}</a>'
    )
    assert post["visibility"] == "public" and post["language"] == "en"
    assert post["media"] == [
        {
            "remote_url": event["attachment"][0]["url"],
            "type": "image",
            "media_type": "image/jpeg",
            "description": "Tenants marching",
        }
    ]


def test_a_follow_with_a_broken_signature_is_refused_and_never_accepted(turnout, peer, organiser):
    group = make_group(owner=organiser, name="Quiet Street", slug="quiet-street")

    followed = peer.follow(handle(group), broken_signature=True)

    assert followed["status"] in (202, 401), followed["answer"]
    if followed["status"] == 202:  # refused later, by the worker that checks the key
        refused = InboxItem.objects.filter(status=InboxItem.Status.REFUSED)
        item = wait_for(refused.first, timeout=STEP)
        assert item.reason.startswith(Refusal.BAD_SIGNATURE.value), item.reason
    assert not Follower.objects.filter(group=group).exists()
    assert not SentActivity.objects.filter(group=group).exists()
    assert not [e for e in peer.received() if from_group(group, "Accept")(e)]
