"""Queueing a message in the caller's transaction, and blanking mail records later."""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from itertools import islice

from django.db import transaction
from django.db.models import Case, F, QuerySet, Value, When
from django.utils import timezone, translation

from turnout.core.models import Message

DELIVERY_BATCH = 50  # message ids per delivery task
BATCH_SIZE = 500  # rows blanked per transaction
INSERT_BATCH = 500  # rows per INSERT while queueing many


def queue(
    *,
    kind: str,
    to: str,
    about=None,
    params: dict | None = None,
    language: str | None = None,
    bulk: bool = False,
    forget_after: dt.datetime | None = None,
) -> Message:
    """Queue one email: the row and its delivery task, both in the caller's transaction,
    so a rolled-back change sends nothing and a committed one is never lost.

    ``kind`` names the renderer (``register``); ``about`` is what the email is about,
    ``params`` ids and a snapshot of what must not change (never a secret); the email is
    rendered in ``language`` (the active language by default). ``forget_after``: when
    the address and subject are blanked, for mail no registration's anonymisation covers.
    """
    from turnout.core.outbox import tasks  # tasks imports this module for forget_due

    with transaction.atomic(savepoint=False):  # inside the caller's: no savepoint needed
        message = Message.objects.create(
            kind=kind,
            to_email=to,
            about=about,
            params=params or {},
            language=language or translation.get_language() or "",
            bulk=bulk,
            forget_after=forget_after,
        )
        tasks.deliver.enqueue(message_ids=[message.pk])
    return message


def deliver_later(message_ids: Sequence[int]) -> None:
    """Enqueue the delivery of these messages (written with bulk_create), in batches."""
    from turnout.core.outbox import tasks

    for start in range(0, len(message_ids), DELIVERY_BATCH):
        tasks.deliver.enqueue(message_ids=list(message_ids[start : start + DELIVERY_BATCH]))


def queue_bulk(
    messages: Iterable[Message],
    *,
    each_batch: Callable[[list[Message]], None] | None = None,
    batch_size: int = INSERT_BATCH,
) -> list[int]:
    """Write these unsaved messages with one INSERT a batch and enqueue their delivery,
    all in the caller's transaction (so a worker killed halfway leaves nothing); their
    ids. ``messages`` may be a generator: it is read a batch at a time. ``each_batch``
    is given each batch once saved, to write the rows that point at them."""
    rows = iter(messages)
    ids: list[int] = []
    with transaction.atomic(savepoint=False):  # inside the caller's: no savepoint needed
        while batch := list(islice(rows, batch_size)):
            saved = Message.objects.bulk_create(batch)
            if each_batch is not None:
                each_batch(saved)
            ids += [message.pk for message in saved]
        deliver_later(ids)
    return ids


def blank(messages: QuerySet, now: dt.datetime) -> int:
    """Blank these mail records (address, subject, params, error); how many. One still
    queued fails, so the worker never sends it. Kind, status and times stay."""
    return messages.filter(anonymised_at__isnull=True).update(
        to_email="",
        subject="",
        params={},
        last_error="",
        anonymised_at=now,
        status=Case(
            When(status=Message.Status.QUEUED, then=Value(Message.Status.FAILED)),
            default=F("status"),
        ),
    )


def forget_due(*, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Blank every mail record whose ``forget_after`` has passed; how many. A batch per
    short transaction; running it again changes nothing."""
    now = now or timezone.now()
    due = Message.objects.filter(anonymised_at__isnull=True, forget_after__lte=now)
    total = 0
    while True:
        with transaction.atomic():
            ids = list(due.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not ids:
                return total
            total += blank(Message.objects.filter(pk__in=ids), now)
