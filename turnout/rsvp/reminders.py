"""Reminders: one email to each confirmed attendee, ``Event.reminder_hours`` before the start.

It stands apart from turnout.rsvp.services because it is the reminder schedule, run by
the clock (a periodic job) and by the meeting's changes (turnout.rsvp.receivers), not
by anything an attendee or organiser does to a registration.

``Event.reminder_due_at`` says when (derived by turnout.events.services; None for no
reminder, or a meeting created less than that many hours ahead). The periodic job
calls ``send_due_reminders`` every minute; however many workers (or threads) run it
at once, each attendee gets exactly one reminder: a registration is claimed with one
conditional UPDATE (``reminded_at IS NULL`` → now) in the same transaction as its
outbox row, so only the transaction that claimed it writes the email, and a rolled
back one leaves it to be claimed again.

Who is reminded: confirmed attendees with an email address, not anonymised, whose
place was confirmed by the time the reminder was due. Someone confirmed later (a late
RSVP, a promotion from the waitlist) has just been emailed everything a reminder says.
Nothing goes once the meeting has started, or for a draft or cancelled one. When the
start moves, ``start_moved`` makes everyone due again before the new time.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from turnout.events.models import REMINDER_MAX_HOURS, Event
from turnout.rsvp import services as rsvp
from turnout.rsvp.models import Registration

TEMPLATE = "rsvp/email/reminder"
BATCH = 100  # registrations per transaction: a crowd is not one long lock


def due_events(now: dt.datetime) -> QuerySet:
    """Published meetings not started yet whose reminder time has come. No reminder is
    due more than ``REMINDER_MAX_HOURS`` before its start, so only the meetings starting
    by then are read (the start's index: a few rows, not every past meeting's)."""
    return Event.objects.filter(
        status=Event.Status.PUBLISHED,
        reminder_due_at__lte=now,
        starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(hours=REMINDER_MAX_HOURS),
    )


def _owed(event_id, due_at) -> Q:
    """Registrations of the meeting ``event_id`` still owed the reminder due at ``due_at``
    (values, or OuterRef to the meeting's)."""
    return (
        Q(event_id=event_id)
        & Q(status=Registration.Status.CONFIRMED)
        & Q(reminded_at__isnull=True)
        & Q(anonymised_at__isnull=True)
        & Q(confirmed_at__lte=due_at)
        & ~Q(email="")
    )


def _due(event: Event) -> QuerySet:
    """The event's registrations still owed a reminder (a claim re-checks all of it)."""
    return Registration.objects.filter(_owed(event.pk, event.reminder_due_at))


def send_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Queue the reminders now due, each exactly once; how many this call queued. Only
    the meetings with someone still owed one are read again: for a day before each
    meeting its reminder time has passed, and its reminders went long ago."""
    now = now or timezone.now()
    sent = 0
    owed = Registration.objects.filter(_owed(OuterRef("pk"), OuterRef("reminder_due_at")))
    found = due_events(now).filter(Exists(owed)).order_by("reminder_due_at")
    for event_id in found.values_list("pk", flat=True):
        sent += _remind(event_id, now)
    return sent


def _remind(event_id: int, now: dt.datetime) -> int:
    sent = 0
    while True:
        with transaction.atomic():
            # Read again in each batch: a meeting cancelled or moved meanwhile stops here.
            event = due_events(now).select_related("group", "venue").filter(pk=event_id).first()
            if event is None:
                return sent
            batch = list(_due(event).order_by("pk")[:BATCH])
            if not batch:
                return sent
            for registration in batch:  # each in the registration's language
                # The claim: of all the transactions trying, exactly one changes the row.
                if _due(event).filter(pk=registration.pk).update(reminded_at=now):
                    registration.event = event
                    rsvp.email_attendee(registration, template=TEMPLATE)
                    sent += 1


def start_moved(*, event: Event) -> int:
    """The meeting's start moved: everyone is reminded again before the new time."""
    return Registration.objects.filter(event_id=event.pk, reminded_at__isnull=False).update(
        reminded_at=None
    )
