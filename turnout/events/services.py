"""Every write to events: create, edit, publish, cancel, duplicate.

A change the apps above must react to is announced through turnout.events.hooks, inside
the transaction that makes it; this module never imports them.
"""

import calendar
import copy
import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from turnout.core import pictures, search
from turnout.core.formats import grouped
from turnout.core.timezones import available_time_zones, to_aware
from turnout.events import addresses, hooks, places
from turnout.events.models import REMINDER_MAX_HOURS, Event, Topic
from turnout.groups.models import Group

EDITABLE_FIELDS = frozenset(
    {
        "title", "slug", "tagline", "description", "start_date", "start_time", "end_date",
        "end_time", "time_zone", "language", "venue", "online_url", "capacity", "max_guests",
        "confirmation_required", "approval_required", "registration_opens_at",
        "registration_closes_at", "public_counts", "reminder_hours", "all_day", "unlisted",
        "address_private", "address_area",
    }
)  # fmt: skip
# Set by an import (turnout.feeds), never by the organiser's form: accepted by
# create_event and update_event, not copied by duplicate_event.
IMPORT_FIELDS = frozenset({"external_uid", "external_url"})
MIDNIGHT = dt.time(0, 0)
FIRST_YEAR, LAST_YEAR = 1900, 2999

# Shared with the event form (turnout.events.forms), so both say the same.
REMINDER_INVALID = gettext_lazy(
    "Enter the number of hours as a whole number, like 24, or leave it empty for no reminder."
)
REMINDER_TOO_SOON = gettext_lazy(
    "The reminder goes at least 1 hour before the start; leave it empty for no reminder."
)
REMINDER_TOO_EARLY = gettext_lazy(
    "The reminder can go at most %(limit_value)s hours (a week) before the start."
)


def _normalise_all_day(event: Event) -> None:
    """An all-day meeting starts and ends at midnight, and ``end_date`` is the day after
    its last day (iCalendar's DTEND;VALUE=DATE): one day when no later end is given."""
    if not event.all_day:
        return
    event.start_time = event.end_time = MIDNIGHT
    if event.start_date and (not event.end_date or event.end_date == event.start_date):
        event.end_date = event.start_date + dt.timedelta(days=1)


def _bump_sequence(event: Event) -> None:
    """iCalendar's SEQUENCE goes up by one, counted in the database (never a stale value)."""
    Event.objects.filter(pk=event.pk).update(sequence=F("sequence") + 1)
    event.sequence = Event.objects.values_list("sequence", flat=True).get(pk=event.pk)


def _derive_instants(event: Event) -> None:
    event.starts_at = to_aware(event.start_date, event.start_time, event.time_zone)
    event.ends_at = to_aware(event.end_date, event.end_time, event.time_zone)
    event.reminder_due_at = reminder_due(event)


def reminder_due(event: Event) -> dt.datetime | None:
    """When the reminder goes: ``reminder_hours`` before the start; None for no reminder,
    or when that moment is not after the meeting was created (it was created less than
    that many hours ahead: the confirmation just told everyone)."""
    if event.reminder_hours is None or event.starts_at is None:
        return None
    due = event.starts_at - dt.timedelta(hours=event.reminder_hours)
    return due if due > event.created_at else None


def _clean_reminder_hours(event: Event, errors: dict) -> None:
    """``reminder_hours`` as a whole number of hours in range, or None (no reminder)."""
    value = event.reminder_hours
    if value is None or (isinstance(value, str) and not value.strip()):
        event.reminder_hours = None
        return
    try:
        if isinstance(value, bool | float):
            raise ValueError
        hours = int(str(value).strip())
    except ValueError:
        errors["reminder_hours"] = str(REMINDER_INVALID)
        event.reminder_hours = None
        return
    if hours < 1:
        errors["reminder_hours"] = str(REMINDER_TOO_SOON)
    elif hours > REMINDER_MAX_HOURS:
        errors["reminder_hours"] = str(REMINDER_TOO_EARLY) % {"limit_value": REMINDER_MAX_HOURS}
    event.reminder_hours = hours if not errors.get("reminder_hours") else None


def _past_start_error(event: Event, *, before: Event | None) -> dict:
    """A start that changed (or a new meeting's) must be after now. For a meeting moved
    into the past, an app above may give a more precise reason (its receiver of
    hooks.meeting_moving_to_past raises it)."""
    moved = before is None or event.starts_at != before.starts_at
    if not moved or event.starts_at > timezone.now():
        return {}
    if before is not None:
        try:
            hooks.meeting_moving_to_past.send(sender=Event, event=event, before=before)
        except ValidationError as refused:
            return refused.message_dict
    return {
        "start_date": _(
            "This date and time have passed. Choose a date and time after now for the meeting."
        )
    }


