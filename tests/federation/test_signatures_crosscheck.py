"""Cross-checks with independent implementations, both ways (issue 21, "Done when"):
``http-message-signatures`` for RFC 9421 and ``httpsig`` for draft-cavage-http-signatures-12.
And hostile Signature headers: whatever the text, a SignatureRefused, never anything else.
"""

import contextlib
import datetime as dt
import functools
from dataclasses import dataclass, field

import httpsig
import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from django.utils import timezone
from http_message_signatures import HTTPMessageSigner, HTTPMessageVerifier, algorithms
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.federation.keys import keypair
from turnout.federation import signatures
from turnout.federation.signatures import Incoming, SignatureRefused

INBOX = "https://turnout.example/federation/inbox/"
KEY_ID = "https://social.example/users/ana#main-key"
BODY = b'{"type": "Create", "object": {"type": "Event", "name": "Tenants\' meeting"}}'


@dataclass
class Message:
    """The message shape http-message-signatures reads: method, url, headers."""

    method: str
    url: str
    headers: dict = field(default_factory=dict)


class Keys:
    def __init__(self, private_pem, public_pem):
        self.private = load_pem_private_key(private_pem.encode(), password=None)
        self.public = load_pem_public_key(public_pem.encode())

    def resolve_private_key(self, key_id):
        return self.private

    def resolve_public_key(self, key_id):
        return self.public


def test_rfc9421_made_by_turnout_verifies_with_http_message_signatures():
    private, public = keypair("ana")
    headers = signatures.sign(
        method="POST", url=INBOX, headers={}, body=BODY, private_key_pem=private,
        key_id=KEY_ID, scheme="rfc9421",
    )  # fmt: skip
    verifier = HTTPMessageVerifier(
        signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=Keys(private, public)
    )

    results = verifier.verify(
        Message("POST", INBOX, dict(headers)),
        require_components=["@method", "@target-uri", "content-digest"],
        body=BODY,
    )

    assert [result.parameters["keyid"] for result in results] == [KEY_ID]


@pytest.mark.parametrize(
    "components",
    [
        ("@method", "@target-uri", "content-digest"),
        ("@method", "@authority", "@path", "content-digest"),
    ],
)
def test_rfc9421_made_by_http_message_signatures_verifies_with_turnout(components):
    private, public = keypair("ana")
    message = Message("POST", INBOX, {"Content-Type": "application/activity+json"})
    signer = HTTPMessageSigner(
        signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=Keys(private, public)
    )
    signer.sign(message, key_id=KEY_ID, covered_component_ids=components, body=BODY, label="sig1")

    incoming = Incoming("POST", INBOX, message.headers, BODY)
    verified = signatures.verify(incoming, public_key_pem=public)

    assert (verified.key_id, verified.scheme) == (KEY_ID, "rfc9421")


def test_cavage_made_by_turnout_verifies_with_httpsig():
    private, public = keypair("ana")
    headers = signatures.sign(
        method="POST", url=INBOX, headers={}, body=BODY, private_key_pem=private,
        key_id=KEY_ID, scheme="cavage",
    )  # fmt: skip
    verifier = httpsig.HeaderVerifier(
        headers=headers,
        secret=public,
        required_headers=["(request-target)", "host", "date", "digest"],
        method="POST",
        path="/federation/inbox/",
        sign_header="signature",
    )

    assert verifier.verify() is True


@pytest.mark.parametrize("algorithm_name", ["rsa-sha256", None])
def test_cavage_made_by_httpsig_verifies_with_turnout(algorithm_name):
    private, public = keypair("ana")
    date = timezone.now().strftime("%a, %d %b %Y %H:%M:%S GMT")
    headers = {
        "Host": "turnout.example",
        "Date": date,
        "Digest": signatures.digest_header(BODY),
        "Content-Type": "application/activity+json",
    }
    signer = httpsig.HeaderSigner(
        key_id=KEY_ID,
        secret=private,
        algorithm="rsa-sha256",
        headers=["(request-target)", "host", "date", "digest"],
        sign_header="signature",
    )
    signed_headers = dict(signer.sign(headers, method="POST", path="/federation/inbox/"))
    if algorithm_name is None:  # hs2019 senders may leave the algorithm out
        signed_headers["signature"] = signed_headers["signature"].replace(
            'algorithm="rsa-sha256",', ""
        )

    verified = signatures.verify(
        Incoming("POST", INBOX, signed_headers, BODY), public_key_pem=public
    )

    assert (verified.key_id, verified.scheme) == (KEY_ID, "cavage")


