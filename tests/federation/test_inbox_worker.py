"""The inbox's worker (turnout.federation.tasks.work_inbox_item): the signing actor
fetched from a real server on 127.0.0.2, the signature verified, the activity acted on.

Follow (accepted at once with a signed Accept queued, or left for the organisers),
Undo{Follow}, Delete of an actor, anything else kept unprocessed; an actor whose key
cannot be fetched, a replay, a key too short: refused, logged, nothing acted on."""

import datetime as dt
import json
import logging

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.factories import make_event, make_group
from tests.federation import remote
from tests.federation.keys import keypair
from turnout.federation import ids, signatures, tasks
from turnout.federation.models import Delivery, Follower, InboxItem, RemoteActor

pytestmark = pytest.mark.django_db

SHARED = "http://testserver/federation/inbox/"


@pytest.fixture
def server():
    with remote.RemoteServer() as running:
        yield running


def deliver(client, activity, *, key, key_id=None, **sign) -> InboxItem:
    """POST it through the real view, then run the real task on what the view kept."""
    key_id = key_id or activity["actor"] + "#main-key"
    body, headers = remote.signed(activity, url=SHARED, key=key, key_id=key_id, **sign)
    response = remote.post(client, SHARED, body, headers)
    assert response.status_code == 202, response.content
    item = InboxItem.objects.latest("pk")
    tasks.work_inbox_item.call(item.pk)
    item.refresh_from_db()
    return item


def follow(actor: dict, obj: str, n: int = 1) -> dict:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{actor['id']}#follows/{n}",
        "type": "Follow",
        "actor": actor["id"],
        "object": obj,
    }


def test_a_follow_is_accepted_at_once_with_a_signed_accept_queued(client, group, server):
    alice = server.actor("alice")
    item = deliver(client, follow(alice, ids.group_id(group)), key="alice")

    assert item.status == InboxItem.Status.DONE
    follower = Follower.objects.get(group=group)
    assert follower.actor_id == alice["id"]
    assert follower.inbox == alice["inbox"]
    assert follower.shared_inbox == server.base + "/inbox"
    assert follower.follow_id == alice["id"] + "#follows/1"
    assert follower.accepted_at is not None
    delivery = Delivery.objects.get()
    assert delivery.inbox == alice["inbox"]  # an Accept goes to the follower's own inbox
    accept = json.loads(delivery.activity.body)
    assert accept["type"] == "Accept"
    assert accept["actor"] == ids.group_id(group)
    assert accept["to"] == [alice["id"]]
    assert accept["object"]["id"] == alice["id"] + "#follows/1"
    assert accept["object"]["type"] == "Follow"
    assert accept["object"]["actor"] == alice["id"]
    assert RemoteActor.objects.get().key_id == alice["id"] + "#main-key"


def test_the_actor_fetch_is_signed_by_the_instance_actor(client, group, server):
    from turnout.federation import keys

    alice = server.actor("alice")
    deliver(client, follow(alice, ids.group_id(group)), key="alice")

    path, headers = server.requests[0]
    assert path == "/users/alice"
    assert "application/activity+json" in headers["Accept"]
    incoming = signatures.Incoming("GET", server.base + path, headers, b"")
    verified = signatures.verify(incoming, public_key_pem=keys.public_key_pem(group=None))
    assert verified.key_id == ids.instance_actor() + "#main-key"


def test_a_group_that_approves_followers_leaves_the_follow_waiting(client, organiser, server):
    group = make_group(owner=organiser, name="Careful", slug="careful")
    group.manually_approves_followers = True
    group.save()
    alice = server.actor("alice")
    item = deliver(client, follow(alice, ids.group_id(group)), key="alice")

    assert item.status == InboxItem.Status.DONE
    assert Follower.objects.get().accepted_at is None
    assert not Delivery.objects.exists()


def test_a_second_follow_is_the_same_row_and_accepted_again(client, group, server):
    alice = server.actor("alice")
    deliver(client, follow(alice, ids.group_id(group), 1), key="alice")
    deliver(client, follow(alice, ids.group_id(group), 2), key="alice")

    assert Follower.objects.get().follow_id == alice["id"] + "#follows/2"
    assert Delivery.objects.count() == 2


