"""The Mastodon-shaped peer (tests/federation/peer/) is a real check, not a rubber
stamp: what Turnout signs, it verifies; what Mastodon refuses
(mastodon/mastodon app/controllers/concerns/signature_verification.rb), it refuses,
with the reason. Turnout's own signer makes the requests here: the end-to-end test
(test_end_to_end.py) has Turnout's worker send them."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from tests.factories import make_event, make_group
from tests.federation.peer import client
from turnout.federation import activities, ids, keys, signatures


def post_signed(peer, activity: dict, *, group, body: bytes | None = None, **sign) -> dict:
    """POST ``activity`` to the peer's shared inbox, signed by ``group``'s key as Turnout
    signs; ``body`` replaces what is sent after signing. The peer's record of it."""
    inbox = f"{peer.url}/inbox"
    signed_body = json.dumps(activity).encode()
    headers = signatures.sign(
        method="POST",
        url=inbox,
        headers={"Content-Type": ids.ACTIVITY_JSON},
        body=signed_body,
        private_key_pem=keys.key_pair(group=group).private_key_pem.decode(),
        key_id=ids.key_id(group),
        **sign,
    )
    status, _answer = client.post(inbox, signed_body if body is None else body, headers)
    entry = peer.received()[-1]
    assert status == (202 if entry["verified"] else 401)
    return entry


@pytest.fixture
def published(turnout_site, organiser):
    group = make_group(owner=organiser, name="Riverside Tenants", slug="riverside")
    return make_event(group=group, title="Rent strike assembly")


def test_a_create_signed_by_turnout_is_verified_and_becomes_a_post(peer, published):
    entry = post_signed(peer, activities.create(published), group=published.group)

    assert entry["verified"], entry.get("reason")
    assert entry["signer"] == ids.group_id(published.group)
    assert entry["outcome"]["effect"] == "post"
    assert entry["outcome"]["post"]["text"].startswith("<h2>Rent strike assembly</h2>")
    assert entry["outcome"]["in_home_feed"] is False  # nobody here follows the group


def test_an_unsigned_post_is_refused(peer, published):
    status, _ = client.post(f"{peer.url}/inbox", b"{}", {"Content-Type": ids.ACTIVITY_JSON})

    assert status == 401
    assert peer.received()[-1]["reason"] == "Request not signed"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"body": b'{"type": "Delete"}'}, "Invalid Digest value"),
        ({"now": timezone.now() - dt.timedelta(hours=13)}, "outside acceptable time window"),
        ({"covered": ["(request-target)", "host", "date"]}, "requires the digest"),
        # Mastodon before its RFC 9421 support, as the peer: Turnout must send cavage.
        ({"scheme": "rfc9421"}, "Incompatible request signature"),
    ],
    ids=["body-changed", "date-13-hours-old", "digest-not-signed", "rfc9421-only"],
)
def test_what_mastodon_refuses_the_peer_refuses(peer, published, change, reason):
    entry = post_signed(peer, activities.create(published), group=published.group, **change)

    assert not entry["verified"]
    assert reason in entry["reason"]


def test_a_key_of_another_actor_is_refused(peer, published, organiser):
    other = make_group(owner=organiser, name="Another Group", slug="another")

    entry = post_signed(peer, activities.create(published), group=other)

    assert not entry["verified"]
    assert entry["reason"] == (
        f"Signed by {ids.group_id(other)} for the actor {ids.group_id(published.group)!r}"
    )
