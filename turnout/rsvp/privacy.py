"""Anonymising attendees' personal data: after the meeting, and on the attendee's request.

What "anonymised" means for each table that held an attendee's data:

- **Registration**: name, email, access needs and note (how they know the group)
  blanked; the secret behind the attendee's link and its hash replaced by fresh random
  values that no link matches (the old link stops working, ``token_hash`` stays
  unique); ``anonymised_at`` set.
  Status, guests, source, timestamps, check-in and the organiser who added them stay:
  the counts and roles organisers look back on.
- **Message** (core's outbox; the registration's ``messages``): address, subject,
  params and the last delivery error blanked (``outbox.blank``), ``anonymised_at``
  set; kind, status and times stay. A message still queued is marked failed, so the
  worker never sends it. The bodies were never stored: they are rendered at delivery.

The periodic job (``anonymise_past_attendees``) anonymises each group's registrations
``Group.anonymise_after_days`` days after their meeting ended, with their mail
records. It works in batches, each its own short transaction, and does only what is
left to do, so running it again changes nothing.

Kept elsewhere, by core's own periodic jobs: mail not about a registration (a
mailing-list confirmation nobody clicked, an announcement, an organiser's account
email) is blanked once its ``forget_after`` has passed, set when it was queued
(``outbox.forget_due``); finished task results, whose tracebacks may quote an
address, are deleted a day after they finished (``turnout.core.tasks``).

Kept on purpose: a group's mailing list (``Subscriber``) is a separate consent and
keeps the people who confirmed it; suppressions hold only keyed hashes; rate-limit
counters hold only keyed hashes (``turnout.core.ratelimit``).
"""

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import NotSupportedError, transaction
from django.db.models import CharField, Exists, Expression, OuterRef, QuerySet
from django.utils import timezone

from turnout.core import outbox
from turnout.core.models import Message
from turnout.events.models import Event
from turnout.groups.models import Group
from turnout.rsvp import services as rsvp
from turnout.rsvp.models import ON_WAITLIST, PENDING_REQUEST, TAKING_SEATS, Registration

logger = logging.getLogger("turnout.privacy")
# Rows per transaction: short enough not to hold SQLite's write lock (or PostgreSQL's
# row locks) for long, and well under SQLite's limit of variables per statement.
BATCH_SIZE = 500


def anonymise_past_attendees(
    *, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE
) -> int:
    """Anonymise every registration whose meeting ended more than its group's
    ``anonymise_after_days`` ago, with its mail records; returns how many registrations
    were anonymised now. Idempotent: a second run finds nothing left.
    """
    now = now or timezone.now()
    count = 0
    # A handful of distinct retention periods, however many groups share each.
    for days in Group.objects.order_by().values_list("anonymise_after_days", flat=True).distinct():
        ended = _ended_with_people(days=days, cutoff=now - dt.timedelta(days=days))
        for start in range(0, len(ended), batch_size):
            due = Registration.objects.filter(
                anonymised_at__isnull=True, event_id__in=ended[start : start + batch_size]
            )
            count += _in_batches(due, batch_size, lambda ids: _anonymise(ids, now))
    if count:  # a count only: never a name or an address in the logs
        logger.info("Anonymised %d registration(s) with their mail.", count)
    return count


def _ended_with_people(*, days: int, cutoff: dt.datetime) -> list[int]:
    """The meetings of groups keeping ``days`` that ended before ``cutoff`` and still
    have someone not anonymised, by id. Read from the meetings (the start's index) and
    the index of registrations not anonymised yet: walking the registrations in id order
    instead read every one of them on a big site, to find the few due."""
    waiting = Registration.objects.filter(event=OuterRef("pk"), anonymised_at__isnull=True)
    ended = Event.objects.filter(
        group__anonymise_after_days=days,
        ends_at__lt=cutoff,
        starts_at__lt=cutoff,  # implied by the end; lets the start's index help
    )
    return list(ended.filter(Exists(waiting)).order_by("pk").values_list("pk", flat=True))


def erase_registration(*, registration: Registration) -> None:
    """The attendee erases their own registration, at any time, from their page.

    Until the meeting has ended, a place (a waitlist entry, a request) is cancelled first:
    its seats go to the people waiting. After it ended, the status stays, as the periodic
    job would leave it: the organisers' count of who came. Then the registration and
    its mail records are anonymised at once; mail still queued to the attendee is never
    sent. Their link stops working.
    """
    with transaction.atomic():
        holds_place = registration.status in (*TAKING_SEATS, *ON_WAITLIST, *PENDING_REQUEST)
        if holds_place and not registration.event.is_past:
            # The attendee's cancel, allowed after the start; no organiser's act to record.
            rsvp.remove(registration=registration, by=None)
        _anonymise([registration.pk], timezone.now())


# --- the steps ---


class RandomHex(Expression):
    """64 random hex digits (as ``secrets.token_hex(32)``), made by the database for each
    row it updates: one UPDATE for a whole batch, where Python would send one value per row.
    """

    output_field = CharField()

    def as_sql(self, compiler, connection):
        if connection.vendor == "sqlite":
            return "lower(hex(randomblob(32)))", []
        if connection.vendor == "postgresql":  # gen_random_uuid(): strong randomness, PG 13+
            return "replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')", []
        raise NotSupportedError(f"RandomHex is not written for {connection.vendor}")


def _in_batches(due: QuerySet, batch_size: int, act) -> int:
    """Run ``act(ids)`` on the ``due`` rows, a batch per transaction, in order of id;
    the sum of what it returned. Each batch starts after the last one's highest id, so
    no batch reads again the rows done before it (the queries stay as cheap at the end
    of a big first run as at its start). Rows are locked while acted on (PostgreSQL;
    SQLite's write lock covers the whole transaction), and ``act`` re-checks them."""
    total, last = 0, None
    while True:
        batch = due if last is None else due.filter(pk__gt=last)
        with transaction.atomic():
            ids = list(
                batch.select_for_update(of=("self",))
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return total
            total += act(ids)
        last = ids[-1]


def _anonymise(ids: Iterable[int], now: dt.datetime) -> int:
    """Anonymise these registrations (those not yet anonymised) and their mail records;
    how many registrations."""
    todo = list(
        Registration.objects.filter(pk__in=list(ids), anonymised_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    if not todo:
        return 0
    Registration.objects.filter(pk__in=todo).update(
        name="",
        email="",
        access_needs="",
        note="",
        anonymised_at=now,
        # A fresh secret, and for a hash a random value no token hashes to: no link
        # opens the registration again (the page finds it by the hash).
        token_secret=RandomHex(),
        token_hash=RandomHex(),
    )
    outbox.blank(Message.objects.filter(registration__in=todo), now)
    return len(todo)
