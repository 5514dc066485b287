"""Organisers' notifications: a daily digest of registrations, and alerts when a meeting
fills, when its waitlist reaches an organiser's number, and when someone cancels within
a day of it. Each organiser chooses which (turnout.groups.models.NotificationSettings,
no row: the defaults), across all their groups.

Privacy: these emails carry counts and links to the organisers' pages only, never a
name or an address of an attendee ("someone cancelled").

The alerts are checked after the change that may call for them commits
(``transaction.on_commit``, in a transaction of their own), so the RSVP's own
transaction, which holds the meeting's row, grows by nothing. Each goes once per
meeting, organiser and kind: an ``OrganiserAlert`` row, unique, is written in the same
transaction as the outbox row, so two workers racing write one. The cost: an alert is
lost if the process dies between the commit and the check (the registration is not).

The digest is a periodic job (``send_digests``): each organiser's row is claimed with
one conditional UPDATE of ``last_digest_at`` (compare and set, and only once per UTC
day) in the same transaction as the email, so however many workers run it, one digest
a day goes out. It counts what is new since the previous digest, and is not sent when
nothing is new.
"""

import datetime as dt
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from turnout.core import outbox
from turnout.core.links import absolute_url
from turnout.core.models import Message
from turnout.events.models import Event
from turnout.groups.emails import ACCOUNT_MAIL_KEPT, forget_group_mail_after
from turnout.groups.models import Membership, NotificationSettings, User
from turnout.rsvp.models import OrganiserAlert, Registration

Status = Registration.Status
Kind = OrganiserAlert.Kind
DIGEST = "rsvp/email/organiser_digest"
ALERTS = {
    Kind.FULL: "rsvp/email/organiser_full",
    Kind.WAITLIST: "rsvp/email/organiser_waitlist",
    Kind.LATE_CANCELLATION: "rsvp/email/organiser_late_cancellation",
}
LATE = dt.timedelta(days=1)  # a cancellation this close to the start is "late"
DEFAULTS = NotificationSettings()  # an organiser without a row has these


# --- alerts ---


def after_commit(event_id: int) -> None:
    """Check the meeting's alerts once this transaction commits (seats taken, someone
    joined the waitlist). ``robust``: an alert that fails is logged, never the reply of
    an RSVP that has committed."""
    transaction.on_commit(partial(check_alerts, event_id=event_id), robust=True)


def late_cancellation(event: Event, now: dt.datetime) -> None:
    """Someone gave up their place: if the meeting starts within a day, tell the
    organisers who asked, once this transaction commits."""
    if event.starts_at - now <= LATE and event.starts_at > now:
        alert = partial(_alert, event_id=event.pk, kinds=[Kind.LATE_CANCELLATION])
        transaction.on_commit(alert, robust=True)


def _waiting(event_id: int) -> int:
    """People on the waitlist proper (their email confirmed), guests counted."""
    waiting = Registration.objects.filter(event_id=event_id, status=Status.WAITLISTED)
    return waiting.aggregate(n=Coalesce(Sum(F("guests") + 1), 0))["n"]


def check_alerts(*, event_id: int) -> int:
    """Send the alerts the meeting's state calls for now; how many were queued."""
    event = Event.objects.filter(pk=event_id).values("capacity", "seats_taken").first()
    if event is None:
        return 0
    kinds = []
    if event["capacity"] is not None and event["seats_taken"] >= event["capacity"]:
        kinds.append(Kind.FULL)
    waiting = _waiting(event_id)
    if waiting:
        kinds.append(Kind.WAITLIST)
    return _alert(event_id=event_id, kinds=kinds, waiting=waiting) if kinds else 0


def _wanted(kind: str, settings: NotificationSettings, waiting: int) -> bool:
    if kind == Kind.FULL:
        return settings.meeting_full
    if kind == Kind.WAITLIST:
        return settings.waitlist and waiting >= settings.waitlist_threshold
    return settings.late_cancellation


def organisers(group_id: int) -> list[User]:
    """The group's organisers who can be emailed, each with their settings."""
    users = User.objects.filter(
        pk__in=Membership.objects.filter(group_id=group_id).values("user_id"),
        is_active=True,
        email_verified=True,
    ).select_related("notification_settings")
    return list(users.order_by("pk"))


def settings_of(user: User) -> NotificationSettings:
    try:
        return user.notification_settings
    except NotificationSettings.DoesNotExist:
        return DEFAULTS


def _alert(*, event_id: int, kinds: list[str], waiting: int = 0) -> int:
    """Queue each wanted alert not sent before, each with its record, in one transaction."""
    sent = 0
    with transaction.atomic():
        event = Event.objects.select_related("group").filter(pk=event_id).first()
        if event is None or event.status != Event.Status.PUBLISHED or event.has_started:
            return 0
        for user in organisers(event.group_id):
            for kind in kinds:
                if _wanted(kind, settings_of(user), waiting) and _claim(event, user, kind):
                    _queue_alert(event, user, kind, waiting)
                    sent += 1
    return sent


