"""Every iCalendar feed, read by three parsers that share no code (icalendar and vobject
in Python, ical.js in node) and checked line by line against RFC 5545."""

import datetime as dt
import json
import re
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from tests.factories import make_event, make_group, make_venue
from turnout.events import services as events
from turnout.events.ical import event_uid

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
UKRAINIAN = (
    "Що означає інтернаціоналізм сьогодні: солідарність України й Палестини, "
    "права людини; «спільна боротьба», і далі — відкрита розмова. "
) * 12
ARABIC = (
    "ما معنى الأممية اليوم؟ التضامن بين فلسطين وأوكرانيا، حقوق الإنسان؛ "
    "«نضال مشترك»، ثم نقاش مفتوح للجميع. "
) * 12

# ical.js registers each VTIMEZONE of the file and converts with it alone.
NODE_PARSER = r"""
import ICAL from "ical.js";
let text = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) text += chunk;
const calendar = new ICAL.Component(ICAL.parse(text));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const out = calendar.getAllSubcomponents("vevent").map((c) => {
  const e = new ICAL.Event(c);
  const start = c.getFirstPropertyValue("dtstart");
  const end = c.getFirstPropertyValue("dtend");
  return {
    uid: e.uid, summary: e.summary, description: e.description, location: e.location,
    status: c.getFirstPropertyValue("status"), sequence: e.sequence,
    isDate: start.isDate, tzid: c.getFirstProperty("dtstart").getParameter("tzid") || null,
    start: start.isDate ? start.toString() : start.toJSDate().toISOString(),
    end: end.isDate ? end.toString() : end.toJSDate().toISOString(),
  };
});
process.stdout.write(JSON.stringify(out));
"""


