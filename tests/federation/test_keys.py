"""Actor keys: RSA 2048, made when an actor first needs one (one row, even when two
requests race), the private half encrypted at rest under a key derived from
TURNOUT_SECRET_KEY."""

import pytest
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from tests.concurrency import race
from tests.factories import make_group
from turnout.federation import keys
from turnout.federation.models import ActorKey


@pytest.mark.django_db
def test_the_private_key_is_stored_encrypted_and_signs_for_the_public_one():
    group = make_group()

    pair = keys.key_pair(group=group)

    row = ActorKey.objects.get(group=group)
    clear = pair.private_key.private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()
    ).decode()
    assert "PRIVATE KEY" not in row.private_key_encrypted
    # No line of the key in the clear is in what is stored (64 characters: never by chance).
    lines = [line for line in clear.splitlines() if len(line) == 64]
    assert len(lines) > 20
    assert not [line for line in lines if line in row.private_key_encrypted]
    signature = pair.private_key.sign(b"hello", padding.PKCS1v15(), SHA256())
    pair.private_key.public_key().verify(signature, b"hello", padding.PKCS1v15(), SHA256())
    assert pair.public_key_pem == row.public_key_pem


@pytest.mark.django_db
def test_the_instance_actor_key_is_its_own():
    group = make_group()

    assert keys.key_pair(group=None).public_key_pem != keys.key_pair(group=group).public_key_pem
    assert ActorKey.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_requests_racing_make_one_key():
    group = make_group()

    pems = race(2, lambda i: keys.key_pair(group=group).public_key_pem)

    assert ActorKey.objects.filter(group=group).count() == 1
    assert pems[0] == pems[1]


@pytest.mark.django_db
def test_a_new_secret_key_makes_a_new_key_pair(settings, caplog):
    group = make_group()
    old = keys.key_pair(group=group).public_key_pem

    settings.SECRET_KEY = "another-secret-" + "y" * 40
    new = keys.key_pair(group=group)

    assert new.public_key_pem != old
    assert ActorKey.objects.filter(group=group).count() == 1
    assert "could not be decrypted" in caplog.text


@pytest.mark.django_db
def test_an_old_secret_in_the_fallbacks_still_reads_the_key(settings):
    group = make_group()
    old = keys.key_pair(group=group).public_key_pem
    previous = settings.SECRET_KEY

    settings.SECRET_KEY = "another-secret-" + "y" * 40
    settings.SECRET_KEY_FALLBACKS = [previous]

    assert keys.key_pair(group=group).public_key_pem == old


@pytest.mark.django_db
def test_a_key_read_through_a_fallback_is_re_encrypted_with_the_new_secret(settings):
    group = make_group()
    old = keys.key_pair(group=group)
    previous = settings.SECRET_KEY

    settings.SECRET_KEY = "another-secret-" + "y" * 40
    settings.SECRET_KEY_FALLBACKS = [previous]
    keys.key_pair(group=group)
    settings.SECRET_KEY_FALLBACKS = []  # the admin drops the old secret afterwards

    again = keys.key_pair(group=group)
    assert again.public_key_pem == old.public_key_pem
    assert again.private_key_pem == old.private_key_pem
