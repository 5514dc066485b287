"""The inbox's worker when the signer's actor cannot be fetched for a passing reason
(turnout.federation.remote_actors, ``Passing``): the item stays waiting and the task is
enqueued again later, with back-off; once the actor answers, the Follow is acted on
(the sender had its 202 and will not send it again). After the last attempt the item is
refused, with the reason, logged. A permanent failure (404, 410…) is refused at once.

The actor's server is real, on 127.0.0.2 (tests/federation/remote.py), failing the first
GETs with a 503 or by not answering before the fetcher's deadline (set short here)."""

import datetime as dt
import json
import logging
import socket

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.federation import remote
from turnout.core.tasks import TryAgain
from turnout.federation import ids, signatures, tasks
from turnout.federation.models import Delivery, Follower, InboxItem

pytestmark = pytest.mark.django_db

SHARED = "http://testserver/federation/inbox/"
WAITING, DONE, REFUSED = (
    InboxItem.Status.WAITING,
    InboxItem.Status.DONE,
    InboxItem.Status.REFUSED,
)


@pytest.fixture
def server():
    with remote.RemoteServer() as running:
        yield running


@pytest.fixture(autouse=True)
def short_deadline(settings):
    settings.TURNOUT_FEDERATION_TIMEOUT_SECONDS = 0.5
    settings.TURNOUT_FEDERATION_FETCH_ATTEMPTS = 3
    settings.TURNOUT_FEDERATION_FETCH_RETRY_SECONDS = 60


def follow(actor: dict, obj: str) -> dict:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": actor["id"] + "#follows/1",
        "type": "Follow",
        "actor": actor["id"],
        "object": obj,
    }


def receive(client, activity: dict, key: str) -> InboxItem:
    """POST it through the real view (202): the item the door kept, not yet worked on."""
    body, headers = remote.signed(
        activity, url=SHARED, key=key, key_id=activity["actor"] + "#main-key"
    )
    response = remote.post(client, SHARED, body, headers)
    assert response.status_code == 202, response.content
    return InboxItem.objects.latest("pk")


def run(item: InboxItem, attempt: int = 1) -> str:
    """Run the real task as a worker would run attempt ``attempt``."""
    outcome = tasks.work_inbox_item.call(item.pk, attempt=attempt)
    item.refresh_from_db()
    return outcome


def retries(item: InboxItem) -> list[DBTaskResult]:
    """The task runs enqueued again for ``item`` (attempt 2 and later), oldest first."""
    return [
        run
        for run in DBTaskResult.objects.filter(task_path__endswith="work_inbox_item").order_by(
            "enqueued_at"
        )
        if run.args_kwargs["args"] == [item.pk] and run.args_kwargs["kwargs"].get("attempt", 1) > 1
    ]


@pytest.mark.parametrize("how", ["503", "500", "502", "429", "408", "hang"])
def test_a_passing_failure_leaves_the_item_waiting_then_the_retry_acts(client, group, server, how):
    alice = server.actor("alice")
    item = receive(client, follow(alice, ids.group_id(group)), "alice")
    server.fail(1, how)
    before = timezone.now()

    run(item)

    assert item.status == WAITING
    assert item.reason  # why it waits, for the admin
    assert not Follower.objects.exists()
    [again] = retries(item)
    assert again.args_kwargs["kwargs"]["attempt"] == 2
    assert again.run_after > before + dt.timedelta(seconds=60 * 0.8 - 1)  # back-off, jittered

    run(item, attempt=2)

    assert item.status == DONE
    assert Follower.objects.get(group=group).actor_id == alice["id"]
    accept = json.loads(Delivery.objects.get().activity.body)
    assert accept["type"] == "Accept"
    assert accept["object"]["id"] == alice["id"] + "#follows/1"


def test_each_retry_waits_longer(client, group, server):
    alice = server.actor("alice")
    item = receive(client, follow(alice, ids.group_id(group)), "alice")
    server.fail(2)

    run(item)
    run(item, attempt=2)

    assert item.status == WAITING
    first, second = retries(item)
    assert second.args_kwargs["kwargs"]["attempt"] == 3
    assert second.run_after - second.enqueued_at > first.run_after - first.enqueued_at