def node_events(data: bytes) -> list[dict]:
    assert (ROOT / "node_modules" / "ical.js").is_dir(), "run `npm ci` (make test does)"
    result = subprocess.run(
        ["node", "--input-type=module", "-e", NODE_PARSER],
        input=data,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def assert_rfc5545(data: bytes) -> None:
    """The raw bytes: CRLF only, lines of at most 75 octets, folds that begin with a
    space, balanced BEGIN/END, UID+DTSTAMP+DTSTART in every VEVENT and a VTIMEZONE for
    every TZID used."""
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert b"\r" not in data.replace(b"\r\n", b"") and b"\n" not in data.replace(b"\r\n", b"")
    physical = data[:-2].split(b"\r\n")
    for line in physical:
        assert len(line) <= 75, line
        line.decode()  # a fold never cuts a UTF-8 character in two
        assert not re.search(rb"[\x00-\x08\x0a-\x1f\x7f]", line), line
    logical: list[bytes] = []
    for line in physical:
        if line[:1] in (b" ", b"\t"):
            assert logical, "a continuation line with nothing to continue"
            logical[-1] += line[1:]
        else:
            assert line, "an empty line"
            logical.append(line)
    stack, vevent_props, tzids_used, tzids_defined = [], [], set(), set()
    for line in logical:
        name = re.match(rb"[A-Za-z0-9-]+", line).group().upper()
        value = line.split(b":", 1)[1] if b":" in line else None
        assert value is not None, line
        if name == b"BEGIN":
            stack.append(value)
            if value == b"VEVENT":
                vevent_props = []
        elif name == b"END":
            assert stack and stack.pop() == value, line
            if value == b"VEVENT":
                for required in (b"UID", b"DTSTAMP", b"DTSTART"):
                    assert vevent_props.count(required) == 1, (required, vevent_props)
        else:
            if stack and stack[-1] == b"VEVENT":
                vevent_props.append(name)
            if stack and stack[-1] == b"VTIMEZONE" and name == b"TZID":
                tzids_defined.add(value)
            tzids_used.update(re.findall(rb";TZID=([^:;]+)", line.split(b":", 1)[0]))
    assert stack == []
    assert tzids_used <= tzids_defined, tzids_used - tzids_defined


def parse_all(data: bytes) -> tuple[list, list, list[dict]]:
    """The VEVENTs as icalendar, vobject and ical.js see them (same order)."""
    assert_rfc5545(data)
    by_icalendar = icalendar.Calendar.from_ical(data).walk("VEVENT")
    by_vobject = list(vobject.readOne(data.decode()).vevent_list)
    by_node = node_events(data)
    assert len(by_icalendar) == len(by_vobject) == len(by_node)
    return by_icalendar, by_vobject, by_node


FEEDS = ("event", "group", "site")


def fetch(client, kind: str, event) -> bytes:
    url = {
        "event": f"/{event.group.slug}/events/{event.slug}/event.ics",
        "group": f"/{event.group.slug}/events.ics",
        "site": "/events.ics",
    }[kind]
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


def only(parsed, event):
    """The entry of ``event`` in each parser's list."""
    by_icalendar, by_vobject, by_node = parsed
    uid = event_uid(event)
    return (
        next(e for e in by_icalendar if str(e["UID"]) == uid),
        next(e for e in by_vobject if e.uid.value == uid),
        next(e for e in by_node if e["uid"] == uid),
    )


# --- daylight-saving changes in three zones


@pytest.mark.parametrize("kind", FEEDS)
@pytest.mark.parametrize(
    ("zone", "start", "end"),
    [
        # Kyiv: clocks back from 4am to 3am on 31 October 2027 (a vigil across it).
        ("Europe/Kyiv", dt.datetime(2027, 10, 30, 22, 0), dt.datetime(2027, 10, 31, 6, 0)),
        # Jerusalem: clocks forward on Friday 26 March 2027 at 2am.
        ("Asia/Jerusalem", dt.datetime(2027, 3, 25, 23, 0), dt.datetime(2027, 3, 26, 5, 0)),
        # London: clocks forward on 28 March 2027 at 1am.
        ("Europe/London", dt.datetime(2027, 3, 27, 23, 30), dt.datetime(2027, 3, 28, 3, 0)),
    ],
)
def test_meeting_across_a_clock_change_is_the_same_instant_in_every_parser(
    client, group, venue, kind, zone, start, end
):
    event = make_event(
        group=group,
        venue=venue,
        time_zone=zone,
        start_date=start.date(),
        start_time=start.time(),
        end_date=end.date(),
        end_time=end.time(),
    )
    make_event(group=group, venue=venue, time_zone="Europe/Kyiv")  # another zone beside it

    data = fetch(client, kind, event)

    assert f"DTSTART;TZID={zone}:{start:%Y%m%dT%H%M%S}\r\n".encode() in data
    by_icalendar, by_vobject, by_node = only(parse_all(data), event)
    assert by_icalendar.decoded("DTSTART") == start.replace(tzinfo=ZoneInfo(zone))
    assert by_icalendar.decoded("DTSTART").astimezone(dt.UTC) == event.starts_at
    assert by_icalendar.decoded("DTEND").astimezone(dt.UTC) == event.ends_at
    assert by_vobject.dtstart.value.astimezone(dt.UTC) == event.starts_at
    assert by_vobject.dtend.value.astimezone(dt.UTC) == event.ends_at
    assert by_node["tzid"] == zone
    assert dt.datetime.fromisoformat(by_node["start"]) == event.starts_at
    assert dt.datetime.fromisoformat(by_node["end"]) == event.ends_at


# --- all-day


@pytest.mark.parametrize("kind", FEEDS)
def test_all_day_meeting_is_a_date_with_an_exclusive_end(client, group, venue, kind):
    event = events.create_event(
        group=group,
        venue=venue,
        title="Weekend school",
        all_day=True,
        start_date=dt.date(2027, 12, 4),
        end_date=dt.date(2027, 12, 6),  # Saturday and Sunday
    )
    events.publish_event(event=event)

    data = fetch(client, kind, event)

    assert b"DTSTART;VALUE=DATE:20271204\r\n" in data
    assert b"DTEND;VALUE=DATE:20271206\r\n" in data
    by_icalendar, by_vobject, by_node = only(parse_all(data), event)
    assert by_icalendar.decoded("DTSTART") == dt.date(2027, 12, 4)
    assert by_icalendar.decoded("DTEND") == dt.date(2027, 12, 6)
    assert by_vobject.dtstart.value == dt.date(2027, 12, 4)
    assert by_vobject.dtend.value == dt.date(2027, 12, 6)
    assert by_node["isDate"] is True
    assert (by_node["start"], by_node["end"]) == ("2027-12-04", "2027-12-06")
    assert b"VTIMEZONE" not in data  # nothing uses a zone


# --- text


@pytest.mark.parametrize("kind", FEEDS)
def test_long_ukrainian_and_arabic_text_round_trips_exactly(client, group, kind):
    venue = make_venue(group=group, name="Будинок; «Дім», зал 2", city="Київ")
    event = make_event(
        group=group,
        venue=venue,
        title="Інтернаціоналізм; الأممية, разом",
        tagline=ARABIC[:190],
        description=f"{UKRAINIAN}\n\n{ARABIC}",
    )

    data = fetch(client, kind, event)

    description = f"{ARABIC[:190]}\n\n{UKRAINIAN.strip()}\n\n{ARABIC.strip()}\n\n"
    page = f"http://127.0.0.1:8000/{group.slug}/events/{event.slug}/"
    by_icalendar, by_vobject, by_node = only(parse_all(data), event)
    for summary, text, place in (
        (str(by_icalendar["SUMMARY"]), str(by_icalendar["DESCRIPTION"]), by_icalendar["LOCATION"]),
        (by_vobject.summary.value, by_vobject.description.value, by_vobject.location.value),
        (by_node["summary"], by_node["description"], by_node["location"]),
    ):
        assert summary == "Інтернаціоналізм; الأممية, разом"
        assert text == description + page
        assert str(place).startswith("Будинок; «Дім», зал 2, ")


HOSTILE = [
    "Title\r\nBEGIN:VEVENT\r\nUID:evil",
    "Title\nEND:VCALENDAR",
    "Title\rX-INJECTED:1",
    '<script>alert("x")</script><b>bold</b>',
    "Bell\x07, escape \x1b and delete \x7f",
]


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_text_stays_text_in_one_property(client, group, venue, title):
    event = make_event(group=group, venue=venue, title=title[:150], description=title)

    data = fetch(client, "group", event)

    by_icalendar, by_vobject, by_node = only(parse_all(data), event)
    expected = title.replace("\r\n", "\n").replace("\r", "\n")
    for control in "\x07\x1b\x7f":
        expected = expected.replace(control, "")
    assert str(by_icalendar["SUMMARY"]) == expected
    assert by_vobject.summary.value == expected
    assert by_node["summary"] == expected
    lines = data.replace(b"\r\n ", b"").split(b"\r\n")
    assert lines.count(b"BEGIN:VEVENT") == 1
    assert not [line for line in lines if line.startswith((b"UID:evil", b"X-INJECTED"))]


def test_markdown_description_is_plain_text(client, group, venue):
    event = make_event(
        group=group,
        venue=venue,
        description=(
            "# Agenda\n\nA **bold** talk with [the report](https://example.org/r) and "
            "![a chart](https://example.org/c.png).\n\n- first\n- second\n\n1. one\n2. two"
        ),
    )

    (entry, other, node) = only(parse_all(fetch(client, "event", event)), event)

    text = str(entry["DESCRIPTION"])
    assert text.startswith(
        "Agenda\n\nA bold talk with the report (https://example.org/r) and a chart.\n\n"
        "- first\n- second\n\n1. one\n2. two\n\n"
    )
    assert "**" not in text and "#" not in text and "<" not in text
    assert other.description.value == node["description"] == text


# --- status and privacy


@pytest.mark.parametrize("kind", FEEDS)
def test_cancelled_meeting_is_cancelled_in_every_parser(client, group, venue, kind):
    event = make_event(group=group, venue=venue)
    events.cancel_event(event=event)

    by_icalendar, by_vobject, by_node = only(parse_all(fetch(client, kind, event)), event)

    assert str(by_icalendar["STATUS"]) == by_vobject.status.value == by_node["status"]
    assert by_node["status"] == "CANCELLED"
    assert int(by_icalendar["SEQUENCE"]) == by_node["sequence"] == 2  # published, cancelled


@pytest.mark.parametrize("kind", FEEDS)
def test_no_online_link_in_any_public_feed(client, group, venue, kind):
    online_only = make_event(group=group, online_url="https://meet.example.org/secret-room")
    hybrid = make_event(group=group, venue=venue, online_url="https://meet.example.org/other")

    data = fetch(client, kind, online_only) + fetch(client, kind, hybrid)

    assert b"meet.example.org" not in data.replace(b"\r\n ", b"")
    assert b"secret-room" not in data.replace(b"\r\n ", b"")
    entry, other, node = only(parse_all(fetch(client, kind, online_only)), online_only)
    assert str(entry["LOCATION"]) == other.location.value == node["location"] == "Online"


def test_every_property_of_a_feed_event(client, group, venue):
    event = make_event(group=group, venue=venue, title="What internationalism means")

    entry = icalendar.Calendar.from_ical(fetch(client, "group", event)).walk("VEVENT")[0]

    assert str(entry["UID"]) == f"event-{event.pk}@127.0.0.1"
    seconds = dt.timedelta(microseconds=event.updated_at.microsecond)
    assert entry.decoded("DTSTAMP") == entry.decoded("LAST-MODIFIED") == event.updated_at - seconds
    created = event.created_at.replace(microsecond=0)
    assert entry.decoded("CREATED") == created
    assert int(entry["SEQUENCE"]) == event.sequence == 1
    assert str(entry["STATUS"]) == "CONFIRMED"
    assert str(entry["URL"]) == f"http://127.0.0.1:8000/{group.slug}/events/{event.slug}/"
    assert str(entry["LOCATION"]) == "Community Centre, 62 Marchmont St, London WC1N 1AB"
    assert str(entry["ORGANIZER"]) == f"mailto:{group.contact_email}"
    assert entry["ORGANIZER"].params["CN"] == group.name


def test_calendar_properties(client, group, venue):
    make_event(group=group, venue=venue)

    data = client.get(f"/{group.slug}/events.ics").content
    calendar = icalendar.Calendar.from_ical(data)

    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == f"{group.name}: meetings"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/London"
    assert calendar.decoded("REFRESH-INTERVAL") == dt.timedelta(hours=1)
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in data
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in data


def test_a_feed_of_many_meetings_in_many_zones_parses_everywhere(client, organiser):
    zones = ["Europe/Kyiv", "Asia/Jerusalem", "Europe/London", "America/New_York"]
    made = []
    for n in range(3):
        group = make_group(owner=organiser, time_zone=zones[n])
        venue = make_venue(group=group)
        for days, zone in enumerate(zones):
            made.append(
                make_event(group=group, venue=venue, time_zone=zone, days_ahead=20 * days + n)
            )

    data = client.get("/events.ics").content

    by_icalendar, by_vobject, by_node = parse_all(data)
    assert len(by_node) == len(made)
    calendar = icalendar.Calendar.from_ical(data)
    assert sorted(str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")) == sorted(zones)
    for event in made:
        _, other, node = only((by_icalendar, by_vobject, by_node), event)
        assert other.dtstart.value.astimezone(dt.UTC) == event.starts_at
        assert dt.datetime.fromisoformat(node["start"]) == event.starts_at
