"""Double opt-in and unsubscribe for good: a group's mailing list, address by address.

Nothing is stored for an address until its owner confirms from the emailed link, so
the confirmation link carries what it confirms (group, address, source) in a signed,
expiring token. An address that unsubscribes is kept only as a keyed hash
(``Suppression``): a later import never mails it again; only the person's own new
confirmation through the group's form lifts it. The hash is keyed with SECRET_KEY,
so rotating the key forgets who unsubscribed (docs/admin-guide.md).
"""

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from turnout.core import languages, outbox
from turnout.core.links import absolute_url
from turnout.core.models import Message
from turnout.core.validators import normalise_email
from turnout.groups import sending
from turnout.groups.models import Group
from turnout.mailing.models import Subscriber, Suppression

CONFIRM_SALT = "turnout.mailing.subscriptions.confirm"
UNSUBSCRIBE_SALT = "turnout.mailing.subscriptions.unsubscribe"
CONFIRM_VALID_FOR = dt.timedelta(days=7)
SOURCES = ("form", "import")
CONFIRM_TEMPLATE = "mailing/email/confirm_subscription"


class LinkInvalid(Exception):
    """A confirmation or unsubscribe link that is forged, mangled or expired.

    ``reason`` is ``"expired"`` (a real link, too old) or ``"invalid"`` (anything else).
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- addresses ---


def email_hash(email: str) -> str:
    """The keyed hash a suppression keeps instead of the address."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def is_suppressed(*, group: Group, email: str) -> bool:
    """Whether this address unsubscribed from the group (and never confirmed again since)."""
    return Suppression.objects.filter(group=group, email_hash=email_hash(email)).exists()


# --- double opt-in ---


class _Signer(signing.TimestampSigner):
    """Django's timestamp signer, able to date a token in the past (tests of expiry)."""

    def __init__(self, *, issued_at: dt.datetime | None = None, **kwargs):
        super().__init__(**kwargs)
        self.issued_at = issued_at

    def timestamp(self) -> str:
        if self.issued_at is None:
            return super().timestamp()
        return signing.b62_encode(int(self.issued_at.timestamp()))


def confirmation_token(
    *,
    group: Group,
    email: str,
    source: str = "form",
    issued_at: dt.datetime | None = None,
    language: str = "",
) -> str:
    """Signed and expiring: what the confirmation link confirms, as nothing is stored
    (the language they followed in too, which the group's mail to them is written in)."""
    issued_at = issued_at or timezone.now()
    payload = {"g": group.pk, "e": email, "s": source, "t": issued_at.timestamp()}
    if language:
        payload["l"] = language
    signer = _Signer(issued_at=issued_at, salt=CONFIRM_SALT)
    return signer.sign_object(payload, compress=True)


@dataclass(frozen=True)
class PendingSubscription:
    group: Group
    email: str
    source: str
    issued_at: dt.datetime
    language: str = ""


def check_confirmation(*, token: str) -> PendingSubscription:
    """What a confirmation link would confirm; LinkInvalid if forged, expired or void.

    Void: a link from an import for an address that unsubscribed, or any link
    issued before its address unsubscribed.
    """
    try:
        data = _Signer(salt=CONFIRM_SALT).unsign_object(
            token, max_age=CONFIRM_VALID_FOR.total_seconds()
        )
    except signing.SignatureExpired as exc:
        raise LinkInvalid("expired") from exc
    except (signing.BadSignature, ValueError) as exc:  # ValueError: undecodable payload
        raise LinkInvalid("invalid") from exc
    try:
        group_id, email, source = int(data["g"]), str(data["e"]), str(data["s"])
        issued_at = dt.datetime.fromtimestamp(float(data["t"]), tz=dt.UTC)
    except (TypeError, KeyError, ValueError, OverflowError) as exc:
        raise LinkInvalid("invalid") from exc
    group = Group.objects.filter(pk=group_id).first()
    if group is None or source not in SOURCES:
        raise LinkInvalid("invalid")
    language = data.get("l", "")
    language = language if languages.is_offered(language) else ""
    # Only a new request through the form brings back an address that unsubscribed.
    suppression = Suppression.objects.filter(group=group, email_hash=email_hash(email)).first()
    if suppression is not None and (source == "import" or suppression.created_at >= issued_at):
        raise LinkInvalid("invalid")
    return PendingSubscription(
        group=group, email=email, source=source, issued_at=issued_at, language=language
    )