def _check(event: Event, *, allow_past_start: bool = True, before: Event | None = None) -> None:
    """The rules a form cannot see alone; raise field-level ValidationErrors.

    Unless ``allow_past_start``, a start that differs from the stored one (``before``;
    None for a new meeting) must be after now.
    """
    errors, reminder_errors = {}, {}
    _clean_reminder_hours(event, reminder_errors)
    for name in ("start_date", "end_date"):
        day = getattr(event, name)
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            # A typo, and year 1 or 9999 would overflow on the way to UTC.
            errors[name] = _("Choose a date between the years %(first)s and %(last)s.") % {
                "first": FIRST_YEAR,
                "last": LAST_YEAR,
            }
    for name in ("title", "tagline", "description", "external_uid", "external_url"):
        if "\x00" in (getattr(event, name) or ""):
            # PostgreSQL cannot store it; the organiser's form refuses it too.
            errors[name] = _("Remove the null character from this text.")
    parts = (event.start_date, event.start_time, event.end_date, event.end_time)
    in_range = not errors
    if in_range and event.time_zone in available_time_zones() and all(p is not None for p in parts):
        _derive_instants(event)
        if event.ends_at <= event.starts_at:
            errors["end_time"] = _("The meeting must end after it starts.")
        elif not allow_past_start:
            errors.update(_past_start_error(event, before=before))
    if not errors and event.starts_at:
        errors.update(_registration_window_errors(event))
    if event.venue_id and event.venue.group_id != event.group_id:
        errors["venue"] = _("Choose one of this group's venues.")
    if Event.objects.filter(group=event.group, slug=event.slug).exclude(pk=event.pk).exists():
        errors["slug"] = _("Another meeting of this group has this web address; choose another.")
    elif addresses.taken_by_another(event=event):
        errors["slug"] = addresses.taken_message()
    errors.update(reminder_errors)
    errors.update(places.clean_area(event))
    try:
        # The constraints are checked above with clearer messages (and by the database).
        event.full_clean(exclude=["starts_at", "ends_at"], validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)


def _registration_window_errors(event: Event) -> dict:
    opens, closes = event.registration_opens_at, event.registration_closes_at
    if closes and closes > event.starts_at:
        return {"registration_closes_at": _("Registration must close by the start of the meeting.")}
    if opens and opens >= (closes or event.starts_at):
        return {"registration_opens_at": _("Registration must open before it closes.")}
    return {}


def default_slug(*, group: Group, title: str, start_date: dt.date) -> str:
    return addresses.readable_slug(group=group, title=title, start_date=start_date)


@transaction.atomic
def create_event(
    *, group: Group, allow_past_start: bool = True, topics: Iterable[Topic] = (), **fields
) -> Event:
    """A draft meeting. ``allow_past_start=False`` (the organiser's form) refuses a start
    that has passed; the default records any meeting (the demo's past one, imports)."""
    unknown = set(fields) - EDITABLE_FIELDS - IMPORT_FIELDS
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    fields.setdefault("time_zone", group.time_zone)
    fields.setdefault("language", group.language)
    if not fields.get("end_date"):
        fields["end_date"] = fields.get("start_date")
    if fields.get("unlisted"):
        if fields.get("slug"):
            raise ValidationError({"slug": addresses.unlisted_slug_typed_message()})
        fields["slug"] = addresses.unlisted_slug(group=group)
    if not fields.get("slug") and fields.get("title") and fields.get("start_date"):
        fields["slug"] = default_slug(
            group=group, title=fields["title"], start_date=fields["start_date"]
        )
    event = Event(group=group, **fields)
    _normalise_all_day(event)
    _check(event, allow_past_start=allow_past_start)
    event.search_text = search.text(event.title, event.tagline)
    event.public_city = places.public_city(event, lock_venue=True)
    event.save()
    event.topics.set(topics)
    _keep_addresses(event, before=None)
    return event


def _keep_addresses(event: Event, *, before: Event | None) -> None:
    """The meeting's address, and the one it had before this change, are its own for good
    (turnout.events.addresses); one lost to another meeting in a race rolls it back."""
    if not addresses.keep(event=event, slugs=[before.slug if before else "", event.slug]):
        raise ValidationError({"slug": addresses.taken_message()})


