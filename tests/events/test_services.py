"""Meetings: local time kept as meant, UTC derived, and every rule enforced on write."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from tests.factories import make_event, make_group, make_venue
from turnout.events import services as events
from turnout.events.models import Event

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 6, 9)  # the 2nd Tuesday of June 2026


def _meeting(**fields) -> dict:
    return {
        "title": "What internationalism means",
        "start_date": TUESDAY,
        "start_time": dt.time(19, 0),
        "end_time": dt.time(21, 0),
        **fields,
    }


def _utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


# Time


@pytest.mark.parametrize(
    ("zone", "day", "starts_at", "ends_at"),
    [
        ("Europe/London", dt.date(2026, 7, 7), _utc(2026, 7, 7, 18), _utc(2026, 7, 7, 20)),
        ("Europe/London", dt.date(2026, 12, 1), _utc(2026, 12, 1, 19), _utc(2026, 12, 1, 21)),
        ("Europe/Kyiv", dt.date(2026, 7, 7), _utc(2026, 7, 7, 16), _utc(2026, 7, 7, 18)),
        ("Europe/Kyiv", dt.date(2026, 12, 1), _utc(2026, 12, 1, 17), _utc(2026, 12, 1, 19)),
    ],
)
def test_create_event_derives_utc_instants_from_local_time_and_zone(
    group, zone, day, starts_at, ends_at
):
    event = events.create_event(group=group, **_meeting(start_date=day, time_zone=zone))

    saved = Event.objects.get(pk=event.pk)
    assert (saved.starts_at, saved.ends_at) == (starts_at, ends_at)
    assert saved.starts_at.utcoffset() == dt.timedelta(0)
    assert (saved.start_date, saved.start_time, saved.time_zone) == (day, dt.time(19, 0), zone)
    assert (saved.local_start.hour, saved.local_end.hour) == (19, 21)


def test_create_event_across_the_clock_change_keeps_local_times(group):
    # The clocks went back in London at 2am on 25 October 2026.
    event = events.create_event(
        group=group,
        **_meeting(
            start_date=dt.date(2026, 10, 24),
            start_time=dt.time(22, 0),
            end_date=dt.date(2026, 10, 25),
            end_time=dt.time(3, 0),
        ),
    )

    saved = Event.objects.get(pk=event.pk)
    assert (saved.starts_at, saved.ends_at) == (_utc(2026, 10, 24, 21), _utc(2026, 10, 25, 3))


def test_create_event_takes_zone_and_language_from_the_group():
    group = make_group(time_zone="Europe/Kyiv", language="uk")

    event = events.create_event(group=group, **_meeting())

    assert (event.time_zone, event.language) == ("Europe/Kyiv", "uk")
    assert Event.objects.get(pk=event.pk).starts_at == _utc(2026, 6, 9, 16)


def test_create_event_keeps_a_zone_and_language_of_its_own(group):
    event = events.create_event(
        group=group, **_meeting(time_zone="America/New_York", language="ar")
    )

    assert (event.time_zone, event.language) == ("America/New_York", "ar")
    assert Event.objects.get(pk=event.pk).starts_at == _utc(2026, 6, 9, 23)


def test_create_event_ends_on_its_start_date_unless_told(group):
    event = events.create_event(group=group, **_meeting())

    assert event.end_date == TUESDAY


# Slugs


def test_create_event_makes_a_slug_from_title_and_date(group):
    event = events.create_event(group=group, **_meeting())

    assert event.slug == "what-internationalism-means-2026-06-09"


def test_create_event_de_duplicates_the_default_slug(group):
    slugs = [events.create_event(group=group, **_meeting()).slug for _ in range(3)]

    assert slugs == [
        "what-internationalism-means-2026-06-09",
        "what-internationalism-means-2026-06-09-2",
        "what-internationalism-means-2026-06-09-3",
    ]


def test_create_event_with_a_ukrainian_title_gets_a_slug_from_the_date(group):
    event = events.create_event(group=group, **_meeting(title="Що таке інтернаціоналізм"))

    assert event.slug == "event-2026-06-09"


def test_create_event_with_a_long_title_keeps_the_slug_short(group):
    event = events.create_event(group=group, **_meeting(title="Solidarity " * 12))

    assert event.slug == "solidarity-solidarity-solidarity-2026-06-09"
    assert len(event.slug) <= 50


def test_create_event_refuses_a_slug_taken_in_the_same_group(group):
    events.create_event(group=group, **_meeting(slug="june-meeting"))

    with pytest.raises(ValidationError) as exc:
        events.create_event(group=group, **_meeting(slug="june-meeting"))

    assert exc.value.message_dict == {
        "slug": ["Another meeting of this group has this web address; choose another."]
    }
    assert Event.objects.count() == 1


def test_create_event_allows_a_slug_taken_in_another_group(group):
    events.create_event(group=group, **_meeting(slug="june-meeting"))
    other = make_group()

    event = events.create_event(group=other, **_meeting(slug="june-meeting"))

    assert event.slug == "june-meeting"
    assert Event.objects.filter(slug="june-meeting").count() == 2


@pytest.mark.parametrize("slug", ["../admin", "a/b", "June", "київ", "-june"])
def test_create_event_refuses_a_bad_slug(group, slug):
    with pytest.raises(ValidationError) as exc:
        events.create_event(group=group, **_meeting(slug=slug))

    assert list(exc.value.message_dict) == ["slug"]
    assert exc.value.message_dict["slug"][-1] == (
        "Use only lower-case letters a-z, digits and single hyphens between them, "
        "e.g. “tuesday-meeting”."
    )
    assert Event.objects.count() == 0


# Bad input


@pytest.mark.parametrize(
    "times",
    [
        {"start_time": dt.time(21, 0), "end_time": dt.time(19, 0)},
        {"start_time": dt.time(19, 0), "end_time": dt.time(19, 0)},
        {"end_date": dt.date(2026, 6, 8)},
    ],
)
def test_create_event_refuses_an_end_before_the_start(group, times):
    with pytest.raises(ValidationError) as exc:
        events.create_event(group=group, **_meeting(**times))

    assert exc.value.message_dict == {"end_time": ["The meeting must end after it starts."]}
    assert Event.objects.count() == 0


@pytest.mark.parametrize("zone", ["London", "../etc", "Mars/Base", ""])
def test_create_event_refuses_an_unknown_time_zone(group, zone):
    with pytest.raises(ValidationError) as exc:
        events.create_event(group=group, **_meeting(time_zone=zone))

    message = f"“{zone}” is not a time zone. Pick one from the list, e.g. Europe/London."
    expected = {"time_zone": ["This field cannot be blank."] if zone == "" else [message]}
    assert exc.value.message_dict == expected
    assert Event.objects.count() == 0


def test_create_event_refuses_a_negative_capacity(group):
    with pytest.raises(ValidationError) as exc:
        events.create_event(group=group, **_meeting(capacity=-1))

    assert exc.value.message_dict == {
        "capacity": ["Ensure this value is greater than or equal to 0."]
    }
    assert Event.objects.count() == 0


def test_create_event_refuses_a_venue_of_another_group(group):
    elsewhere = make_venue(group=make_group(), name="Elsewhere Hall")

    with pytest.raises(ValidationError) as exc:
        events.create_event(group=group, **_meeting(venue=elsewhere))

    assert exc.value.message_dict == {"venue": ["Choose one of this group's venues."]}
    assert Event.objects.count() == 0


def test_create_event_refuses_a_description_over_20000_characters(group):
    with pytest.raises(ValidationError) as exc:
        events.create_event(group=group, **_meeting(description="x" * 20_001))

    assert exc.value.message_dict == {
        "description": ["Ensure this value has at most 20000 characters (it has 20001)."]
    }
    assert Event.objects.count() == 0


def test_create_event_accepts_a_description_of_exactly_20000_characters(group):
    event = events.create_event(group=group, **_meeting(description="x" * 20_000))

    assert len(Event.objects.get(pk=event.pk).description) == 20_000


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,hi", "ftp://example.org"])
def test_create_event_refuses_an_online_link_that_is_not_http(group, url):
    with pytest.raises(ValidationError) as exc:
        events.create_event(group=group, **_meeting(online_url=url))

    assert list(exc.value.message_dict) == ["online_url"]
    assert exc.value.message_dict["online_url"][-1] == (
        "Enter a web address starting with https:// or http://."
    )
    assert Event.objects.count() == 0


def test_create_event_refuses_fields_it_does_not_edit(group):
    with pytest.raises(TypeError) as exc:
        events.create_event(group=group, status="published", **_meeting())

    assert str(exc.value) == "Not editable: ['status']"


def test_update_event_refuses_bad_input_and_changes_nothing(event):
    before = Event.objects.filter(pk=event.pk).values().get()

    with pytest.raises(ValidationError) as exc:
        events.update_event(event=event, title="Renamed", end_time=dt.time(18, 0))

    assert exc.value.message_dict == {"end_time": ["The meeting must end after it starts."]}
    assert Event.objects.filter(pk=event.pk).values().get() == before


def test_update_event_moves_the_utc_instants_with_the_local_time(event):
    year = timezone.localdate().year + 1  # a meeting cannot be moved into the past
    day = dt.date(year, 12, 1)

    events.update_event(event=event, start_date=day, end_date=day, time_zone="Europe/Kyiv")

    saved = Event.objects.get(pk=event.pk)
    assert (saved.starts_at, saved.ends_at) == (_utc(year, 12, 1, 17), _utc(year, 12, 1, 19))


def test_update_event_with_an_empty_slug_keeps_the_old_one(event):
    slug = event.slug

    events.update_event(event=event, slug="", title="Renamed")

    assert Event.objects.get(pk=event.pk).slug == slug


# Publishing and cancelling


def test_publish_event_makes_a_draft_public(group, venue):
    event = events.create_event(group=group, **_meeting(venue=venue))

    events.publish_event(event=event)

    saved = Event.objects.get(pk=event.pk)
    assert saved.status == Event.Status.PUBLISHED
    assert saved.published_at is not None


def test_publish_event_with_only_an_online_link(group):
    event = events.create_event(group=group, **_meeting(online_url="https://meet.example.org/x"))

    events.publish_event(event=event)

    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED


def test_publish_event_needs_a_venue_or_an_online_link(group):
    event = events.create_event(group=group, **_meeting())

    with pytest.raises(ValidationError) as exc:
        events.publish_event(event=event)

    assert exc.value.messages == ["Add a venue or an online meeting link before publishing."]
    assert Event.objects.get(pk=event.pk).status == Event.Status.DRAFT


def test_publish_event_twice_keeps_the_first_publication_time(event):
    published_at = Event.objects.get(pk=event.pk).published_at

    events.publish_event(event=event)

    assert Event.objects.get(pk=event.pk).published_at == published_at


def test_publish_event_cannot_bring_back_a_cancelled_one(event):
    events.cancel_event(event=event)

    with pytest.raises(ValidationError) as exc:
        events.publish_event(event=event)

    assert exc.value.messages == ["A cancelled meeting cannot be published again."]
    assert Event.objects.get(pk=event.pk).status == Event.Status.CANCELLED


def test_cancel_event_marks_it_cancelled(event):
    events.cancel_event(event=event)

    saved = Event.objects.get(pk=event.pk)
    assert saved.status == Event.Status.CANCELLED
    assert saved.is_cancelled is True
    assert saved.cancelled_at is not None


def test_cancel_event_twice_keeps_the_first_cancellation_time(event):
    events.cancel_event(event=event)
    cancelled_at = Event.objects.get(pk=event.pk).cancelled_at

    events.cancel_event(event=Event.objects.get(pk=event.pk))

    assert Event.objects.get(pk=event.pk).cancelled_at == cancelled_at


# Duplicating


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 6, 9), dt.date(2026, 7, 14)),  # 2nd Tuesday → 2nd Tuesday
        (dt.date(2026, 6, 2), dt.date(2026, 7, 7)),  # 1st Tuesday → 1st Tuesday
        (dt.date(2026, 6, 30), dt.date(2026, 7, 28)),  # 5th Tuesday → July's last (4th)
        (dt.date(2026, 12, 8), dt.date(2027, 1, 12)),  # December → January
        (dt.date(2026, 12, 29), dt.date(2027, 1, 26)),  # 5th Tuesday → January's last
        (dt.date(2026, 1, 29), dt.date(2026, 2, 26)),  # 5th Thursday → February's 4th
        (dt.date(2026, 7, 31), dt.date(2026, 8, 28)),  # 5th Friday → August's last
    ],
)
def test_same_weekday_next_month(day, expected):
    assert events.same_weekday_next_month(day) == expected
    assert expected.weekday() == day.weekday()


def test_duplicate_event_makes_a_draft_on_the_same_weekday_next_month(group, venue):
    event = events.create_event(
        group=group,
        **_meeting(
            tagline="Unite the struggles", venue=venue, capacity=60, time_zone="Europe/London"
        ),
    )
    events.publish_event(event=event)

    copy = events.duplicate_event(event=event)

    copy = Event.objects.get(pk=copy.pk)
    assert copy.pk != event.pk
    assert copy.status == Event.Status.DRAFT
    assert (copy.start_date, copy.end_date) == (dt.date(2026, 7, 14), dt.date(2026, 7, 14))
    assert (copy.start_time, copy.end_time) == (dt.time(19, 0), dt.time(21, 0))
    assert (copy.venue, copy.capacity, copy.tagline) == (venue, 60, "Unite the struggles")
    assert (copy.title, copy.time_zone, copy.language) == (event.title, "Europe/London", "en")
    assert copy.slug == "what-internationalism-means-2026-07-14"
    assert (copy.starts_at, copy.ends_at) == (_utc(2026, 7, 14, 18), _utc(2026, 7, 14, 20))
    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED


def test_duplicate_event_keeps_a_meeting_over_midnight_over_midnight(group, venue):
    event = events.create_event(
        group=group,
        **_meeting(
            venue=venue,
            start_time=dt.time(22, 0),
            end_date=dt.date(2026, 6, 10),
            end_time=dt.time(2, 0),
        ),
    )

    copy = events.duplicate_event(event=event)

    assert (copy.start_date, copy.end_date) == (dt.date(2026, 7, 14), dt.date(2026, 7, 15))


def test_duplicate_event_twice_gives_two_slugs(event):
    first = events.duplicate_event(event=event)
    second = events.duplicate_event(event=event)

    assert second.slug == f"{first.slug}-2"


# What the database itself refuses


def test_database_refuses_a_negative_capacity(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(capacity=-1)

    assert Event.objects.get(pk=event.pk).capacity is None


def test_database_refuses_an_end_before_the_start(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(ends_at=F("starts_at") - dt.timedelta(hours=1))


def test_database_refuses_an_end_equal_to_the_start(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(ends_at=F("starts_at"))


def test_database_refuses_a_duplicate_slug_in_a_group(group):
    first = make_event(group=group)
    second = make_event(group=group)

    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=second.pk).update(slug=first.slug)


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(1899, 12, 31)])
def test_create_event_refuses_a_date_in_an_implausible_year(group, day):
    with pytest.raises(ValidationError) as exc:
        events.create_event(group=group, **_meeting(start_date=day))

    message = "Choose a date between the years 1900 and 2999."
    assert exc.value.message_dict == {"start_date": [message], "end_date": [message]}
    assert Event.objects.count() == 0


# The registration window, the public numbers and guests


def _kyiv(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZoneInfo("Europe/Kyiv"))


def test_create_event_keeps_a_registration_window(group):
    event = events.create_event(
        group=group,
        **_meeting(
            time_zone="Europe/Kyiv",
            registration_opens_at=_kyiv(2026, 5, 1, 9, 0),
            registration_closes_at=_kyiv(2026, 6, 9, 12, 0),
        ),
    )

    saved = Event.objects.get(pk=event.pk)
    assert saved.registration_opens_at == _utc(2026, 5, 1, 6, 0)
    assert saved.registration_closes_at == _utc(2026, 6, 9, 9, 0)
    assert saved.registration_closes == saved.registration_closes_at


def test_registration_closes_at_the_start_unless_told(group):
    event = events.create_event(group=group, **_meeting())

    assert event.registration_closes_at is None
    assert event.registration_closes == event.starts_at


def test_registration_may_close_exactly_at_the_start(group):
    start = _utc(2026, 6, 9, 18, 0)  # 7pm in London

    event = events.create_event(group=group, **_meeting(registration_closes_at=start))

    assert event.registration_closes == event.starts_at


@pytest.mark.parametrize(
    ("window", "field", "message"),
    [
        (
            {"registration_closes_at": _utc(2026, 6, 9, 18, 1)},
            "registration_closes_at",
            "Registration must close by the start of the meeting.",
        ),
        (
            {"registration_closes_at": _utc(2026, 6, 10, 9, 0)},
            "registration_closes_at",
            "Registration must close by the start of the meeting.",
        ),
        (
            {
                "registration_opens_at": _utc(2026, 6, 1, 9, 0),
                "registration_closes_at": _utc(2026, 6, 1, 9, 0),
            },
            "registration_opens_at",
            "Registration must open before it closes.",
        ),
        (
            {
                "registration_opens_at": _utc(2026, 6, 2, 9, 0),
                "registration_closes_at": _utc(2026, 6, 1, 9, 0),
            },
            "registration_opens_at",
            "Registration must open before it closes.",
        ),
        (
            {"registration_opens_at": _utc(2026, 6, 9, 18, 0)},
            "registration_opens_at",
            "Registration must open before it closes.",
        ),
    ],
    ids=[
        "closes-a-minute-late",
        "closes-next-day",
        "opens-as-it-closes",
        "opens-after",
        "at-start",
    ],
)
def test_create_event_refuses_a_bad_registration_window(group, window, field, message):
    with pytest.raises(ValidationError) as exc:
        events.create_event(group=group, **_meeting(**window))

    assert exc.value.message_dict == {field: [message]}
    assert Event.objects.count() == 0


def test_update_event_refuses_a_bad_window_and_changes_nothing(event):
    before = Event.objects.filter(pk=event.pk).values().get()

    with pytest.raises(ValidationError) as exc:
        events.update_event(
            event=event, registration_closes_at=event.starts_at + dt.timedelta(hours=1)
        )

    assert exc.value.message_dict == {
        "registration_closes_at": ["Registration must close by the start of the meeting."]
    }
    assert Event.objects.filter(pk=event.pk).values().get() == before


def test_moving_the_meeting_earlier_than_its_closing_time_is_refused(event):
    closes = event.starts_at - dt.timedelta(hours=1)
    events.update_event(event=event, registration_closes_at=closes)

    with pytest.raises(ValidationError) as exc:
        events.update_event(event=event, start_time=dt.time(17, 0), end_time=dt.time(19, 0))

    assert exc.value.message_dict == {
        "registration_closes_at": ["Registration must close by the start of the meeting."]
    }


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"public_counts": "everything"}, "public_counts"),
        ({"max_guests": -1}, "max_guests"),
    ],
)
def test_create_event_refuses_bad_public_counts_or_guests(group, fields, field):
    with pytest.raises(ValidationError) as exc:
        events.create_event(group=group, **_meeting(**fields))

    assert list(exc.value.message_dict) == [field]
    assert Event.objects.count() == 0


def test_create_event_shows_the_room_size_and_takes_no_guests_unless_told(group):
    event = events.create_event(group=group, **_meeting())

    assert (event.public_counts, event.max_guests, event.confirmation_required) == (
        "capacity",
        0,
        True,
    )


def test_duplicate_event_moves_the_window_by_as_many_days_at_the_same_local_time(group, venue):
    # 2nd Tuesday of October 2026 → of November: 28 days later, and London's clocks
    # went back in between, so the same wall-clock time is an hour later in UTC.
    event = events.create_event(
        group=group,
        **_meeting(
            venue=venue,
            start_date=dt.date(2026, 10, 13),
            registration_opens_at=_utc(2026, 10, 1, 17, 0),  # 6pm in London (summer time)
            registration_closes_at=_utc(2026, 10, 13, 12, 0),  # 1pm
            public_counts="none",
            max_guests=3,
            confirmation_required=False,
        ),
    )

    copy = Event.objects.get(pk=events.duplicate_event(event=event).pk)

    assert copy.start_date == dt.date(2026, 11, 10)
    assert copy.registration_opens_at == _utc(2026, 10, 29, 18, 0)  # 6pm in London (winter)
    assert copy.registration_closes_at == _utc(2026, 11, 10, 13, 0)  # 1pm
    assert (copy.public_counts, copy.max_guests, copy.confirmation_required) == ("none", 3, False)
    assert (copy.seats_taken, copy.waitlist_counter) == (0, 0)


def test_duplicate_event_without_a_window_has_none(event):
    copy = events.duplicate_event(event=event)

    assert (copy.registration_opens_at, copy.registration_closes_at) == (None, None)


# Reminders: when they are due, and bad settings


def _soon(hours: float) -> dict:
    """Fields of a two-hour meeting starting ``hours`` from now (to the minute), in London."""
    start = (timezone.now() + dt.timedelta(hours=hours)).astimezone(ZoneInfo("Europe/London"))
    start = start.replace(second=0, microsecond=0)
    end = start + dt.timedelta(hours=2)
    return _meeting(
        start_date=start.date(), start_time=start.time(), end_date=end.date(), end_time=end.time()
    )


def test_reminder_is_due_24_hours_before_the_start_unless_told(group):
    event = events.create_event(group=group, **_soon(72))

    assert event.reminder_hours == 24
    assert Event.objects.get(pk=event.pk).reminder_due_at == event.starts_at - dt.timedelta(
        hours=24
    )


def test_reminder_hours_set_the_time_it_is_due(group):
    event = events.create_event(group=group, reminder_hours=168, **_soon(200))

    assert event.reminder_due_at == event.starts_at - dt.timedelta(hours=168)


@pytest.mark.parametrize("empty", [None, "", "  "])
def test_no_reminder_when_the_hours_are_left_empty(group, empty):
    event = events.create_event(group=group, reminder_hours=empty, **_soon(72))

    saved = Event.objects.get(pk=event.pk)
    assert (saved.reminder_hours, saved.reminder_due_at) == (None, None)


def test_no_reminder_for_a_meeting_created_less_than_that_many_hours_ahead(group):
    event = events.create_event(group=group, **_soon(23))

    assert Event.objects.get(pk=event.pk).reminder_due_at is None


def test_reminder_time_follows_the_start_and_the_hours_when_edited(group):
    event = events.create_event(group=group, **_soon(72))

    events.update_event(event=event, reminder_hours=2)
    assert Event.objects.get(pk=event.pk).reminder_due_at == event.starts_at - dt.timedelta(hours=2)
    later = (event.start_date + dt.timedelta(days=7), event.end_date + dt.timedelta(days=7))
    events.update_event(event=event, start_date=later[0], end_date=later[1])
    saved = Event.objects.get(pk=event.pk)
    assert saved.reminder_due_at == saved.starts_at - dt.timedelta(hours=2)
    events.update_event(event=event, reminder_hours=None)
    assert Event.objects.get(pk=event.pk).reminder_due_at is None


REMINDER_AN_HOUR = (
    "The reminder goes at least 1 hour before the start; leave it empty for no reminder."
)
REMINDER_A_WEEK = "The reminder can go at most 168 hours (a week) before the start."
REMINDER_WHOLE_NUMBER = (
    "Enter the number of hours as a whole number, like 24, or leave it empty for no reminder."
)


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (-5, "The reminder goes at least 1 hour before the start; leave it empty for no reminder."),
        (
            "-5",
            "The reminder goes at least 1 hour before the start; leave it empty for no reminder.",
        ),
        (0, "The reminder goes at least 1 hour before the start; leave it empty for no reminder."),
        (10_000, "The reminder can go at most 168 hours (a week) before the start."),
        (169, "The reminder can go at most 168 hours (a week) before the start."),
        ("soon", REMINDER_WHOLE_NUMBER),
        ("1.5", REMINDER_WHOLE_NUMBER),
        (1.5, REMINDER_WHOLE_NUMBER),
        (True, REMINDER_WHOLE_NUMBER),
        ("<script>alert(1)</script>", REMINDER_WHOLE_NUMBER),
    ],
)
def test_bad_reminder_hours_are_refused_with_a_clear_message(group, event, hours, message):
    before = Event.objects.filter(pk=event.pk).values().get()

    with pytest.raises(ValidationError) as created:
        events.create_event(group=group, reminder_hours=hours, **_meeting())
    with pytest.raises(ValidationError) as updated:
        events.update_event(event=Event.objects.get(pk=event.pk), reminder_hours=hours)

    assert created.value.message_dict == {"reminder_hours": [message]}
    assert updated.value.message_dict == {"reminder_hours": [message]}
    assert Event.objects.count() == 1
    assert Event.objects.filter(pk=event.pk).values().get() == before


# Into the past


PAST_MESSAGE = "This date and time have passed. Choose a date and time after now for the meeting."
REGISTERED_MESSAGE = (
    "People have registered for this meeting, so it cannot move to a time that has passed. "
    "Choose a date and time after now, or cancel the meeting."
)


def test_create_event_from_the_form_refuses_a_start_that_has_passed(group):
    with pytest.raises(ValidationError) as exc:
        events.create_event(group=group, allow_past_start=False, **_soon(-1))

    assert exc.value.message_dict == {"start_date": [PAST_MESSAGE]}
    assert Event.objects.count() == 0


def test_create_event_records_a_past_meeting_when_allowed(group):
    """The demo's past meeting, an import: the default records what it is given."""
    event = events.create_event(group=group, **_soon(-48))

    assert event.is_past