def request_subscription(*, group: Group, email: str, source: str = "form") -> bool:
    """Email a confirmation link; returns whether one was queued.

    Nothing for an address already on the list, nor (from an import) for one that
    unsubscribed. Whoever asks sees the same page either way: it reveals nothing.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    email = normalise_email(email)
    with transaction.atomic():
        if Subscriber.objects.filter(group=group, email=email).exists():
            return False
        if source == "import" and is_suppressed(group=group, email=email):
            return False
        queue_confirmation(group=group, email=email, source=source)
    return True


def queue_confirmation(*, group: Group, email: str, source: str) -> None:
    """Email the confirmation link, in the caller's transaction (no checks: callers do them).

    The message keeps what the link will confirm (the group it is about, the address,
    the source and when it was asked for), and its token is signed from that at
    delivery: the same link at every attempt, none stored. It is in the language of the
    page they followed from (an import: the group's), which they will be written to in.
    """
    now = timezone.now()
    language = translation.get_language()
    if source == "import" or not languages.is_offered(language):
        language = group.language
    outbox.queue(
        kind=CONFIRM_TEMPLATE,
        to=email,
        about=group,
        params={"source": source, "issued_at": now.isoformat(), "language": language},
        language=language,
        bulk=source == "import",
        forget_after=now + dt.timedelta(days=group.anonymise_after_days),
    )


def render_confirmation(message: Message) -> outbox.Email:
    """Gone once the group is."""
    group = message.about
    if not isinstance(group, Group):
        raise outbox.SubjectGone
    source = message.params["source"]
    token = confirmation_token(
        group=group,
        email=message.to_email,
        source=source,
        issued_at=dt.datetime.fromisoformat(message.params["issued_at"]),
        language=message.params.get("language", ""),
    )
    # The address confirmed nothing yet: the group's name only once approved, and its
    # page's link (the slug is the group's text too) with it.
    context = {
        "group_name": sending.name_for_strangers(group),
        "link": absolute_url("mailing:confirm_subscription", token=token),
        "group_link": (
            absolute_url("public:group", group=group.slug) if sending.is_approved(group) else ""
        ),
        "source": source,
        "days": CONFIRM_VALID_FOR.days,
    }
    return outbox.Email(
        *outbox.render_template(CONFIRM_TEMPLATE, context),
        **sending.sender_for_strangers(group),
    )


def confirm_subscription(*, token: str) -> Subscriber:
    """Add the address to the list; a reused link gives the existing subscriber, unchanged.

    Confirming a new request from the form lifts an earlier unsubscribe.
    """
    with transaction.atomic():
        pending = check_confirmation(token=token)
        existing = Subscriber.objects.filter(group=pending.group, email=pending.email).first()
        if existing is not None:
            return existing
        Suppression.objects.filter(
            group=pending.group, email_hash=email_hash(pending.email)
        ).delete()
        subscriber, _created = Subscriber.objects.get_or_create(
            group=pending.group,
            email=pending.email,
            defaults={"source": pending.source, "language": pending.language},
        )
    return subscriber


# --- unsubscribe ---


def unsubscribe_token(subscriber: Subscriber) -> str:
    """Signed and never expiring; names the subscriber by id and hash, not by address."""
    payload = [subscriber.group_id, subscriber.pk, email_hash(subscriber.email)]
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(payload)


def unsubscribe_url(subscriber: Subscriber) -> str:
    """The page (GET) and the RFC 8058 one-click target (POST) for List-Unsubscribe."""
    return absolute_url("mailing:unsubscribe", token=unsubscribe_token(subscriber))


@dataclass(frozen=True)
class UnsubscribeTarget:
    group: Group
    subscriber_id: int
    email_hash: str


def check_unsubscribe(*, token: str) -> UnsubscribeTarget:
    """Whom an unsubscribe link names; LinkInvalid if it is forged or mangled."""
    try:
        group_id, subscriber_id, hashed = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
        group_id, subscriber_id, hashed = int(group_id), int(subscriber_id), str(hashed)
    except (signing.BadSignature, TypeError, ValueError, OverflowError) as exc:
        raise LinkInvalid("invalid") from exc
    group = Group.objects.filter(pk=group_id).first()
    if group is None:
        raise LinkInvalid("invalid")
    return UnsubscribeTarget(group=group, subscriber_id=subscriber_id, email_hash=hashed)


def unsubscribe(*, token: str) -> None:
    """Suppress the address for the group for good and drop it from the list; idempotent."""
    target = check_unsubscribe(token=token)
    with transaction.atomic():
        _suppression, created = Suppression.objects.get_or_create(
            group=target.group, email_hash=target.email_hash
        )
        subscriber = Subscriber.objects.filter(group=target.group, pk=target.subscriber_id).first()
        if subscriber is not None and email_hash(subscriber.email) == target.email_hash:
            subscriber.delete()
        elif created:
            # An old link of someone who left and came back: find them by their hash.
            emails = target.group.subscribers.values_list("pk", "email").iterator()
            found = [pk for pk, email in emails if email_hash(email) == target.email_hash]
            Subscriber.objects.filter(pk__in=found).delete()


# --- organiser's reads ---


def subscribers(*, group: Group) -> QuerySet[Subscriber]:
    return group.subscribers.order_by("-confirmed_at", "-pk")


def suppressed_count(*, group: Group) -> int:
    return group.suppressions.count()
