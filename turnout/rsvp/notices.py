"""Change notices: telling the people registered that a meeting's time, venue or online
link changed, or that it was cancelled, with one click from the organiser.

It stands apart from turnout.rsvp.services because it is rsvp's reaction to a change
of the meeting, not to anything an attendee does: turnout.rsvp.receivers calls it when
turnout.events.hooks says a meeting changed or was cancelled.

Each change is recorded here as it is saved, in its transaction (``record_changes``,
``record_cancellation``); nothing is emailed until the organiser sends the notice
(``send_notice``) or decides not to (``dismiss_notice``). Edits made before it is sent
merge into the one pending notice: "old" from the first, "new" from the latest, and a
change put back as it was drops out. Old and new are kept as values, with no attendee
data, and written out for each reader in their language (turnout.rsvp.changes).

Everyone registered is told: held, confirmed and waitlisted people with an email
address, not cancelled or anonymised ones. The online link goes only to confirmed
attendees (DESIGN.md, "Privacy"), and so does the venue of a meeting whose address is
for confirmed attendees only (turnout.events.places); the others read that it changed
and will be on their page once their place is confirmed.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from turnout.core.timefmt import moment
from turnout.events.models import Event
from turnout.groups import audit
from turnout.rsvp import services as rsvp
from turnout.rsvp.changes import CANCELLED, ONLINE, TIME_FIELDS, VENUE, WHEN, values
from turnout.rsvp.models import ON_WAITLIST, TAKING_SEATS, ChangeNotice, Registration
from turnout.rsvp.places import sees_address

Kind = ChangeNotice.Kind
TEMPLATES = {Kind.CHANGED: "rsvp/email/changed", Kind.CANCELLED: "rsvp/email/cancelled"}


def recipients(*, event: Event) -> QuerySet:
    """Everyone a notice goes to: registered (held, confirmed, waitlisted) with an email."""
    return (
        Registration.objects.filter(
            event_id=event.pk,
            status__in=[*TAKING_SEATS, *ON_WAITLIST],
            anonymised_at__isnull=True,
        )
        .exclude(email="")
        .order_by("pk")
    )


def has_registrations(*, event: Event) -> bool:
    """Anyone registered and not cancelled or declined (walk-ins and requests included)."""
    ended = (Registration.Status.CANCELLED, Registration.Status.DECLINED)
    return Registration.objects.filter(event_id=event.pk).exclude(status__in=ended).exists()


def refuse_move_to_past(*, event: Event) -> None:
    """A meeting people registered for cannot move to a time that has passed (events
    refuses it anyway; this tells the organiser why, and what to do instead)."""
    if has_registrations(event=event):
        raise ValidationError(
            {
                "start_date": _(
                    "People have registered for this meeting, so it cannot move to a time "
                    "that has passed. Choose a date and time after now, or cancel the meeting."
                )
            }
        )


def refuse_withdrawal(*, event: Event, action: str) -> None:
    """A meeting anyone ever registered for (a cancelled registration too: they were sent
    its link and maybe a calendar file) is neither unpublished nor deleted: it is
    cancelled, so that they are told rather than finding it gone."""
    if Registration.objects.filter(event_id=event.pk).exists():
        if action == "delete":
            message = _(
                "People have registered for this meeting, so it cannot be deleted: cancel "
                "it instead, and they can be told."
            )
        else:
            message = _(
                "People have registered for this meeting, so it cannot go back to draft: "
                "cancel it instead, and they can be told."
            )
        raise ValidationError(message)


def _pending(**lookups) -> QuerySet:
    """Notices neither sent nor dismissed: the conditional UPDATEs below act only on these."""
    return ChangeNotice.objects.filter(sent_at=None, dismissed_at=None, **lookups)


def pending_notice(*, event: Event) -> ChangeNotice | None:
    """The notice waiting for the organiser's decision (at most one per event)."""
    return _pending(event_id=event.pk).order_by("-created_at", "-id").first()


def decided_notices(*, event: Event) -> QuerySet:
    """The event's notices sent or dismissed, latest first."""
    return ChangeNotice.objects.filter(event_id=event.pk).exclude(sent_at=None, dismissed_at=None)


# --- what changed ---


def _changed_fields(before: Event, after: Event) -> list[str]:
    changed = []
    if any(getattr(before, name) != getattr(after, name) for name in TIME_FIELDS):
        changed.append(WHEN)
    if before.venue_id != after.venue_id:
        changed.append(VENUE)
    if before.online_url != after.online_url:
        changed.append(ONLINE)
    return changed


