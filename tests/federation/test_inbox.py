"""The inboxes' own checks (turnout.federation.inbox): what needs no key and no network,
answered at once; a request that passes is kept for the worker and answered 202.

The bad input of issue 21 for the inbox, each refused with nothing stored and never a
5xx: unsigned, a signature over another body, a Date a day old, the same signed request
twice, a key on another host than the actor, 10 MB, JSON that is not an object, a
Follow sent to a group that does not exist, and a flood from one host."""

import datetime as dt
import json
import uuid

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.federation import remote
from turnout.federation import ids
from turnout.federation.models import InboxItem

pytestmark = pytest.mark.django_db

SHARED = "http://testserver/federation/inbox/"
ALICE = "https://social.example/users/alice"


def follow(group, actor=ALICE, n=1) -> dict:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{actor}#follows/{n}",
        "type": "Follow",
        "actor": actor,
        "object": ids.group_id(group),
    }


def send(client, activity, *, url=SHARED, key="alice", key_id=None, body=None, **sign):
    key_id = key_id or f"{activity['actor']}#main-key"
    raw, headers = remote.signed(activity, url=url, key=key, key_id=key_id, body=body, **sign)
    return remote.post(client, url, raw, headers)


def test_a_signed_follow_is_kept_and_answered_202_at_once(client, group):
    response = send(client, follow(group))

    assert response.status_code == 202
    item = InboxItem.objects.get()
    assert (item.url, item.actor_id, item.key_id) == (SHARED, ALICE, ALICE + "#main-key")
    assert item.activity_type == "Follow"
    assert item.status == InboxItem.Status.WAITING
    assert json.loads(item.body) == follow(group)
    assert {"signature", "host", "date", "digest"} <= set(item.headers)
    assert "cookie" not in item.headers


def test_the_group_inbox_takes_it_too(client, group):
    url = "http://testserver" + f"/federation/groups/{group.federation_id}/inbox/"
    response = send(client, follow(group), url=url)

    assert response.status_code == 202
    assert InboxItem.objects.get().group == group


def test_a_group_inbox_of_no_group_is_404(client, group):
    url = f"http://testserver/federation/groups/{uuid.uuid4()}/inbox/"
    assert send(client, follow(group), url=url).status_code == 404
    assert not InboxItem.objects.exists()


def test_an_unsigned_post_is_401(client, group):
    response = client.post(SHARED, json.dumps(follow(group)), content_type="application/json")

    assert response.status_code == 401
    assert not InboxItem.objects.exists()


def test_unreadable_signature_headers_are_401(client, group):
    body, headers = remote.signed(follow(group), url=SHARED, key="alice", key_id=ALICE + "#k")
    headers["Signature"] = 'keyId="x",signature=="'
    assert remote.post(client, SHARED, body, headers).status_code == 401
    assert not InboxItem.objects.exists()


def test_a_signature_over_another_body_is_401(client, group):
    other = json.dumps(follow(group, n=2)).encode()
    assert send(client, follow(group), body=other).status_code == 401
    assert not InboxItem.objects.exists()


def test_a_post_without_its_digest_is_401(client, group):
    body, headers = remote.signed(follow(group), url=SHARED, key="alice", key_id=ALICE + "#k")
    del headers["Digest"]
    assert remote.post(client, SHARED, body, headers).status_code == 401
    assert not InboxItem.objects.exists()


def test_a_date_a_day_old_is_401(client, group):
    a_day_ago = timezone.now() - dt.timedelta(days=1)
    assert send(client, follow(group), now=a_day_ago).status_code == 401
    assert send(client, follow(group), now=a_day_ago, scheme="rfc9421").status_code == 401
    assert not InboxItem.objects.exists()


def test_rfc9421_is_taken_too(client, group):
    assert send(client, follow(group), scheme="rfc9421").status_code == 202


def test_a_key_on_another_host_than_the_actor_is_401(client, group):
    response = send(client, follow(group), key_id="https://evil.example/users/eve#main-key")
    assert response.status_code == 401
    assert not InboxItem.objects.exists()