@transaction.atomic
def update_event(
    *,
    event: Event,
    by=None,
    allow_past_start: bool = False,
    topics: Iterable[Topic] | None = None,
    **fields,
) -> Event:
    """Change a meeting. A start that changes must be after now (unless ``allow_past_start``);
    an already-past meeting whose start stays may still be corrected.

    Once saved, in the same transaction, ``hooks.meeting_changed`` tells the apps above
    (rsvp: reminders, the change notice, the waitlist). ``event.change_notice`` is then
    the notice the organiser (``by``) is offered to send, or None when this edit needs none.
    """
    unknown = set(fields) - EDITABLE_FIELDS - IMPORT_FIELDS
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    if not fields.get("slug"):
        fields.pop("slug", None)  # an emptied address field keeps the old address
    # Locked: two organisers saving at once take turns, each seeing the other's result.
    stored = Event.objects.select_for_update(of=("self",)).select_related("group", "venue")
    before = stored.get(pk=event.pk)
    addresses.address_for_listing(event=event, before=before, fields=fields)
    for name, value in fields.items():
        setattr(event, name, value)
    if not event.end_date:
        event.end_date = event.start_date
    _normalise_all_day(event)
    event.updated_at = timezone.now()
    _check(event, allow_past_start=allow_past_start, before=before)
    event.search_text = search.text(event.title, event.tagline)
    event.public_city = places.public_city(event)
    event.save(
        update_fields=[
            *EDITABLE_FIELDS,
            *(IMPORT_FIELDS & set(fields)),
            "starts_at",
            "ends_at",
            "reminder_due_at",
            "updated_at",
            "search_text",
            "public_city",
        ]
    )
    if topics is not None:  # None: an import, which knows nothing of topics
        event.topics.set(topics)
    # Every save counts as a change: calendars then take this version over the one
    # they hold (a save that changed nothing costs a calendar one needless refresh).
    _keep_addresses(event, before=before)
    _bump_sequence(event)
    event.change_notice = None
    hooks.meeting_changed.send(sender=Event, event=event, before=before, by=by)
    return event


CAPACITY_LIMIT = 1_000_000


def change_capacity(*, event: Event, capacity) -> Event:
    """Set how many people fit ("" or None for no limit). Raising it promotes the waitlist
    (rsvp does, told by ``update_event``'s hook).

    Lowering it below the seats already taken removes nobody: everyone keeps their
    place, new registrations join the waitlist, and promotions resume once enough
    people have cancelled to bring the seats taken under the new capacity.
    """
    text = "" if capacity is None else str(capacity).strip()
    if text == "":
        value = None
    else:
        try:
            value = int(text)
        except ValueError:
            raise ValidationError(
                {"capacity": _("Enter the capacity as a whole number, like 40, or leave it empty.")}
            ) from None
        if not 0 <= value <= CAPACITY_LIMIT:
            raise ValidationError(
                {
                    "capacity": _("Give a capacity between 0 and %(max)s, or leave it empty.")
                    % {"max": grouped(CAPACITY_LIMIT)}
                }
            )
    return update_event(event=event, capacity=value)


@transaction.atomic
def publish_event(*, event: Event) -> Event:
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be published again."))
    if not event.venue_id and not event.online_url:
        raise ValidationError(_("Add a venue or an online meeting link before publishing."))
    if event.status == Event.Status.DRAFT:
        event.status = Event.Status.PUBLISHED
        event.published_at = event.updated_at = timezone.now()
        event.save(update_fields=["status", "published_at", "updated_at"])
        _bump_sequence(event)
        hooks.meeting_published.send(sender=Event, event=event)
    return event


@transaction.atomic
def cancel_event(*, event: Event, by=None) -> Event:
    """Cancel the meeting; twice changes nothing. ``hooks.meeting_cancelled`` tells the apps
    above, in the same transaction; if people are registered, rsvp offers the organiser
    (``by``) a notice to tell them: ``event.change_notice``."""
    event.change_notice = None
    if event.status != Event.Status.CANCELLED:
        before = copy.copy(event)
        event.status = Event.Status.CANCELLED
        event.cancelled_at = event.updated_at = timezone.now()
        event.save(update_fields=["status", "cancelled_at", "updated_at"])
        _bump_sequence(event)
        hooks.meeting_cancelled.send(sender=Event, event=event, before=before, by=by)
    return event


def same_weekday_next_month(day: dt.date) -> dt.date:
    """The same weekday in the same week of next month: 2nd Tuesday → 2nd Tuesday.

    A 5th weekday that next month lacks becomes that month's last one.
    """
    nth = (day.day - 1) // 7  # 0 for the first such weekday of the month
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    weeks = [
        week[day.weekday()]
        for week in calendar.Calendar().monthdatescalendar(year, month)
        if week[day.weekday()].month == month
    ]
    return weeks[min(nth, len(weeks) - 1)]


@transaction.atomic
def duplicate_event(*, event: Event) -> Event:
    """A draft copy of the meeting on the same weekday next month, same times and place."""
    start = same_weekday_next_month(event.start_date)
    shift = start - event.start_date
    fields = {name: getattr(event, name) for name in EDITABLE_FIELDS - {"slug"}}
    fields.update(start_date=start, end_date=event.end_date + shift)
    for name in ("registration_opens_at", "registration_closes_at"):
        if fields[name]:  # the same wall-clock time, as many days later
            local = fields[name].astimezone(ZoneInfo(event.time_zone)) + shift
            fields[name] = to_aware(local.date(), local.time(), event.time_zone)
    return create_event(group=event.group, topics=event.topics.all(), **fields)


def set_picture(*, event: Event, upload=None, alt_text: str, on_flyer: bool = False) -> Event:
    """The meeting's picture (``turnout.core.pictures``) and whether the A4 flyer shows it."""
    pictures.attach(event, upload=upload, alt_text=alt_text, picture_on_flyer=on_flyer)
    return event


def remove_picture(*, event: Event) -> Event:
    pictures.detach(event, picture_on_flyer=False)
    return event
