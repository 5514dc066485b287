"""HTTP signatures: what Turnout signs verifies, and each attack of issue 21 is refused
with its own reason.

The required coverage is Mastodon's (mastodon/mastodon
app/controllers/concerns/signature_verification.rb, ``verify_signature_strength!`` and
``verify_body_digest!``): (request-target), host, date and, on POST, digest.
"""

import base64
import datetime as dt
import hashlib

import pytest
from django.test import RequestFactory

from tests.federation.keys import keypair
from turnout.federation import signatures
from turnout.federation.signatures import Incoming, Refusal, SignatureRefused

INBOX = "https://turnout.example/federation/inbox/"
KEY_ID = "https://social.example/users/ana#main-key"
ACTOR = "https://social.example/users/ana"
BODY = b'{"type": "Follow", "actor": "https://social.example/users/ana"}'
NOW = dt.datetime(2026, 6, 11, 18, 0, tzinfo=dt.UTC)
SCHEMES = ["cavage", "rfc9421"]


def signed(scheme, *, body=BODY, method="POST", url=INBOX, key="ana", now=NOW, key_id=KEY_ID):
    private, _public = keypair(key)
    headers = signatures.sign(
        method=method,
        url=url,
        headers={"Content-Type": "application/activity+json"},
        body=body,
        private_key_pem=private,
        key_id=key_id,
        scheme=scheme,
        now=now,
    )
    return Incoming(method=method, url=url, headers=headers, body=body)


def refusal(incoming, *, key="ana", now=NOW):
    with pytest.raises(SignatureRefused) as caught:
        signatures.verify(incoming, public_key_pem=keypair(key)[1], now=now)
    return caught.value.reason


@pytest.mark.parametrize("scheme", SCHEMES)
def test_signed_post_verifies(scheme):
    verified = signatures.verify(signed(scheme), public_key_pem=keypair("ana")[1], now=NOW)

    assert (verified.key_id, verified.scheme) == (KEY_ID, scheme)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_signed_get_verifies_without_a_body(scheme):
    incoming = signed(scheme, method="GET", body=b"", url="https://turnout.example/x?page=2")

    assert signatures.verify(incoming, public_key_pem=keypair("ana")[1], now=NOW).key_id == KEY_ID


def test_cavage_headers_are_the_ones_mastodon_requires():
    headers = signed("cavage").headers

    params = dict(
        part.split("=", 1) for part in headers["Signature"].split(",")
    )  # values are quoted
    assert params["headers"] == '"(request-target) host date digest"'
    assert params["algorithm"] == '"rsa-sha256"'
    assert params["keyId"] == f'"{KEY_ID}"'
    assert headers["Host"] == "turnout.example"
    assert headers["Date"] == "Thu, 11 Jun 2026 18:00:00 GMT"
    expected = base64.b64encode(hashlib.sha256(BODY).digest()).decode()
    assert headers["Digest"] == f"SHA-256={expected}"


def test_rfc9421_headers_cover_method_target_and_content_digest():
    headers = signed("rfc9421").headers

    assert headers["Signature-Input"] == (
        'sig1=("@method" "@target-uri" "content-digest");'
        f'created={int(NOW.timestamp())};keyid="{KEY_ID}";alg="rsa-v1_5-sha256"'
    )
    expected = base64.b64encode(hashlib.sha256(BODY).digest()).decode()
    assert headers["Content-Digest"] == f"sha-256=:{expected}:"
    assert headers["Signature"].startswith("sig1=:")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_key_id_to_fetch(scheme):
    assert signatures.key_id_of(signed(scheme)) == KEY_ID


def test_incoming_from_a_django_request(settings):
    settings.ALLOWED_HOSTS = ["turnout.example"]
    private, public = keypair("ana")
    headers = signatures.sign(
        method="POST", url=INBOX, headers={}, body=BODY, private_key_pem=private,
        key_id=KEY_ID, scheme="cavage", now=NOW,
    )  # fmt: skip
    meta = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    request = RequestFactory().post(
        "/federation/inbox/", BODY, content_type="application/activity+json",
        secure=True, SERVER_NAME="turnout.example", **meta,
    )  # fmt: skip

    incoming = Incoming.from_request(request)

    assert signatures.verify(incoming, public_key_pem=public, now=NOW).key_id == KEY_ID