def test_after_the_last_attempt_the_item_is_refused_and_logged(client, group, server, caplog):
    alice = server.actor("alice")
    item = receive(client, follow(alice, ids.group_id(group)), "alice")
    server.fail(3)

    run(item)
    run(item, attempt=2)
    with caplog.at_level(logging.INFO, logger="turnout.federation"), pytest.raises(TryAgain):
        run(item, attempt=3)  # the task fails visibly, as the email's do
    item.refresh_from_db()

    assert item.status == REFUSED
    assert "503" in item.reason
    assert f"Inbox item {item.pk}" in caplog.text
    assert "refused" in caplog.text
    assert not Follower.objects.exists()
    assert not Delivery.objects.exists()
    assert len(retries(item)) == 2  # attempts 2 and 3, no fourth
    assert len(server.requests) == 3


@pytest.mark.parametrize("status", ["404", "410", "403", "401"])
def test_a_permanent_failure_is_refused_at_once(client, group, server, status, caplog):
    alice = server.actor("alice")
    item = receive(client, follow(alice, ids.group_id(group)), "alice")
    server.fail(1, status)

    with caplog.at_level(logging.INFO, logger="turnout.federation"):
        run(item)

    assert item.status == REFUSED
    assert item.reason
    assert alice["id"] in caplog.text
    assert retries(item) == []
    assert len(server.requests) == 1


def test_a_document_that_is_not_json_is_refused_at_once(client, group, server):
    alice = server.actor("alice")
    item = receive(client, follow(alice, ids.group_id(group)), "alice")
    server.documents["/users/alice"] = ["not", "an", "object"]

    run(item)

    assert item.status == REFUSED
    assert retries(item) == []


def test_a_retry_after_the_item_was_acted_on_does_nothing_again(client, group, server):
    """A retry run twice (a worker killed after it acted, its run put back): the item's
    status is the guard, nothing is acted on twice."""
    alice = server.actor("alice")
    item = receive(client, follow(alice, ids.group_id(group)), "alice")
    server.fail(1)
    run(item)
    run(item, attempt=2)

    assert run(item, attempt=2) == "gone"
    assert item.status == DONE
    assert Delivery.objects.count() == 1


def test_a_retry_verifies_the_signature_as_of_its_arrival(client, group, server):
    """The retry comes later than the Date window allows; the signature is checked at the
    moment the request arrived, so the retried item is not stale."""
    alice = server.actor("alice")
    activity = follow(alice, ids.group_id(group))
    item = receive(client, activity, "alice")
    server.fail(1)
    run(item)
    # As if the request had arrived 13 hours ago, past the 12-hour window (signed then, kept then).
    then = timezone.now() - dt.timedelta(hours=13)
    _body, headers = remote.signed(
        activity, url=SHARED, key="alice", key_id=alice["id"] + "#main-key", now=then
    )
    signed = {name.lower(): value for name, value in headers.items()}
    item.headers = {name: signed.get(name.lower(), value) for name, value in item.headers.items()}
    item.received_at = then
    item.save()
    with pytest.raises(signatures.SignatureRefused):  # stale, as of now
        signatures.verify(
            signatures.Incoming("POST", item.url, item.headers, item.body.encode()),
            public_key_pem=alice["publicKey"]["publicKeyPem"],
        )

    run(item, attempt=2)

    assert item.status == DONE
    assert Follower.objects.exists()


def test_a_refused_connection_is_passing(client, group, server):
    """Nothing listens on the actor's port (its server restarting): tried again later."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.2", 0))
        port = probe.getsockname()[1]
    actor_id = f"http://127.0.0.2:{port}/users/alice"
    item = receive(client, follow({"id": actor_id}, ids.group_id(group)), "alice")

    run(item)

    assert item.status == WAITING
    assert "unreachable" in item.reason
    assert len(retries(item)) == 1


def test_an_answer_over_a_megabyte_is_refused_at_once(client, group, server):
    alice = server.actor("alice", summary="x" * (1024 * 1024 + 1))
    item = receive(client, follow(alice, ids.group_id(group)), "alice")

    run(item)

    assert item.status == REFUSED
    assert "too_large" in item.reason
    assert retries(item) == []


def test_a_private_address_is_refused_at_once(client, group, server, settings):
    """As in production, where federation never reaches loopback or private addresses."""
    alice = server.actor("alice")
    item = receive(client, follow(alice, ids.group_id(group)), "alice")
    settings.TURNOUT_FEDERATION_ALLOW_PRIVATE_ADDRESSES = False

    run(item)

    assert item.status == REFUSED
    assert "private" in item.reason
    assert retries(item) == []
    assert server.requests == []
