"""draft-cavage-http-signatures-12, appendix C: the published test key and request.

The "All Headers Test" signature (C.3) was made by the draft's authors, not by Turnout:
an independent, hand-checkable example that Turnout's draft-cavage verifier reads.
"""

import datetime as dt

import pytest

from turnout.federation import signatures
from turnout.federation.signatures import Incoming, Refusal, SignatureRefused

# Appendix C, "Test Public Key" (a 1024-bit RSA key).
PUBLIC_KEY = """-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDCFENGw33yGihy92pDjZQhl0C3
6rPJj+CvfSC8+q28hxA161QFNUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6
Z4UMR7EOcpfdUE9Hf3m/hs+FUR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJw
oYi+1hqp1fIekaxsyQIDAQAB
-----END PUBLIC KEY-----
"""
URL = "https://example.com/foo?param=value&pet=dog"
BODY = b'{"hello": "world"}'
WHEN = dt.datetime(2014, 1, 5, 21, 31, 40, tzinfo=dt.UTC)
HEADERS = {
    "Host": "example.com",
    "Date": "Sun, 05 Jan 2014 21:31:40 GMT",
    "Content-Type": "application/json",
    "Digest": "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=",
    "Content-Length": "18",
}
ALL_HEADERS = (
    'keyId="Test",algorithm="rsa-sha256",'
    'headers="(request-target) host date content-type digest content-length",'
    'signature="vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+MFHB32NfpB2'
    "bEKBIvB1q52LaEUHFv120V01IL+TAD48XaERZFukWgHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly4z"
    'KH7s1dE="'
)


def test_the_digest_of_the_drafts_body_is_the_drafts():
    assert signatures.digest_header(BODY) == HEADERS["Digest"]


def test_the_drafts_all_headers_signature_verifies():
    incoming = Incoming("POST", URL, {**HEADERS, "Signature": ALL_HEADERS}, BODY)

    verified = signatures.verify(incoming, public_key_pem=PUBLIC_KEY, now=WHEN, min_key_bits=1024)

    assert (verified.key_id, verified.scheme, verified.created) == ("Test", "cavage", WHEN)


def test_the_drafts_signature_over_another_body_refused():
    incoming = Incoming("POST", URL, {**HEADERS, "Signature": ALL_HEADERS}, b'{"hello": "mars"}')

    with pytest.raises(SignatureRefused) as caught:
        signatures.verify(incoming, public_key_pem=PUBLIC_KEY, now=WHEN, min_key_bits=1024)

    assert caught.value.reason is Refusal.DIGEST_MISMATCH


def test_the_drafts_signature_with_a_changed_content_type_refused():
    headers = {**HEADERS, "Content-Type": "text/plain", "Signature": ALL_HEADERS}

    with pytest.raises(SignatureRefused) as caught:
        signatures.verify(
            Incoming("POST", URL, headers, BODY),
            public_key_pem=PUBLIC_KEY,
            now=WHEN,
            min_key_bits=1024,
        )

    assert caught.value.reason is Refusal.BAD_SIGNATURE


def test_the_drafts_basic_test_without_digest_refused_on_post():
    """C.2 signs only (request-target) host date: fine for a GET, not for Mastodon's POST."""
    basic = (
        'keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date",signature="AA=="'
    )

    with pytest.raises(SignatureRefused) as caught:
        signatures.verify(
            Incoming("POST", URL, {**HEADERS, "Signature": basic}, BODY),
            public_key_pem=PUBLIC_KEY,
            now=WHEN,
            min_key_bits=1024,
        )

    assert caught.value.reason is Refusal.NOT_COVERED