def test_update_event_refuses_moving_the_start_into_the_past(event):
    before = Event.objects.filter(pk=event.pk).values().get()
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    with pytest.raises(ValidationError) as exc:
        events.update_event(event=event, start_date=yesterday, end_date=yesterday)

    assert exc.value.message_dict == {"start_date": [PAST_MESSAGE]}
    assert Event.objects.filter(pk=event.pk).values().get() == before


def test_update_event_refuses_moving_the_start_before_now_once_people_registered(event):
    from turnout.rsvp import services as rsvp

    rsvp.register(event=event, name="Ann", email="ann@example.org")
    before = Event.objects.filter(pk=event.pk).values().get()
    an_hour_ago = (timezone.now() - dt.timedelta(hours=1)).astimezone(ZoneInfo("Europe/London"))

    with pytest.raises(ValidationError) as exc:
        events.update_event(
            event=event,
            start_date=an_hour_ago.date(),
            start_time=an_hour_ago.time().replace(second=0, microsecond=0),
            end_date=an_hour_ago.date() + dt.timedelta(days=1),
        )

    assert exc.value.message_dict == {"start_date": [REGISTERED_MESSAGE]}
    assert Event.objects.filter(pk=event.pk).values().get() == before


def test_a_past_meeting_whose_start_stays_may_still_be_corrected(group):
    past = events.create_event(group=group, **_soon(-48))

    events.update_event(event=past, title="Corrected title", end_time=dt.time(23, 0))

    assert Event.objects.get(pk=past.pk).title == "Corrected title"


