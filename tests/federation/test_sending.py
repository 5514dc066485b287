"""What a group sends when its organisers act (issue 21, item 3), through the real
services: the activities written (``SentActivity`` bodies, exactly as they will be
signed and sent) and their deliveries to the group's accepted followers. Drafts and
unlisted meetings never produce anything; online links never appear; a change rolled
back sends nothing.
"""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import make_event, make_venue
from turnout.events import hooks, publishing
from turnout.events import services as events
from turnout.federation import ids
from turnout.federation.models import DeletedObject, Delivery, Follower, SentActivity

pytestmark = pytest.mark.django_db

ONLINE = "https://meet.example/secret-room-4821"


@pytest.fixture
def followers(group):
    """Two accepted followers on one server (one shared inbox), one elsewhere, and one
    still waiting for the organisers' approval (sent nothing)."""
    now = timezone.now()
    Follower.objects.bulk_create(
        [
            Follower(
                group=group,
                actor_id=f"https://m.example/users/{n}",
                inbox=f"https://m.example/users/{n}/inbox",
                shared_inbox="https://m.example/inbox",
                accepted_at=now,
            )
            for n in range(2)
        ]
        + [
            Follower(
                group=group,
                actor_id="https://mobilizon.example/@a",
                inbox="https://mobilizon.example/@a/inbox",
                accepted_at=now,
            ),
            Follower(
                group=group,
                actor_id="https://waiting.example/u/w",
                inbox="https://waiting.example/u/w/inbox",
            ),
        ]
    )
    return ["https://m.example/inbox", "https://mobilizon.example/@a/inbox"]


def sent() -> list[dict]:
    """Every activity written, oldest first."""
    return [json.loads(a.body) for a in SentActivity.objects.order_by("pk")]


def kinds() -> list[str]:
    return [f"{a['type']}{{{a['object']['type']}}}" for a in sent()]


def _draft(group, **fields):
    return make_event(group=group, published=False, online_url=ONLINE, **fields)


def test_publishing_sends_create_event_to_the_accepted_followers(group, followers):
    event = _draft(group, venue=make_venue(group=group))

    events.publish_event(event=event)

    [create] = sent()
    assert create["type"] == "Create" and create["object"]["type"] == "Event"
    assert create["object"]["id"] == ids.event_id(event)
    assert create["actor"] == ids.group_id(group)
    assert sorted(Delivery.objects.values_list("inbox", flat=True)) == followers
    assert ONLINE not in SentActivity.objects.get().body
    assert "waiting.example" not in json.dumps(create)


def test_publishing_without_followers_writes_nothing(group):
    events.publish_event(event=_draft(group))

    assert not SentActivity.objects.exists() and not Delivery.objects.exists()


def test_an_edit_sends_an_update_and_a_note_only_for_time_or_place(group, followers):
    event = make_event(group=group)
    SentActivity.objects.all().delete()

    events.update_event(event=event, title="Tenants' meeting, renamed")
    assert kinds() == ["Update{Event}"]
    assert sent()[0]["object"]["name"] == "Tenants' meeting, renamed"

    events.update_event(event=event, start_time=dt.time(18, 30))
    assert kinds()[1:] == ["Update{Event}", "Create{Note}"]
    assert "New time" in sent()[2]["object"]["content"]

    events.update_event(event=event, venue=make_venue(group=group, name="Library"))
    assert kinds()[3:] == ["Update{Event}", "Create{Note}"]
    assert "New place" in sent()[4]["object"]["content"]
    assert "Library" in sent()[4]["object"]["content"]
    assert Delivery.objects.count() == 5 * len(followers)


def test_cancelling_sends_an_update_cancelled_and_a_note(group, followers):
    event = make_event(group=group, online_url=ONLINE)
    SentActivity.objects.all().delete()

    events.cancel_event(event=event)
    events.cancel_event(event=event)  # twice: nothing more

    assert kinds() == ["Update{Event}", "Create{Note}"]
    update, note = sent()
    assert update["object"]["ical:status"] == "CANCELLED"
    assert "Cancelled" in note["object"]["content"]
    assert all(ONLINE not in a.body for a in SentActivity.objects.all())