def _claim(event: Event, user: User, kind: str) -> bool:
    """Record the alert; False if it was sent before (or another transaction just did)."""
    if OrganiserAlert.objects.filter(event=event, user=user, kind=kind).exists():
        return False
    try:
        with transaction.atomic():
            OrganiserAlert.objects.create(event=event, user=user, kind=kind)
    except IntegrityError:
        return False
    return True


def _language(user: User, event: Event) -> str:
    return user.language or event.group.language


def _queue_alert(event: Event, user: User, kind: str, waiting: int) -> Message:
    """A snapshot of the counts that made it, so the email says what was true then. The
    record (the organiser's address) is blanked after the group's retention, as its other
    mail not tied to a registration is."""
    return outbox.queue(
        kind=ALERTS[kind],
        to=user.email,
        about=event,
        params={"capacity": event.capacity, "waiting": waiting},
        language=_language(user, event),
        forget_after=forget_group_mail_after(event.group),
    )


# --- the daily digest ---


def _day_start(now: dt.datetime) -> dt.datetime:
    return now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def send_digests(*, now: dt.datetime | None = None) -> int:
    """Queue today's digest to each organiser who wants one and has not had it; how many."""
    now = now or timezone.now()
    today = _day_start(now)
    due = NotificationSettings.objects.filter(
        Q(last_digest_at__isnull=True) | Q(last_digest_at__lt=today),
        daily_digest=True,
        user__is_active=True,
        user__email_verified=True,
    )
    sent = 0
    for settings in due.select_related("user").order_by("pk"):
        with transaction.atomic():
            sent += _digest(settings, now)
    return sent


def digest_rows(*, user: User, since: dt.datetime, now: dt.datetime) -> list[dict]:
    """The organiser's meetings to come, with their counts: seats confirmed and held,
    people waiting, and registrations made since ``since`` (cancelled ones left out)."""
    seats = F("registrations__guests") + 1

    def seats_of(status: str) -> Coalesce:
        return Coalesce(Sum(seats, filter=Q(registrations__status=status)), 0)

    events = Event.objects.filter(
        group__memberships__user=user, status=Event.Status.PUBLISHED, starts_at__gt=now
    ).annotate(
        new=Count(
            "registrations",
            filter=Q(registrations__created_at__gt=since)
            & ~Q(registrations__status__in=[Status.CANCELLED, Status.DECLINED]),
        ),
        confirmed=seats_of(Status.CONFIRMED),
        held=seats_of(Status.HELD),
        waiting=seats_of(Status.WAITLISTED),
    )
    return [
        {
            "event": e.pk,
            "new": e.new,
            "confirmed": e.confirmed,
            "held": e.held,
            "waiting": e.waiting,
            "capacity": e.capacity,
        }
        for e in events.order_by("starts_at", "pk")
    ]


def _digest(settings: NotificationSettings, now: dt.datetime) -> int:
    previous = settings.last_digest_at
    claimed = NotificationSettings.objects.filter(
        pk=settings.pk, daily_digest=True, last_digest_at=previous
    ).update(last_digest_at=now)
    if not claimed:  # another worker sent it, or the organiser turned it off
        return 0
    user = settings.user
    rows = digest_rows(user=user, since=previous or now - LATE, now=now)
    if not any(row["new"] for row in rows):
        return 0
    outbox.queue(
        kind=DIGEST,
        to=user.email,
        about=user,
        params={"meetings": rows},
        language=user.language or None,
        forget_after=now + ACCOUNT_MAIL_KEPT,  # as the account's own mail
    )
    return 1


# --- the renderers ---


def _registrations_link(event: Event) -> str:
    return absolute_url("organise:registrations", group=event.group.slug, event=event.slug)


def render_alert(message: Message) -> outbox.Email:
    event = message.about
    if not isinstance(event, Event):
        raise outbox.SubjectGone
    context = {
        "event": event,
        "group": event.group,
        "capacity": message.params.get("capacity"),
        "waiting": message.params.get("waiting", 0),
        "link": _registrations_link(event),
        "settings_link": absolute_url("accounts:notifications"),
    }
    return outbox.Email(*outbox.render_template(message.kind, context))


def render_digest(message: Message) -> outbox.Email:
    if not isinstance(message.about, User):
        raise outbox.SubjectGone
    rows = message.params["meetings"]
    events = Event.objects.select_related("group").in_bulk([row["event"] for row in rows])
    meetings = [
        {**row, "event": events[row["event"]], "link": _registrations_link(events[row["event"]])}
        for row in rows
        if row["event"] in events
    ]
    context = {"meetings": meetings, "settings_link": absolute_url("accounts:notifications")}
    return outbox.Email(*outbox.render_template(DIGEST, context))


def register_renderers() -> None:
    outbox.register(DIGEST, render_digest)
    for kind in ALERTS.values():
        outbox.register(kind, render_alert)