def test_a_past_meeting_cannot_move_to_another_past_time_but_can_move_ahead(group):
    past = events.create_event(group=group, **_soon(-48))

    with pytest.raises(ValidationError) as exc:
        events.update_event(event=past, start_date=past.start_date - dt.timedelta(days=1))
    assert list(exc.value.message_dict) == ["start_date"]

    ahead = timezone.localdate() + dt.timedelta(days=3)
    # The end moves with the start: after 10pm a two-hour meeting ends the next day.
    end = ahead + (past.end_date - past.start_date)
    events.update_event(event=past, start_date=ahead, end_date=end)
    assert Event.objects.get(pk=past.pk).start_date == ahead


# All-day meetings, import fields and SEQUENCE (issue 7)


def test_all_day_meeting_runs_midnight_to_midnight_and_end_date_is_exclusive(group, venue):
    event = events.create_event(
        group=group, venue=venue, all_day=True, **_meeting(start_time=dt.time(10, 0))
    )
    assert (event.start_time, event.end_time) == (dt.time(0), dt.time(0))
    assert event.end_date == TUESDAY + dt.timedelta(days=1)
    assert event.ends_at - event.starts_at == dt.timedelta(days=1)


def test_all_day_meeting_over_several_days_keeps_its_exclusive_end(group, venue):
    event = events.create_event(
        group=group,
        venue=venue,
        all_day=True,
        **_meeting(end_date=TUESDAY + dt.timedelta(days=3), end_time=None, start_time=None),
    )
    assert event.end_date == TUESDAY + dt.timedelta(days=3)