def _now_headers(**extra):
    base = {"Host": "turnout.example", "Date": timezone.now().strftime("%a, %d %b %Y %H:%M:%S GMT")}
    return {**base, "Digest": signatures.digest_header(BODY), **extra}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_cavage_signature_header_is_refused_cleanly(text):
    incoming = Incoming("POST", INBOX, _now_headers(Signature=text), BODY)

    with pytest.raises(SignatureRefused):
        signatures.verify(incoming, public_key_pem=keypair("ana")[1])
    with contextlib.suppress(SignatureRefused):
        signatures.key_id_of(incoming)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200))
def test_arbitrary_rfc9421_headers_are_refused_cleanly(signature_input, signature):
    headers = _now_headers(**{"Signature-Input": signature_input, "Signature": signature})
    incoming = Incoming("POST", INBOX, headers, BODY)

    with pytest.raises(SignatureRefused):
        signatures.verify(incoming, public_key_pem=keypair("ana")[1])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["keyId", "headers", "signature", "algorithm", "created", "x"]),
            st.one_of(st.text(max_size=40), st.just("(request-target) host date digest")),
        ),
        max_size=6,
    )
)
def test_well_formed_but_wrong_cavage_parameters_are_refused_cleanly(params):
    text = ",".join(f'{name}="{value}"' for name, value in params)
    incoming = Incoming("POST", INBOX, _now_headers(Signature=text), BODY)

    with pytest.raises(SignatureRefused):
        signatures.verify(incoming, public_key_pem=keypair("ana")[1])


@pytest.mark.parametrize(
    "digest",
    ["", "SHA-256", "SHA-256=", "SHA-256=not base64!", "MD5=abc", "sha-256=:x:", "\x00"],
)
def test_malformed_digest_is_refused_cleanly(digest):
    private, public = keypair("ana")
    headers = signatures.sign(
        method="POST", url=INBOX, headers={}, body=BODY, private_key_pem=private,
        key_id=KEY_ID, scheme="cavage",
    )  # fmt: skip
    headers["Digest"] = digest

    with pytest.raises(SignatureRefused):
        signatures.verify(Incoming("POST", INBOX, headers, BODY), public_key_pem=public)


def test_a_public_key_that_is_not_pem_is_refused_cleanly():
    private, _ = keypair("ana")
    headers = signatures.sign(
        method="POST", url=INBOX, headers={}, body=BODY, private_key_pem=private,
        key_id=KEY_ID, scheme="cavage",
    )  # fmt: skip

    with pytest.raises(SignatureRefused):
        signatures.verify(Incoming("POST", INBOX, headers, BODY), public_key_pem="nonsense")


def test_a_future_date_beyond_the_window_is_refused():
    private, public = keypair("ana")
    headers = signatures.sign(
        method="POST", url=INBOX, headers={}, body=BODY, private_key_pem=private,
        key_id=KEY_ID, scheme="rfc9421", now=timezone.now() + dt.timedelta(hours=13),
    )  # fmt: skip

    with pytest.raises(SignatureRefused):
        signatures.verify(Incoming("POST", INBOX, headers, BODY), public_key_pem=public)


@functools.cache
def _signed_cavage_headers():
    private, _public = keypair("ana")
    return signatures.sign(
        method="POST", url=INBOX, headers={}, body=BODY, private_key_pem=private,
        key_id=KEY_ID, scheme="cavage",
    )  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_date_header_is_refused_cleanly(date):
    headers = {**_signed_cavage_headers(), "Date": date}

    with pytest.raises(SignatureRefused):
        signatures.verify(Incoming("POST", INBOX, headers, BODY), public_key_pem=keypair("ana")[1])
