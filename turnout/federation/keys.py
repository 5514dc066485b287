"""Actors' RSA keys: made when an actor first needs one, the private half encrypted at rest.

Every group and the instance actor sign what they send (HTTP signatures) with a 2048-bit
RSA key, the size Mastodon and Mobilizon make for their own actors. The pair is made the
first time it is asked for; two requests racing to make it leave one row (the unique
``ActorKey.actor``: the loser reads the winner's).

The private key is stored only as a Fernet token (AES-128-CBC with HMAC-SHA256) under a
key derived with HKDF-SHA256 from TURNOUT_SECRET_KEY, so that a copy of the database
alone cannot sign as a group. It is read with the current secret or one of
``SECRET_KEY_FALLBACKS`` (TURNOUT_SECRET_KEY_FALLBACKS), and one read with an old secret
is encrypted again with the current one, so that the old one can be dropped. When none
of them can read it (the secret was replaced), the old key is lost for good: a new pair
is made in its place and a warning logged;
servers that kept the old public key fetch the actor again when a signature does not
verify with it (docs/federation.md, "Rotating TURNOUT_SECRET_KEY").
"""

import base64
import logging
from dataclasses import dataclass
from functools import cached_property

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import IntegrityError, transaction

from turnout.federation.models import INSTANCE, ActorKey
from turnout.groups.models import Group

logger = logging.getLogger(__name__)
KEY_SIZE = 2048
SALT = b"turnout.federation.keys"


@dataclass(frozen=True)
class KeyPair:
    public_key_pem: str
    private_key_pem: bytes

    @cached_property
    def private_key(self) -> rsa.RSAPrivateKey:
        return serialization.load_pem_private_key(self.private_key_pem, password=None)


def actor_name(group: Group | None) -> str:
    return INSTANCE if group is None else f"group:{group.federation_id}"


def key_pair(*, group: Group | None) -> KeyPair:
    """The group's key pair (``None``: the instance actor's), made if it has none yet."""
    name = actor_name(group)
    row = ActorKey.objects.filter(actor=name).first()
    if row is None:
        row = _create(name, group)
    try:
        return KeyPair(row.public_key_pem, _decrypted(row))
    except InvalidToken:
        logger.warning(
            "The private key of %s could not be decrypted with TURNOUT_SECRET_KEY (was it "
            "changed?): making a new key pair in its place.",
            name,
        )
        return _replace(row)


def public_key_pem(*, group: Group | None) -> str:
    """The public half, as the actor JSON gives it (made, or made again, if need be)."""
    return key_pair(group=group).public_key_pem


def _decrypted(row: ActorKey) -> bytes:
    """The private key in PEM; one only a fallback secret reads is stored again under the
    current one, so the old secret can be dropped later. InvalidToken if none reads it."""
    token = row.private_key_encrypted.encode()
    try:
        return _current().decrypt(token)
    except InvalidToken:
        private = _fernet().decrypt(token)
    ActorKey.objects.filter(pk=row.pk, private_key_encrypted=row.private_key_encrypted).update(
        private_key_encrypted=_current().encrypt(private).decode()
    )
    logger.info("The private key of %s was encrypted again with the current secret.", row.actor)
    return private


def _create(name: str, group: Group | None) -> ActorKey:
    public, encrypted = _new_pair()
    try:
        with transaction.atomic():
            return ActorKey.objects.create(
                actor=name, group=group, public_key_pem=public, private_key_encrypted=encrypted
            )
    except IntegrityError:  # another request made it first: theirs it is
        return ActorKey.objects.get(actor=name)


def _replace(row: ActorKey) -> KeyPair:
    public, encrypted = _new_pair()
    replaced = ActorKey.objects.filter(pk=row.pk, public_key_pem=row.public_key_pem).update(
        public_key_pem=public, private_key_encrypted=encrypted
    )
    if not replaced:  # another request replaced it a moment before: read theirs
        row = ActorKey.objects.get(pk=row.pk)
        return KeyPair(row.public_key_pem, _fernet().decrypt(row.private_key_encrypted.encode()))
    return KeyPair(public, _fernet().decrypt(encrypted.encode()))


def _new_pair() -> tuple[str, str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return public_pem.decode(), _fernet().encrypt(private_pem).decode()


def _current() -> Fernet:
    return Fernet(_derived(settings.SECRET_KEY))


def _fernet() -> MultiFernet:
    """Encrypts with the current secret; decrypts with it or any fallback."""
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet([Fernet(_derived(secret)) for secret in secrets])


def _derived(secret: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=SALT, info=b"actor private keys")
    return base64.urlsafe_b64encode(hkdf.derive(secret.encode()))