def record_changes(*, event: Event, before: Event, by=None) -> ChangeNotice | None:
    """Record what this edit changed in the pending notice (made if people are registered).

    ``before`` is the event as it was stored. Returns the pending notice this edit made or
    changed, or None: nothing a notice tells changed, nobody can be told (no registration
    with an email), the meeting is cancelled or over, or the edit put everything back as
    it was (then the notice goes).
    """
    fields = _changed_fields(before, event)
    if not fields or event.is_cancelled or event.is_past:
        return None
    old, new = values(before), values(event)
    notice = _pending(event_id=event.pk, kind=Kind.CHANGED).select_for_update().first()
    if notice is None:
        if not recipients(event=event).exists():
            return None
        notice = ChangeNotice(event=event, kind=Kind.CHANGED, created_by=by)
    merged = {change["field"]: change for change in notice.changes}
    for field in fields:
        earlier = merged.get(field)
        # (A change recorded as text, before the values were kept, starts afresh.)
        was = earlier["old"] if earlier and "label" not in earlier else old[field]
        if was == new[field]:
            merged.pop(field, None)  # put back as it was: nothing to tell
        else:
            merged[field] = {"field": field, "old": was, "new": new[field]}
    if not merged:
        if notice.pk:
            notice.delete()
        return None
    notice.changes = [merged[f] for f in (WHEN, VENUE, ONLINE) if f in merged]
    notice.save()
    return notice


def record_cancellation(*, event: Event, by=None) -> ChangeNotice | None:
    """The meeting was cancelled: offer to tell the people registered (replacing any
    change not sent yet). None if nobody is registered or the meeting is over."""
    _pending(event_id=event.pk, kind=Kind.CHANGED).update(dismissed_at=timezone.now())
    if event.is_past or not recipients(event=event).exists():
        return None
    changes = [{"field": WHEN, "old": values(event)[WHEN], "new": CANCELLED}]
    return ChangeNotice.objects.create(
        event=event, kind=Kind.CANCELLED, created_by=by, changes=changes
    )


# --- the organiser's decision ---


class NoticeNotPending(ValidationError):
    """The notice was sent or dismissed already (perhaps a moment ago, in another tab)."""


def _not_pending(notice: ChangeNotice) -> NoticeNotPending:
    zone = notice.event.time_zone
    if notice.sent_at:
        return NoticeNotPending(
            ngettext(
                "This notice was sent on %(when)s to %(n)s person; nobody is emailed twice.",
                "This notice was sent on %(when)s to %(n)s people; nobody is emailed twice.",
                notice.recipient_count,
            )
            % {"when": moment(notice.sent_at, zone), "n": notice.recipient_count}
        )
    return NoticeNotPending(
        _("On %(when)s it was decided not to send this notice; nothing was sent.")
        % {"when": moment(notice.dismissed_at, zone)}
    )


def changes_for(registration: Registration, notice: ChangeNotice) -> list[dict]:
    """The changes as this attendee may read them: the online link, and the venue of a
    meeting whose address is private, only once confirmed (for the others they are left
    out of the stored message too, marked ``hidden``: they read that it changed)."""
    confirmed = sees_address(registration)
    secret = {ONLINE, VENUE} if registration.event.address_private else {ONLINE}
    return [
        {"field": change["field"], "old": "", "new": "", "hidden": True}
        if change["field"] in secret and not confirmed
        else {**change, "hidden": False}
        for change in notice.changes
    ]


def send_notice(*, notice: ChangeNotice, by) -> int:
    """Email everyone registered, once; how many were emailed. NoticeNotPending if the
    notice was sent or dismissed already (by this organiser or another, a moment ago):
    a second click emails nobody. The organiser who sent it (``by``) is recorded in the
    group's audit log with the meeting and how many were emailed."""
    now = timezone.now()
    with transaction.atomic():
        claimed = _pending(pk=notice.pk).update(sent_at=now)
        if not claimed:
            notice.refresh_from_db()
            raise _not_pending(notice)
        event = Event.objects.select_related("group", "venue").get(pk=notice.event_id)
        count = 0
        for registration in recipients(event=event):  # each in the registration's language
            registration.event = event
            rsvp.email_attendee(
                registration,
                template=TEMPLATES[notice.kind],
                changes=changes_for(registration, notice),
                check_in_code=notice.kind != ChangeNotice.Kind.CANCELLED,
            )
            count += 1
        ChangeNotice.objects.filter(pk=notice.pk).update(recipient_count=count)
        if by is not None:
            audit.record(
                group=event.group,
                actor=by,
                action=audit.Action.MESSAGE_SENT,
                subject=event.title,
                count=count,
            )
    notice.refresh_from_db()
    return count


def dismiss_notice(*, notice: ChangeNotice) -> ChangeNotice:
    """The organiser chose not to tell anyone. NoticeNotPending if it was sent or
    dismissed already."""
    dismissed = _pending(pk=notice.pk).update(dismissed_at=timezone.now())
    notice.refresh_from_db()
    if not dismissed:
        raise _not_pending(notice)
    return notice
