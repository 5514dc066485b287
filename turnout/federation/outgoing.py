"""Sending an activity: the rows written in the caller's transaction, delivered later.

``send`` keeps the activity once (``SentActivity``, its JSON exactly as it will be
signed and sent) and one ``Delivery`` per inbox, shared inboxes counted once, in the
transaction of the change that caused it. So a change rolled back sends nothing, and a
committed one is never lost: the worker (turnout.federation.delivery) signs and POSTs
each delivery, and retries it, from these rows; ``send`` wakes it on commit.
"""

import json
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.db import transaction

from turnout.federation import delivery
from turnout.federation.models import Delivery, SentActivity


def inboxes_of(followers: Iterable) -> list[str]:
    """Where to deliver to these followers: each one's shared inbox when it has one (one
    delivery per server, as Mastodon and Mobilizon ask), else its own; each once."""
    return list(dict.fromkeys(f.shared_inbox or f.inbox for f in followers))


def send(*, group, activity: dict, inboxes: Iterable[str]) -> SentActivity:
    """Queue ``activity`` (sent by ``group``; None for the instance actor) to ``inboxes``.

    Sending the same activity id again adds only the inboxes it has not gone to yet."""
    with transaction.atomic(savepoint=False):
        sent, _created = SentActivity.objects.get_or_create(
            activity_id=activity["id"],
            defaults={"group": group, "body": json.dumps(activity, ensure_ascii=False)},
        )
        Delivery.objects.bulk_create(
            [
                Delivery(activity=sent, inbox=inbox, host=urlsplit(inbox).hostname or "")
                for inbox in dict.fromkeys(inboxes)
            ],
            ignore_conflicts=True,
        )
    delivery.wake()  # once the change commits; nothing if it rolls back
    return sent