# The attacks of issue 21, one test each.


def test_unsigned_post_refused():
    incoming = Incoming(method="POST", url=INBOX, headers={"Date": "x"}, body=BODY)

    assert refusal(incoming) is Refusal.UNSIGNED


@pytest.mark.parametrize("scheme", SCHEMES)
def test_signature_over_another_body_refused(scheme):
    incoming = signed(scheme)
    tampered = Incoming(incoming.method, incoming.url, incoming.headers, b'{"type": "Delete"}')

    assert refusal(tampered) is Refusal.DIGEST_MISMATCH


@pytest.mark.parametrize("scheme", SCHEMES)
def test_date_a_day_old_refused(scheme):
    incoming = signed(scheme, now=NOW - dt.timedelta(days=1))

    assert refusal(incoming) is Refusal.STALE


@pytest.mark.parametrize("scheme", SCHEMES)
def test_date_eleven_hours_old_accepted(scheme):
    incoming = signed(scheme, now=NOW - dt.timedelta(hours=11))

    assert signatures.verify(incoming, public_key_pem=keypair("ana")[1], now=NOW)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_signature_made_with_another_key_refused(scheme):
    assert refusal(signed(scheme, key="mallory")) is Refusal.BAD_SIGNATURE


@pytest.mark.parametrize("scheme", SCHEMES)
def test_signature_for_another_url_refused(scheme):
    incoming = signed(scheme)
    moved = Incoming("POST", "https://turnout.example/federation/groups/x/inbox/",
                     incoming.headers, BODY)  # fmt: skip

    assert refusal(moved) is Refusal.BAD_SIGNATURE


def test_cavage_signature_not_covering_digest_on_post_refused():
    private, _ = keypair("ana")
    headers = signatures.sign(
        method="POST", url=INBOX, headers={}, body=BODY, private_key_pem=private,
        key_id=KEY_ID, scheme="cavage", now=NOW, covered=["(request-target)", "host", "date"],
    )  # fmt: skip

    assert refusal(Incoming("POST", INBOX, headers, BODY)) is Refusal.NOT_COVERED


def test_rfc9421_signature_not_covering_content_digest_on_post_refused():
    private, _ = keypair("ana")
    headers = signatures.sign(
        method="POST", url=INBOX, headers={}, body=BODY, private_key_pem=private,
        key_id=KEY_ID, scheme="rfc9421", now=NOW, covered=["@method", "@target-uri"],
    )  # fmt: skip

    assert refusal(Incoming("POST", INBOX, headers, BODY)) is Refusal.NOT_COVERED


def test_cavage_signature_not_covering_host_refused():
    private, _ = keypair("ana")
    headers = signatures.sign(
        method="GET", url=INBOX, headers={}, body=b"", private_key_pem=private,
        key_id=KEY_ID, scheme="cavage", now=NOW, covered=["(request-target)", "date"],
    )  # fmt: skip

    assert refusal(Incoming("GET", INBOX, headers, b"")) is Refusal.NOT_COVERED


def test_key_id_on_another_host_than_the_actor_refused():
    with pytest.raises(SignatureRefused) as caught:
        signatures.check_key_owner("https://evil.example/users/ana#main-key", actor_id=ACTOR)

    assert caught.value.reason is Refusal.KEY_HOST_MISMATCH


def test_key_id_on_the_actors_host_accepted():
    signatures.check_key_owner(KEY_ID, actor_id=ACTOR)


@pytest.mark.django_db
@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_same_signed_request_twice_refused_as_a_replay(scheme):
    verified = signatures.verify(signed(scheme), public_key_pem=keypair("ana")[1], now=NOW)
    signatures.refuse_replay(verified)

    again = signatures.verify(signed(scheme), public_key_pem=keypair("ana")[1], now=NOW)
    with pytest.raises(SignatureRefused) as caught:
        signatures.refuse_replay(again)

    assert caught.value.reason is Refusal.REPLAY


