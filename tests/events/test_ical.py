"""One event as iCalendar: parsed back by two independent parsers, not just looked at."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from tests.factories import make_event, make_group, make_venue
from turnout.events import services as events
from turnout.events.ical import event_ics

pytestmark = pytest.mark.django_db

KYIV = ZoneInfo("Europe/Kyiv")
ONLINE = "https://meet.example.org/room?id=1,2;x"
UKRAINIAN = "Що означає інтернаціоналізм: Україна, Палестина; і далі"
ARABIC = "ما معنى الأممية؟ فلسطين، أوكرانيا; وما بعدهما"


@pytest.fixture
def kyiv_event(group, venue):
    """A meeting entered as 7pm to 9pm, Kyiv time, on 1 December 2027."""
    return make_event(
        group=group,
        venue=venue,
        title="What internationalism means",
        time_zone="Europe/Kyiv",
        start_date=dt.date(2027, 12, 1),
        start_time=dt.time(19, 0),
        end_time=dt.time(21, 0),
    )


def vevent(data: bytes) -> icalendar.Event:
    (entry,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    return entry


def vobject_event(data: bytes):
    """The same file through vobject, a parser that shares no code with icalendar."""
    calendar = vobject.readOne(data.decode())
    (entry,) = calendar.vevent_list
    return entry


def raw_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


# --- the file's form


def test_ics_lines_end_in_crlf_and_fold_at_75_octets(group, venue):
    event = make_event(
        group=group,
        venue=venue,
        title=UKRAINIAN,
        tagline=ARABIC,
        description=("Довгий опис зустрічі. " * 30) + ("وصف طويل للاجتماع. " * 30),
    )

    data = event_ics(event, online_url=ONLINE)

    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    lines = raw_lines(data)
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # long lines really were folded
    for line in lines:
        line.decode()  # a fold never cuts a character in two


def test_ics_is_one_event_in_one_calendar(kyiv_event):
    calendar = icalendar.Calendar.from_ical(event_ics(kyiv_event))

    assert str(calendar["VERSION"]) == "2.0"
    assert [c.name for c in calendar.subcomponents] == ["VTIMEZONE", "VEVENT"]


# --- time


def test_ics_start_carries_the_events_zone_and_its_vtimezone(kyiv_event):
    data = event_ics(kyiv_event)

    assert b"DTSTART;TZID=Europe/Kyiv:20271201T190000\r\n" in data
    assert b"DTEND;TZID=Europe/Kyiv:20271201T210000\r\n" in data
    calendar = icalendar.Calendar.from_ical(data)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Kyiv"]
    entry = vevent(data)
    assert entry["DTSTART"].params["TZID"] == "Europe/Kyiv"
    assert entry.decoded("DTSTART") == dt.datetime(2027, 12, 1, 19, 0, tzinfo=KYIV)
    assert entry.decoded("DTSTART") == kyiv_event.starts_at


def test_ics_vtimezone_alone_gives_the_right_instant(kyiv_event):
    # vobject builds the zone from the file's VTIMEZONE, not from its own database.
    entry = vobject_event(event_ics(kyiv_event))

    start = entry.dtstart.value
    assert (start.year, start.month, start.day, start.hour, start.minute) == (2027, 12, 1, 19, 0)
    assert start.astimezone(dt.UTC) == kyiv_event.starts_at
    assert entry.dtend.value.astimezone(dt.UTC) == kyiv_event.ends_at


def test_ics_keeps_local_times_over_the_clock_change(group, venue):
    # Kyiv's clocks go back from 4am to 3am on 31 October 2027: an all-night vigil.
    event = make_event(
        group=group,
        venue=venue,
        time_zone="Europe/Kyiv",
        start_date=dt.date(2027, 10, 30),
        start_time=dt.time(22, 0),
        end_date=dt.date(2027, 10, 31),
        end_time=dt.time(6, 0),
    )

    data = event_ics(event)

    assert b"DTSTART;TZID=Europe/Kyiv:20271030T220000\r\n" in data
    assert b"DTEND;TZID=Europe/Kyiv:20271031T060000\r\n" in data
    entry = vobject_event(data)
    assert entry.dtstart.value.astimezone(dt.UTC) == dt.datetime(2027, 10, 30, 19, tzinfo=dt.UTC)
    assert entry.dtend.value.astimezone(dt.UTC) == dt.datetime(2027, 10, 31, 4, tzinfo=dt.UTC)
    assert (event.starts_at, event.ends_at) == (
        dt.datetime(2027, 10, 30, 19, tzinfo=dt.UTC),
        dt.datetime(2027, 10, 31, 4, tzinfo=dt.UTC),
    )
    entry = vevent(data)
    length = entry.decoded("DTEND").astimezone(dt.UTC) - entry.decoded("DTSTART")
    assert length == dt.timedelta(hours=9)  # 10pm to 6am, with the hour that happens twice


def test_ics_of_a_meeting_in_summer_time_uses_the_summer_offset(group, venue):
    event = make_event(
        group=group, venue=venue, time_zone="Europe/Kyiv", start_date=dt.date(2027, 7, 6)
    )

    entry = vobject_event(event_ics(event))

    assert entry.dtstart.value.utcoffset() == dt.timedelta(hours=3)
    assert entry.dtstart.value.astimezone(dt.UTC) == dt.datetime(2027, 7, 6, 16, tzinfo=dt.UTC)


def test_ics_of_a_meeting_in_another_zone_than_the_groups_carries_the_meetings(group, venue):
    assert group.time_zone == "Europe/London"
    event = make_event(
        group=group, venue=venue, time_zone="America/New_York", start_date=dt.date(2027, 3, 2)
    )

    data = event_ics(event)

    assert b"DTSTART;TZID=America/New_York:20270302T190000\r\n" in data
    calendar = icalendar.Calendar.from_ical(data)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert vobject_event(data).dtstart.value.astimezone(dt.UTC) == event.starts_at


def test_ics_of_a_meeting_entered_on_the_organiser_form_keeps_what_was_entered(
    organiser_client, group, venue
):
    response = organiser_client.post(
        "/organise/groups/uig/events/new/",
        {
            "title": "Vigil",
            "start_date": "2027-10-30",
            "start_time": "22:30",
            "end_date": "2027-10-31",
            "end_time": "03:30",  # the hour that happens twice: the first one
            "time_zone": "Europe/Kyiv",
            "language": "uk",
            "venue": str(venue.pk),
            "public_counts": "capacity",
        },
    )
    assert response.status_code == 302
    event = group.events.get()

    data = event_ics(event)

    assert b"DTSTART;TZID=Europe/Kyiv:20271030T223000\r\n" in data
    assert b"DTEND;TZID=Europe/Kyiv:20271031T033000\r\n" in data
    entry = vobject_event(data)
    assert entry.dtstart.value.astimezone(dt.UTC) == event.starts_at
    assert entry.dtend.value.astimezone(dt.UTC) == event.ends_at


# --- identity


def test_ics_uid_stays_the_same_when_the_meeting_is_edited(kyiv_event):
    before = str(vevent(event_ics(kyiv_event))["UID"])

    events.update_event(
        event=kyiv_event,
        title="Renamed",
        slug="renamed",
        start_date=dt.date(2027, 12, 8),
        end_date=dt.date(2027, 12, 8),
    )

    after = vevent(event_ics(kyiv_event))
    assert str(after["UID"]) == before
    assert str(after["SUMMARY"]) == "Renamed"
    assert after.decoded("DTSTART") == dt.datetime(2027, 12, 8, 19, 0, tzinfo=KYIV)


def test_ics_uids_differ_between_meetings(group, venue, kyiv_event):
    other = make_event(group=group, venue=venue)

    uids = {str(vevent(event_ics(e))["UID"]) for e in (kyiv_event, other)}

    assert len(uids) == 2


# --- text


@pytest.mark.parametrize("title", [UKRAINIAN, ARABIC])
def test_ics_text_in_ukrainian_and_arabic_survives_with_commas_and_semicolons(group, title):
    event = make_event(
        group=group,
        venue=make_venue(group=group, name="Будинок; «Дім», зал 2", city="Київ"),
        title=title,
        tagline="Tagline, with; punctuation \\ and a backslash",
        description=f"{ARABIC}\n\n{UKRAINIAN}",
    )

    data = event_ics(event)

    unfolded = data.replace(b"\r\n ", b"").decode()
    escaped_title = title.replace(",", "\\,").replace(";", "\\;")
    assert f"SUMMARY:{escaped_title}\r\n" in unfolded
    assert "LOCATION:Будинок\\; «Дім»\\, зал 2\\, " in unfolded
    assert "Tagline\\, with\\; punctuation \\\\ and a backslash" in unfolded
    parsed, other = vevent(data), vobject_event(data)
    tagline = "Tagline, with; punctuation \\ and a backslash"
    for summary, description, location in (
        (parsed["SUMMARY"], parsed["DESCRIPTION"], parsed["LOCATION"]),
        (other.summary.value, other.description.value, other.location.value),
    ):
        assert str(summary) == title
        assert str(description).split("\n\n")[:3] == [tagline, ARABIC, UKRAINIAN]
        assert str(location).startswith("Будинок; «Дім», зал 2, ")


def test_ics_description_ends_with_the_public_page(kyiv_event):
    entry = vevent(event_ics(kyiv_event))

    page = f"http://127.0.0.1:8000/uig/events/{kyiv_event.slug}/"
    assert str(entry["URL"]) == page
    assert str(entry["DESCRIPTION"]).endswith(page)


def test_ics_organizer_is_the_group_even_with_quotes_in_its_name(organiser):
    group = make_group(owner=organiser, name='The "Tenants": East; West', slug="tenants")
    event = make_event(group=group, venue=make_venue(group=group))

    data = event_ics(event)

    organizer = vevent(data)["ORGANIZER"]
    assert str(organizer) == f"mailto:{group.contact_email}"
    assert organizer.params["CN"] == 'The "Tenants": East; West'
    assert vobject_event(data).organizer.value == f"mailto:{group.contact_email}"
    # A parameter value cannot hold a double quote (RFC 5545 3.1; RFC 6868 encodes it).
    line = re.search(rb"ORGANIZER[^\r]*", data.replace(b"\r\n ", b"")).group()
    assert line.count(b'"') == 2


# --- status and the online link


def test_ics_of_a_cancelled_meeting_says_cancelled(kyiv_event):
    assert str(vevent(event_ics(kyiv_event))["STATUS"]) == "CONFIRMED"

    events.cancel_event(event=kyiv_event)

    data = event_ics(kyiv_event)
    assert str(vevent(data)["STATUS"]) == "CANCELLED"
    assert vobject_event(data).status.value == "CANCELLED"


def test_ics_leaves_out_the_online_link_unless_given(group, venue):
    event = make_event(group=group, venue=venue, online_url="https://meet.example.org/secret")

    data = event_ics(event)

    assert b"meet.example.org" not in data.replace(b"\r\n ", b"")


def test_ics_with_the_online_link_puts_it_first_in_the_description(group, venue):
    event = make_event(group=group, venue=venue, online_url="https://meet.example.org/secret")

    entry = vevent(event_ics(event, online_url=event.online_url))

    assert str(entry["DESCRIPTION"]).startswith("https://meet.example.org/secret\n\n")
    assert str(entry["LOCATION"]).startswith("Community Centre, ")  # the venue stays the place


def test_ics_of_an_online_only_meeting_says_online_and_the_link_only_when_given(group):
    event = make_event(group=group, online_url="https://meet.example.org/secret")

    without, with_link = vevent(event_ics(event)), vevent(event_ics(event, online_url=ONLINE))

    assert str(without["LOCATION"]) == "Online"
    assert str(with_link["LOCATION"]) == ONLINE


def test_ics_description_is_the_markdown_as_plain_text(group, venue):
    event = make_event(
        group=group,
        venue=venue,
        tagline="",
        description="**Bring** a friend; see [the map](https://example.org/map).\n\n## Agenda",
    )

    description = str(vevent(event_ics(event))["DESCRIPTION"])

    assert description.startswith(
        "Bring a friend; see the map (https://example.org/map).\n\nAgenda\n\n"
    )


def test_ics_of_an_all_day_meeting_has_dates_and_no_zone(group, venue):
    event = events.create_event(
        group=group, venue=venue, title="Fair", all_day=True, start_date=dt.date(2027, 12, 5)
    )

    data = event_ics(event)

    assert b"DTSTART;VALUE=DATE:20271205\r\n" in data
    assert b"DTEND;VALUE=DATE:20271206\r\n" in data
    assert b"VTIMEZONE" not in data
    assert vobject_event(data).dtstart.value == dt.date(2027, 12, 5)


def test_ics_for_email_carries_the_sequence(kyiv_event):
    events.update_event(event=kyiv_event, title="Moved")

    assert int(vevent(event_ics(kyiv_event))["SEQUENCE"]) == kyiv_event.sequence == 2