def test_all_day_meeting_must_still_end_after_it_starts(group, venue):
    with pytest.raises(ValidationError) as caught:
        events.create_event(
            group=group,
            venue=venue,
            all_day=True,
            **_meeting(end_date=TUESDAY - dt.timedelta(days=2)),
        )
    assert "end_time" in caught.value.message_dict
    assert not Event.objects.exists()


def test_editing_into_all_day_forces_midnight(group, venue):
    event = make_event(group=group, venue=venue)
    events.update_event(event=event, all_day=True)
    event.refresh_from_db()
    assert event.all_day and event.start_time == dt.time(0)
    assert event.end_date == event.start_date + dt.timedelta(days=1)


def test_create_and_update_accept_the_import_fields(group, venue):
    event = events.create_event(
        group=group,
        venue=venue,
        external_uid="abc@allies.example.org",
        external_url="https://allies.example.org/e/1",
        **_meeting(),
    )
    event.refresh_from_db()
    assert event.external_uid == "abc@allies.example.org"
    events.update_event(event=event, external_url="https://allies.example.org/e/2")
    event.refresh_from_db()
    assert event.external_url == "https://allies.example.org/e/2"
    assert event.external_uid == "abc@allies.example.org"


def test_bad_external_url_is_refused(group, venue):
    with pytest.raises(ValidationError):
        events.create_event(group=group, venue=venue, external_url="not a url", **_meeting())


