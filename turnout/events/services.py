"""Every write to events: create, edit, publish, cancel, duplicate."""

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from turnout.core.slugs import slug_from
from turnout.core.timezones import available_time_zones, to_aware
from turnout.events.models import Event
from turnout.groups.models import Group

EDITABLE_FIELDS = frozenset(
    {
        "title", "slug", "tagline", "description", "start_date", "start_time", "end_date",
        "end_time", "time_zone", "language", "venue", "online_url", "capacity", "max_guests",
        "confirmation_required", "registration_opens_at", "registration_closes_at",
        "public_counts",
    }
)  # fmt: skip
FIRST_YEAR, LAST_YEAR = 1900, 2999


def _derive_instants(event: Event) -> None:
    event.starts_at = to_aware(event.start_date, event.start_time, event.time_zone)
    event.ends_at = to_aware(event.end_date, event.end_time, event.time_zone)


def _check(event: Event) -> None:
    """The rules a form cannot see alone; raise field-level ValidationErrors."""
    errors = {}
    for name in ("start_date", "end_date"):
        day = getattr(event, name)
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            # A typo, and year 1 or 9999 would overflow on the way to UTC.
            errors[name] = _("Choose a date between the years %(first)s and %(last)s.") % {
                "first": FIRST_YEAR,
                "last": LAST_YEAR,
            }
    parts = (event.start_date, event.start_time, event.end_date, event.end_time)
    in_range = not errors
    if in_range and event.time_zone in available_time_zones() and all(p is not None for p in parts):
        _derive_instants(event)
        if event.ends_at <= event.starts_at:
            errors["end_time"] = _("The meeting must end after it starts.")
    if not errors and event.starts_at:
        errors.update(_registration_window_errors(event))
    if event.venue_id and event.venue.group_id != event.group_id:
        errors["venue"] = _("Choose one of this group's venues.")
    if Event.objects.filter(group=event.group, slug=event.slug).exclude(pk=event.pk).exists():
        errors["slug"] = _("Another meeting of this group has this web address; choose another.")
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


def _unique_slug(group: Group, base: str, *, exclude_pk: int | None = None) -> str:
    taken = set(
        Event.objects.filter(group=group, slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def default_slug(*, group: Group, title: str, start_date: dt.date) -> str:
    base = f"{slug_from(title, fallback='event', max_length=38)}-{start_date:%Y-%m-%d}"
    return _unique_slug(group, base)


@transaction.atomic
def create_event(*, group: Group, **fields) -> Event:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    fields.setdefault("time_zone", group.time_zone)
    fields.setdefault("language", group.language)
    if not fields.get("end_date"):
        fields["end_date"] = fields.get("start_date")
    if not fields.get("slug") and fields.get("title") and fields.get("start_date"):
        fields["slug"] = default_slug(
            group=group, title=fields["title"], start_date=fields["start_date"]
        )
    event = Event(group=group, **fields)
    _check(event)
    event.save()
    return event


@transaction.atomic
def update_event(*, event: Event, **fields) -> Event:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    if not fields.get("slug"):
        fields.pop("slug", None)  # an emptied address field keeps the old address
    for name, value in fields.items():
        setattr(event, name, value)
    if not event.end_date:
        event.end_date = event.start_date
    event.updated_at = timezone.now()
    _check(event)
    old_capacity = Event.objects.filter(pk=event.pk).values_list("capacity", flat=True).get()
    event.save(update_fields=[*EDITABLE_FIELDS, "starts_at", "ends_at", "updated_at"])
    if event.capacity != old_capacity:
        from turnout.rsvp import services as rsvp  # rsvp builds on events

        rsvp.promote_waitlist(event=event)  # a raised capacity frees seats
    return event


CAPACITY_LIMIT = 1_000_000


def change_capacity(*, event: Event, capacity) -> Event:
    """Set how many people fit ("" or None for no limit). Raising it promotes the waitlist.

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
                    % {"max": f"{CAPACITY_LIMIT:,}"}
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
    return event


@transaction.atomic
def cancel_event(*, event: Event) -> Event:
    if event.status != Event.Status.CANCELLED:
        event.status = Event.Status.CANCELLED
        event.cancelled_at = event.updated_at = timezone.now()
        event.save(update_fields=["status", "cancelled_at", "updated_at"])
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
    return create_event(group=event.group, **fields)