def test_an_activity_without_an_actor_is_refused(client, group):
    activity = {**follow(group)}
    del activity["actor"]
    body, headers = remote.signed(activity, url=SHARED, key="alice", key_id=ALICE + "#k")
    assert remote.post(client, SHARED, body, headers).status_code == 400
    assert not InboxItem.objects.exists()


def test_a_10_mb_body_is_413(client, group):
    activity = {**follow(group), "padding": "x" * (10 * 1024 * 1024)}
    assert send(client, activity).status_code == 413
    assert not InboxItem.objects.exists()


@pytest.mark.parametrize(
    "body", [b"[]", b'"Follow"', b"42", b"null", b"{not json", b"\xff\xfe{}", b""]
)
def test_a_body_that_is_not_a_json_object_is_400(client, group, body):
    assert send(client, follow(group), body=body).status_code in {400, 401}
    assert not InboxItem.objects.exists()


def test_json_that_is_not_an_object_is_400_even_signed(client, group):
    body = b'["Follow"]'
    _raw, headers = remote.signed(follow(group), url=SHARED, key="alice", key_id=ALICE + "#k")
    from turnout.federation import digests

    headers["Digest"] = digests.digest_header(body)  # a valid digest of this very body
    assert remote.post(client, SHARED, body, headers).status_code == 400


def test_the_same_signed_request_twice_is_refused_once_the_first_is_verified(client, group):
    from turnout.federation import inbox_worker, signatures

    body, headers = remote.signed(follow(group), url=SHARED, key="alice", key_id=ALICE + "#k")
    assert remote.post(client, SHARED, body, headers).status_code == 202
    claimed = signatures.claim(inbox_worker.incoming(InboxItem.objects.get()))
    signatures.refuse_replay(claimed)  # what the worker does once it has verified it

    assert remote.post(client, SHARED, body, headers).status_code == 401
    assert InboxItem.objects.count() == 1


@override_settings(TURNOUT_FEDERATION_INBOX_POSTS_PER_MINUTE=3)
def test_a_flood_from_one_host_is_429_and_other_hosts_are_not(client, group):
    answers = [send(client, follow(group, n=n)).status_code for n in range(5)]
    bob = "https://other.example/users/bob"
    other = send(client, follow(group, actor=bob), key="bob").status_code

    assert answers == [202, 202, 202, 429, 429]
    assert other == 202
    assert InboxItem.objects.count() == 4


def test_get_is_405_and_the_answer_is_never_cached_nor_sets_a_cookie(group):
    client = Client(enforce_csrf_checks=True)
    assert client.get(SHARED).status_code == 405
    response = send(client, follow(group))

    assert response.status_code == 202  # no CSRF token, no session: exempt
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


HEADER_NAMES = st.sampled_from(
    ["Signature", "Signature-Input", "Digest", "Content-Digest", "Date", "Host", "X-Other"]
)


@hsettings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    headers=st.dictionaries(HEADER_NAMES, st.text(max_size=200), max_size=6),
    body=st.one_of(
        st.binary(max_size=300),
        st.builds(lambda d: json.dumps(d).encode(), st.dictionaries(st.text(), st.text())),
    ),
)
def test_whatever_the_headers_and_body_never_a_5xx(group, headers, body):
    clean = {k: v for k, v in headers.items() if v.isprintable() and v.isascii()}
    response = remote.post(Client(), SHARED, body, clean)

    assert response.status_code in {400, 401, 413, 429}
    assert not InboxItem.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"type": "Fol\u0000low"},
        {"type": ["Follow"]},
        {"type": "F" * 500},
        {"actor": ALICE + "/\u0000"},
        {"actor": ALICE + "/\n"},
        {"actor": {"id": ALICE}},
        {"actor": ["https://social.example/users/alice"]},
        {"actor": "https://" + "a" * 3000 + ".example/"},
    ],
)
def test_odd_but_signed_activities_are_kept_or_refused_never_a_5xx(client, group, change):
    activity = {**follow(group), **change}
    actor = activity["actor"]
    key_id = (actor["id"] if isinstance(actor, dict) else ALICE) + "#main-key"
    response = send(client, activity, key_id=key_id)

    assert response.status_code in {202, 400, 401}
    for item in InboxItem.objects.all():
        assert "\u0000" not in item.actor_id + item.activity_type