@pytest.mark.parametrize("target", ["draft", "organiser", "elsewhere", "meeting"])
def test_a_follow_of_anything_but_a_group_actor_here_is_refused(client, group, server, target):
    draft = make_event(group=group, published=False)
    published = make_event(group=group)
    obj = {
        "draft": ids.event_id(draft),
        "meeting": ids.event_id(published),
        "organiser": "http://testserver/@olena",
        "elsewhere": server.base + "/users/bob",
    }[target]
    alice = server.actor("alice")
    item = deliver(client, follow(alice, obj), key="alice")

    assert item.status == InboxItem.Status.REFUSED
    assert not Follower.objects.exists()
    assert not Delivery.objects.exists()


def test_undo_follow_removes_the_follower(client, group, server):
    alice = server.actor("alice")
    the_follow = follow(alice, ids.group_id(group))
    deliver(client, the_follow, key="alice")
    undo = {
        "id": alice["id"] + "#follows/1/undo",
        "type": "Undo",
        "actor": alice["id"],
        "object": the_follow,
    }
    item = deliver(client, undo, key="alice")

    assert item.status == InboxItem.Status.DONE
    assert not Follower.objects.exists()


def test_undo_by_another_actor_removes_nothing(client, group, server):
    alice, bob = server.actor("alice"), server.actor("bob")
    the_follow = follow(alice, ids.group_id(group))
    deliver(client, the_follow, key="alice")
    undo = {"id": bob["id"] + "#undo", "type": "Undo", "actor": bob["id"], "object": the_follow}
    deliver(client, undo, key="bob")

    assert Follower.objects.count() == 1


def test_delete_of_the_actor_removes_its_follows_and_its_cached_key(client, group, server):
    alice = server.actor("alice")
    deliver(client, follow(alice, ids.group_id(group)), key="alice")
    del server.documents["/users/alice"]  # gone: Mastodon answers 410 once deleted
    delete = {
        "id": alice["id"] + "#delete",
        "type": "Delete",
        "actor": alice["id"],
        "object": alice["id"],
    }
    item = deliver(client, delete, key="alice")

    assert item.status == InboxItem.Status.DONE
    assert not Follower.objects.exists()
    assert not RemoteActor.objects.exists()


def test_delete_of_an_actor_never_seen_is_dropped_and_logged(client, group, server, caplog):
    actor_id = server.base + "/users/gone"
    delete = {"id": actor_id + "#delete", "type": "Delete", "actor": actor_id, "object": actor_id}
    with caplog.at_level(logging.INFO, logger="turnout.federation"):
        item = deliver(client, delete, key="gone")

    assert item.status == InboxItem.Status.REFUSED
    assert actor_id in caplog.text


def test_a_create_note_is_kept_unprocessed(client, group, server):
    alice = server.actor("alice")
    note = {
        "id": alice["id"] + "/statuses/1/activity",
        "type": "Create",
        "actor": alice["id"],
        "object": {"id": alice["id"] + "/statuses/1", "type": "Note", "content": "hi"},
    }
    item = deliver(client, note, key="alice")

    assert item.status == InboxItem.Status.UNPROCESSED


def test_an_actor_whose_key_cannot_be_fetched_is_refused_and_logged(client, group, server, caplog):
    actor = {"id": server.base + "/users/nobody"}  # the server answers 404
    with caplog.at_level(logging.INFO, logger="turnout.federation"):
        item = deliver(client, follow(actor, ids.group_id(group)), key="nobody")

    assert item.status == InboxItem.Status.REFUSED
    assert item.reason
    assert actor["id"] in caplog.text
    assert not Follower.objects.exists()


def test_a_signature_that_does_not_verify_is_refused(client, group, server):
    alice = server.actor("alice", key="someone-else")
    item = deliver(client, follow(alice, ids.group_id(group)), key="alice")

    assert item.status == InboxItem.Status.REFUSED
    assert not Follower.objects.exists()


def test_a_key_served_by_another_actor_is_refused(client, group, server):
    """The key id names bob's key, but the activity says alice: bob cannot speak for her."""
    server.actor("bob")
    alice = server.actor("alice")
    activity = follow(alice, ids.group_id(group))
    item = deliver(client, activity, key="bob", key_id=server.base + "/users/bob#main-key")

    assert item.status == InboxItem.Status.REFUSED
    assert not Follower.objects.exists()


def test_a_changed_key_is_fetched_again_once(client, group, server):
    alice = server.actor("alice")
    RemoteActor.objects.create(
        actor_id=alice["id"],
        key_id=alice["id"] + "#main-key",
        public_key_pem=keypair("old alice")[1],
        inbox=alice["inbox"],
    )
    item = deliver(client, follow(alice, ids.group_id(group)), key="alice")

    assert item.status == InboxItem.Status.DONE
    assert RemoteActor.objects.get().public_key_pem == keypair("alice")[1]
    assert len(server.requests) == 1