@pytest.mark.django_db
def test_two_different_signed_requests_are_not_replays():
    for body in (b'{"n": 1}', b'{"n": 2}'):
        incoming = signed("cavage", body=body)
        signatures.refuse_replay(
            signatures.verify(incoming, public_key_pem=keypair("ana")[1], now=NOW)
        )


@pytest.mark.parametrize("scheme", ["cavage"])
def test_signature_for_another_host_sent_to_turnout_refused(scheme):
    elsewhere = signed(scheme, url="https://other.example/federation/inbox/")
    relayed = Incoming("POST", INBOX, elsewhere.headers, BODY)

    assert refusal(relayed) is Refusal.BAD_SIGNATURE


@pytest.mark.django_db
def test_a_replay_hours_later_lands_on_the_same_counter():
    """Counted at the signature's own time, not the clock's: no window boundary between
    the first sighting and the replay can let it through."""
    verified = signatures.verify(signed("rfc9421"), public_key_pem=keypair("ana")[1], now=NOW)
    signatures.refuse_replay(verified)

    later = signatures.verify(
        signed("rfc9421"), public_key_pem=keypair("ana")[1], now=NOW + dt.timedelta(hours=11)
    )
    with pytest.raises(SignatureRefused) as caught:
        signatures.refuse_replay(later)

    assert caught.value.reason is Refusal.REPLAY


def test_mastodon_style_request_target_without_the_query_accepted():
    """Mastodon signs ``(request-target)`` as the verb and the URL's path alone, without its
    query (mastodon/mastodon app/lib/request.rb, ``set_common_headers!``)."""
    private, public = keypair("ana")
    headers = signatures.sign(
        method="GET", url="https://turnout.example/federation/groups/x/outbox/", headers={},
        body=b"", private_key_pem=private, key_id=KEY_ID, scheme="cavage", now=NOW,
    )  # fmt: skip
    incoming = Incoming(
        "GET", "https://turnout.example/federation/groups/x/outbox/?page=2", headers, b""
    )

    assert signatures.verify(incoming, public_key_pem=public, now=NOW).key_id == KEY_ID


@pytest.mark.django_db
@pytest.mark.parametrize("scheme", SCHEMES)
def test_verifying_stores_nothing_only_the_replay_check_counts(scheme, django_assert_num_queries):
    incoming = signed(scheme)
    tampered = Incoming(incoming.method, incoming.url, incoming.headers, b"{}")

    with django_assert_num_queries(0):
        verified = signatures.verify(incoming, public_key_pem=keypair("ana")[1], now=NOW)
        with pytest.raises(SignatureRefused):
            signatures.verify(tampered, public_key_pem=keypair("ana")[1], now=NOW)
    with django_assert_num_queries(1):
        signatures.refuse_replay(verified)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_key_under_2048_bits_refused(scheme):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    short = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 -- the point of the test
    private = short.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        short.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    headers = signatures.sign(
        method="POST", url=INBOX, headers={}, body=BODY, private_key_pem=private,
        key_id=KEY_ID, scheme=scheme, now=NOW,
    )  # fmt: skip
    incoming = Incoming(method="POST", url=INBOX, headers=headers, body=BODY)
    with pytest.raises(SignatureRefused) as caught:
        signatures.verify(incoming, public_key_pem=public, now=NOW)

    assert caught.value.reason == Refusal.BAD_KEY


@pytest.mark.parametrize("scheme", SCHEMES)
def test_claim_reads_key_id_time_and_digest_without_the_key(scheme):
    claimed = signatures.claim(signed(scheme, now=dt.datetime.now(dt.UTC)))

    assert claimed.key_id == KEY_ID
    assert {"digest", "content-digest"} & set(claimed.covered)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_claim_refuses_a_stale_date_or_another_body_without_the_key(scheme):
    with pytest.raises(SignatureRefused) as caught:
        signatures.claim(signed(scheme), now=NOW + dt.timedelta(days=1))
    assert caught.value.reason == Refusal.STALE
    other = signed(scheme, now=NOW)
    other = Incoming(other.method, other.url, other.headers, b"{}")
    with pytest.raises(SignatureRefused) as caught:
        signatures.claim(other, now=NOW)
    assert caught.value.reason == Refusal.DIGEST_MISMATCH
