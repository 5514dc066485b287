"""What Mastodon, Mobilizon and Gancio send a group's inbox (fixtures/*_inbox.json, each
document citing the peer's file it was written from), accepted or refused as it should
be: through the real view and the real worker task, the actors served by a real HTTP
server on 127.0.0.2, each request signed with a key the test makes."""

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.federation import remote
from tests.federation.keys import keypair
from turnout.federation import ids, tasks
from turnout.federation.models import Delivery, Follower, InboxItem, RemoteActor

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
HOSTS = {
    "mastodon": "https://mastodon.example",
    "mobilizon": "https://mobilizon.example",
    "gancio": "https://gancio.example",
}
SHARED = "http://testserver/federation/inbox/"


@pytest.fixture
def server():
    with remote.RemoteServer() as running:
        yield running


def peer(name: str, server, group) -> dict:
    """The peer's documents on the test server's host, following ``group``; its actor
    served with the test's key."""
    text = (FIXTURES / f"{name}_inbox.json").read_text()
    text = text.replace(HOSTS[name], server.base).replace('GROUP"', ids.group_id(group) + '"')
    text = text.replace("GROUP#", ids.group_id(group) + "#")
    documents = {
        key: {k: v for k, v in value.items() if k != "_source"}
        for key, value in json.loads(text).items()
        if key != "_source"
    }
    actor = documents["actor"]
    actor["publicKey"]["publicKeyPem"] = keypair(name)[1]
    server.documents[urlsplit(actor["id"]).path] = actor
    return documents


def deliver(client, activity: dict, *, key: str, key_id: str) -> InboxItem:
    body, headers = remote.signed(activity, url=SHARED, key=key, key_id=key_id)
    response = remote.post(client, SHARED, body, headers)
    assert response.status_code == 202, response.content
    item = InboxItem.objects.latest("pk")
    tasks.work_inbox_item.call(item.pk)
    item.refresh_from_db()
    return item


def key_id(documents: dict) -> str:
    return documents["actor"]["publicKey"]["id"]


@pytest.mark.parametrize("name", HOSTS)
def test_a_peers_follow_is_accepted(client, group, server, name):
    documents = peer(name, server, group)
    item = deliver(client, documents["follow"], key=name, key_id=key_id(documents))

    assert item.status == InboxItem.Status.DONE, item.reason
    actor = documents["actor"]
    follower = Follower.objects.get(group=group)
    assert (follower.actor_id, follower.inbox) == (actor["id"], actor["inbox"])
    assert follower.shared_inbox == actor.get("endpoints", {}).get("sharedInbox", "")
    assert follower.accepted_at is not None
    accept = json.loads(Delivery.objects.get(inbox=actor["inbox"]).activity.body)
    assert accept["type"] == "Accept"
    assert accept["object"]["id"] == documents["follow"]["id"]


@pytest.mark.parametrize("name", HOSTS)
def test_a_peers_undo_follow_removes_it(client, group, server, name):
    documents = peer(name, server, group)
    deliver(client, documents["follow"], key=name, key_id=key_id(documents))
    item = deliver(client, documents["undo_follow"], key=name, key_id=key_id(documents))

    assert item.status == InboxItem.Status.DONE, item.reason
    assert not Follower.objects.exists()


@pytest.mark.parametrize("name", ["mastodon", "mobilizon"])
def test_a_peers_delete_of_its_actor_removes_its_follows(client, group, server, name):
    documents = peer(name, server, group)
    deliver(client, documents["follow"], key=name, key_id=key_id(documents))
    server.documents.clear()  # the account is gone, and its key with it
    item = deliver(client, documents["delete_actor"], key=name, key_id=key_id(documents))

    assert item.status == InboxItem.Status.DONE, item.reason
    assert not Follower.objects.exists()
    assert not RemoteActor.objects.exists()


def test_older_gancio_signing_with_the_actors_id_as_key_id_is_accepted(client, group, server):
    """Gancio before 1.x signed with ``keyId="<actor id>"`` (lesion/gancio
    server/federation/helpers.js, signAndSend), while its actor names the key
    ``<actor id>#main-key``: the actor's one key is the one meant."""
    documents = peer("gancio", server, group)
    actor_id = documents["actor"]["id"]
    item = deliver(client, documents["follow"], key="gancio", key_id=actor_id)

    assert item.status == InboxItem.Status.DONE, item.reason
    assert Follower.objects.get().actor_id == actor_id


def test_a_mastodon_create_note_is_kept_unprocessed(client, group, server):
    text = (FIXTURES / "mastodon_note.json").read_text()
    note = json.loads(text.replace(HOSTS["mastodon"], server.base))
    note.pop("_source")
    server.actor("renters", key="mastodon")
    item = deliver(client, note, key="mastodon", key_id=note["actor"] + "#main-key")

    assert item.status == InboxItem.Status.UNPROCESSED
    assert not Follower.objects.exists()
    assert not server.requests  # nothing is fetched for what Turnout does not act on


def test_a_peers_follow_signed_with_another_key_is_refused(client, group, server):
    documents = peer("mastodon", server, group)
    item = deliver(client, documents["follow"], key="mobilizon", key_id=key_id(documents))

    assert item.status == InboxItem.Status.REFUSED
    assert not Follower.objects.exists()