def test_unpublishing_sends_delete_and_publishing_again_creates_again(group, followers):
    event = make_event(group=group)

    publishing.unpublish_event(event=event)
    events.update_event(event=event, title="Still a draft")  # a draft's edit: nothing
    events.publish_event(event=event)

    assert kinds() == ["Create{Event}", "Delete{Tombstone}", "Create{Event}"]
    first, delete, again = sent()
    assert delete["object"]["id"] == ids.event_id(event)
    assert again["id"] != first["id"]  # a new activity, delivered again
    assert Delivery.objects.filter(activity__activity_id=again["id"]).count() == len(followers)


def test_becoming_unlisted_deletes_and_listed_again_creates(group, followers):
    event = make_event(group=group)

    events.update_event(event=event, unlisted=True)
    events.update_event(event=event, title="Secret now")
    events.cancel_event(event=event)
    assert kinds() == ["Create{Event}", "Delete{Tombstone}"]
    assert "Secret now" not in json.dumps(sent())


def test_listed_again_creates_again(group, followers):
    event = make_event(group=group, unlisted=True)
    assert kinds() == []

    events.update_event(event=event, unlisted=False)

    assert kinds() == ["Create{Event}"]


def test_an_unlisted_or_draft_meeting_never_sends_anything(group, followers):
    unlisted = make_event(group=group, unlisted=True)
    events.update_event(event=unlisted, start_time=dt.time(10, 0))
    events.cancel_event(event=unlisted)
    publishing.delete_event(event=unlisted, by=None)

    draft = _draft(group)
    events.update_event(event=draft, start_time=dt.time(10, 0))
    publishing.unpublish_event(event=draft)
    publishing.delete_event(event=draft, by=None)

    assert not SentActivity.objects.exists() and not DeletedObject.objects.exists()


def test_deleting_sends_delete_and_the_id_answers_410_with_a_tombstone(group, followers, client):
    event = make_event(group=group)
    federation_id = event.federation_id

    publishing.delete_event(event=event, by=None)

    assert kinds() == ["Create{Event}", "Delete{Tombstone}"]
    response = client.get(
        f"/federation/events/{federation_id}/", HTTP_ACCEPT="application/activity+json"
    )
    assert response.status_code == 410
    assert response["Content-Type"].startswith("application/activity+json")
    body = response.json()
    assert body["type"] == "Tombstone" and body["formerType"] == "Event"
    assert body["id"] == sent()[1]["object"]["id"]


def test_a_never_federated_meeting_deleted_still_answers_404(group, client):
    event = _draft(group)
    federation_id = event.federation_id
    publishing.delete_event(event=event, by=None)

    response = client.get(f"/federation/events/{federation_id}/")

    assert response.status_code == 404


def test_a_change_rolled_back_sends_nothing(group, followers):
    event = make_event(group=group)
    SentActivity.objects.all().delete()

    def refuse(**kwargs):
        raise ValidationError("no")

    hooks.meeting_changed.connect(refuse, dispatch_uid="test.refuse")
    try:
        with pytest.raises(ValidationError):
            events.update_event(event=event, start_time=dt.time(9, 0))
    finally:
        hooks.meeting_changed.disconnect(dispatch_uid="test.refuse")

    assert not SentActivity.objects.exists() and not Delivery.objects.exists()


def test_every_activity_sent_expands_as_json_ld(group, followers):
    from turnout.federation import jsonld

    event = make_event(group=group, online_url=ONLINE)
    events.update_event(event=event, start_time=dt.time(18, 0))
    events.cancel_event(event=event)
    publishing.delete_event(event=make_event(group=group), by=None)

    assert len(sent()) == 7
    for activity in sent():
        assert jsonld.expand(activity), activity["id"]