def test_a_cached_key_a_day_old_is_fetched_again(client, group, server):
    alice = server.actor("alice")
    RemoteActor.objects.create(
        actor_id=alice["id"],
        key_id=alice["id"] + "#main-key",
        public_key_pem=keypair("alice")[1],
        inbox="http://old.example/inbox",
        fetched_at=timezone.now() - dt.timedelta(days=2),
    )
    deliver(client, follow(alice, ids.group_id(group)), key="alice")

    assert RemoteActor.objects.get().inbox == alice["inbox"]


def test_a_fresh_cached_key_is_not_fetched(client, group, server):
    alice = server.actor("alice")
    deliver(client, follow(alice, ids.group_id(group), 1), key="alice")
    deliver(client, follow(alice, ids.group_id(group), 2), key="alice")

    assert len(server.requests) == 1


def test_the_same_request_twice_before_the_worker_acts_once(client, group, server):
    alice = server.actor("alice")
    body, headers = remote.signed(
        follow(alice, ids.group_id(group)),
        url=SHARED,
        key="alice",
        key_id=alice["id"] + "#main-key",
    )
    for _ in range(2):
        assert remote.post(client, SHARED, body, headers).status_code == 202
    first, second = InboxItem.objects.order_by("pk")
    tasks.work_inbox_item.call(first.pk)
    tasks.work_inbox_item.call(second.pk)
    second.refresh_from_db()

    assert second.status == InboxItem.Status.REFUSED
    assert "seen before" in second.reason
    assert Delivery.objects.count() == 1


def test_a_short_key_is_refused(client, group, server):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    short = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 -- the point of the test
    private = short.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()  # fmt: skip
    public = (
        short.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    alice = server.actor("alice")
    alice["publicKey"]["publicKeyPem"] = public
    activity = follow(alice, ids.group_id(group))
    body = json.dumps(activity).encode()
    headers = signatures.sign(
        method="POST", url=SHARED, headers={"Content-Type": "application/activity+json"},
        body=body, private_key_pem=private, key_id=alice["id"] + "#main-key",
    )  # fmt: skip
    assert remote.post(client, SHARED, body, headers).status_code == 202
    item = InboxItem.objects.get()
    tasks.work_inbox_item.call(item.pk)
    item.refresh_from_db()

    assert item.status == InboxItem.Status.REFUSED
    assert not Follower.objects.exists()


def test_old_items_are_purged_after_a_week(group):
    old = timezone.now() - dt.timedelta(days=8)
    for status in InboxItem.Status:
        InboxItem.objects.create(
            url=SHARED, body="{}", actor_id="https://a.example/u", key_id="https://a.example/k",
            status=status, received_at=old,
        )  # fmt: skip
    InboxItem.objects.create(
        url=SHARED, body="{}", actor_id="https://a.example/u", key_id="https://a.example/k",
        status=InboxItem.Status.UNPROCESSED,
    )  # fmt: skip

    tasks.purge_inbox_items.call()

    assert list(InboxItem.objects.values_list("status", flat=True)) == ["unprocessed"]


def test_a_missing_item_is_no_crash(db):
    assert tasks.work_inbox_item.call(999_999) == "gone"


def test_the_accept_and_reject_expand_as_json_ld(group):
    from turnout.federation import activities
    from turnout.federation.jsonld import expand

    follower = Follower.objects.create(
        group=group,
        actor_id="https://social.example/users/ana",
        inbox="https://social.example/users/ana/inbox",
        follow_id="https://social.example/follows/1",
    )
    for answer in (activities.accept(follower), activities.reject(follower)):
        (node,) = expand(answer)
        (embedded,) = node["http://www.w3.org/ns/activitystreams#object"]
        assert embedded["@id"] == follower.follow_id


ODD = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=30),
    st.lists(st.text(max_size=10), max_size=3),
    st.dictionaries(st.sampled_from(["id", "type", "actor", "object"]), st.text(max_size=20)),
)


@hsettings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    kind=st.sampled_from(["Follow", "Undo", "Delete", "Create", "Accept"]),
    obj=ODD,
    activity_id=ODD,
)
def test_whatever_a_verified_actor_sends_the_worker_never_crashes(
    client, group, server, kind, obj, activity_id
):
    alice = server.actor("alice")
    activity = {"id": activity_id, "type": kind, "actor": alice["id"], "object": obj}
    item = deliver(client, activity, key="alice")

    assert item.status in {"done", "refused", "unprocessed"}