def test_duplicate_does_not_copy_the_import_uid(group, venue):
    event = events.create_event(group=group, venue=venue, external_uid="x@y", **_meeting())
    assert events.duplicate_event(event=event).external_uid == ""


def test_sequence_rises_on_publish_edit_and_cancel(group, venue):
    event = make_event(group=group, venue=venue, published=False)
    assert event.sequence == 0
    events.publish_event(event=event)
    assert event.sequence == 1
    events.update_event(event=event, title="A new title")
    assert event.sequence == 2
    events.cancel_event(event=event)
    events.cancel_event(event=event)  # twice changes nothing
    event.refresh_from_db()
    assert event.sequence == 3


def test_sequence_is_counted_in_the_database_not_from_a_stale_copy(group, venue):
    event = make_event(group=group, venue=venue)
    stale = Event.objects.get(pk=event.pk)
    events.update_event(event=event, title="One")
    events.update_event(event=stale, title="Two")
    assert Event.objects.get(pk=event.pk).sequence == 3  # publish, then two edits


def test_null_character_is_refused_with_a_message_not_a_database_error(group, venue):
    with pytest.raises(ValidationError) as caught:
        events.create_event(group=group, venue=venue, **_meeting(title="Bad\x00title"))
    assert "title" in caught.value.message_dict
    assert not Event.objects.exists()
