"""The inbox's worker: an ``InboxItem`` the web process kept (turnout.federation.inbox)
is verified and acted on here, where waiting on another server holds no web process.

Only ``Follow``, ``Undo{Follow}`` and ``Delete`` of the actor itself are acted on
(turnout.federation.following); anything else is kept UNPROCESSED, unverified and
unfetched (Turnout does nothing with it yet: counted, deleted after a week). For those
three: the signer's actor from the key cache or fetched (turnout.federation.remote_actors,
fetched again once if the cached key fails), the signature verified at the moment the
request arrived (a queue that waited does not make it stale), the key's owner the
activity's actor, and the signature recorded against replays in the same transaction
as the act, so a worker killed half way leaves neither.

A ``Delete`` of an actor is verified with the cached key only: Mastodon sends it when the
account is gone, and its key with it (mastodon/mastodon
app/services/delete_account_service.rb, ``delete_actor_json``); with no key cached,
nothing of the actor is kept here, so it is dropped (and logged).

The sender had its 202 and will not send the activity again, so a key that cannot be
fetched for a passing reason (remote_actors.Passing: the server down, slow or busy)
does not refuse the item: it stays WAITING, with the reason, and the task is run again
later with back-off (turnout.federation.tasks; ``TryAgain``); after the last attempt
``give_up`` refuses it, logged. The item's status is the guard that makes a retry (or a
run put back after a worker was killed) harmless: the act, the replay record and the
DONE status commit together, and only an item still WAITING is acted on or settled.
"""

import datetime as dt
import json
import logging

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from turnout.core.tasks import TryAgain
from turnout.federation import following, remote_actors, signatures
from turnout.federation.models import InboxItem, RemoteActor
from turnout.federation.refusals import Refusal, SignatureRefused

logger = logging.getLogger("turnout.federation")
KEPT_FOR = dt.timedelta(days=7)
Status = InboxItem.Status


class Refused(Exception):
    """The item is refused; the message says why (kept on the item and logged)."""


def incoming(item: InboxItem) -> signatures.Incoming:
    """The request as it arrived, for ``signatures.verify``."""
    return signatures.Incoming("POST", item.url, item.headers, item.body.encode())


def work(item_id: int) -> str:
    """Verify and act on one waiting item; its new status ("gone" if there is none).
    TryAgain, the item left waiting, when the signer's key is not to be had for now."""
    item = _waiting(item_id).first()
    if item is None:
        return "gone"
    try:
        status = _work(item, json.loads(item.body))
    except remote_actors.Passing as passing:
        reason = f"waiting: {passing}"[:200]
        _waiting(item.pk).update(reason=reason)
        logger.info(
            "Inbox item %s (%s from %s) %s; tried again later.",
            item.pk, item.activity_type, item.actor_id, reason,
        )  # fmt: skip
        raise TryAgain(str(passing)) from None
    except (Refused, following.Refused, SignatureRefused, remote_actors.Unavailable) as refused:
        return _refuse(item, str(refused))
    if status == Status.UNPROCESSED:  # DONE was settled with the act
        _waiting(item.pk).update(status=status, reason="")
    return str(status)


def give_up(item_id: int, *, error: str) -> None:
    """After the last attempt (or a fault): the item, if still waiting, is refused."""
    item = _waiting(item_id).first()
    if item is not None:
        _refuse(item, f"gave up after the last attempt: {error}")


def _waiting(item_id: int):
    return InboxItem.objects.filter(pk=item_id, status=Status.WAITING)


def _refuse(item: InboxItem, why: str) -> str:
    reason = why[:200]
    logger.info(
        "Inbox item %s (%s from %s) refused: %s",
        item.pk, item.activity_type, item.actor_id, reason,
    )  # fmt: skip
    _waiting(item.pk).update(status=Status.REFUSED, reason=reason)
    return str(Status.REFUSED)


def _acted_on(activity: dict, actor_id: str) -> bool:
    kind = activity.get("type")
    if kind == "Follow":
        return True
    if kind == "Undo":
        undone = activity.get("object")
        return isinstance(undone, str) or (
            isinstance(undone, dict) and undone.get("type") == "Follow"
        )
    return kind == "Delete" and following.object_id(activity.get("object")) == actor_id


def _work(item: InboxItem, activity: dict) -> str:
    if not _acted_on(activity, item.actor_id):
        logger.info(
            "Inbox item %s (%s from %s) kept unprocessed.",
            item.pk,
            item.activity_type,
            item.actor_id,
        )
        return Status.UNPROCESSED
    if activity.get("type") == "Delete":
        actor, verified = _verified_by_cached_key(item)
    else:
        actor, verified = _verified_actor(item)
    with transaction.atomic():
        if not _waiting(item.pk).update(status=Status.DONE, reason=""):
            return "gone"  # another run settled it meanwhile: nothing acted on twice
        signatures.refuse_replay(verified)
        _act(activity, actor)
    return Status.DONE


def _act(activity: dict, actor: RemoteActor) -> None:
    kind = activity["type"]
    if kind == "Follow":
        following.follow(activity, actor)
    elif kind == "Undo":
        following.undo_follow(activity, actor)
    else:
        following.forget_actor(actor.actor_id)


def _verify(item: InboxItem, actor: RemoteActor) -> signatures.Verified:
    return signatures.verify(
        incoming(item), public_key_pem=actor.public_key_pem, now=item.received_at
    )


def _verified_actor(item: InboxItem) -> tuple[RemoteActor, signatures.Verified]:
    actor, fetched = remote_actors.key_for(item.key_id)
    try:
        verified = _verify(item, actor)
    except SignatureRefused as refused:
        if fetched or refused.reason not in {Refusal.BAD_SIGNATURE, Refusal.BAD_KEY}:
            raise
        actor, _fetched = remote_actors.key_for(item.key_id, refresh=True)
        verified = _verify(item, actor)
    _check_owner(item, actor)
    return actor, verified


def _verified_by_cached_key(item: InboxItem) -> tuple[RemoteActor, signatures.Verified]:
    actor = RemoteActor.objects.filter(key_id=item.key_id).first()
    if actor is None:
        raise Refused("a Delete of an actor whose key is not known here: dropped")
    verified = _verify(item, actor)
    _check_owner(item, actor)
    return actor, verified


def _check_owner(item: InboxItem, actor: RemoteActor) -> None:
    if actor.actor_id != item.actor_id:
        raise Refused(f"the key is {actor.actor_id}'s, not the activity's actor's")


def purge() -> int:
    """Periodic: items received more than a week ago go, whatever became of them; how
    many of each status is logged (what Turnout left unprocessed, counted)."""
    old = InboxItem.objects.filter(received_at__lt=timezone.now() - KEPT_FOR)
    counts = dict(old.values_list("status").annotate(n=Count("pk")).order_by())
    deleted, _ = old.delete()
    if deleted:
        logger.info("Inbox items a week old deleted: %s (by status: %s)", deleted, counts)
    return deleted
