"""Reading an ICS calendar for import (turnout.feeds.imports.parse_calendar): what is
refused whole, what is skipped with a reason, and how times and text come through."""

import io

import pytest

from turnout.feeds import imports

LONDON = "Europe/London"


def vevent(uid="e1@allies.example", **props) -> str:
    props.setdefault("DTSTART;TZID=Europe/Kyiv", "20300612T180000")
    props.setdefault("DTEND;TZID=Europe/Kyiv", "20300612T200000")
    props.setdefault("SUMMARY", "Solidarity picnic")
    lines = ["BEGIN:VEVENT"] + ([f"UID:{uid}"] if uid else [])
    lines += [f"{name}:{value}" for name, value in props.items() if value is not None]
    return "\r\n".join([*lines, "END:VEVENT"]) + "\r\n"


def calendar(*events: str, name: str = "Allies") -> bytes:
    head = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Allies//EN\r\nX-WR-CALNAME:{name}\r\n"
    return (head + "".join(events) + "END:VCALENDAR\r\n").encode()


def parse(data: bytes) -> dict:
    return imports.parse_calendar(data, default_zone=LONDON)


def refused(data: bytes) -> imports.ImportRejected:
    with pytest.raises(imports.ImportRejected) as caught:
        parse(data)
    return caught.value


# --- refused whole


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello",
        b"<html><body>BEGIN:VCALENDAR</body></html>",
        b"name,email\nann,ann@example.org\n",
        b"\x89PNG\r\n\x1a\n\x00\x00",
        b"BEGIN:VCARD\r\nFN:Ann\r\nEND:VCARD\r\n",
    ],
)
def test_parse_refuses_what_is_not_ics(data):
    rejected = refused(data)

    assert rejected.code == "not_ics"
    assert rejected.message == (
        "This is not an iCalendar (.ics) file: it does not start with BEGIN:VCALENDAR."
    )


def test_parse_refuses_a_damaged_calendar():
    assert refused(b"BEGIN:VCALENDAR\r\nthis is not a content line\r\n").code == "unreadable"


def test_parse_refuses_over_5_mb():
    data = calendar(vevent(DESCRIPTION="x" * (5 * 1024 * 1024)))

    rejected = refused(data)

    assert (rejected.code, rejected.message) == (
        "too_large",
        "The file is larger than 5 MB. Import a smaller calendar.",
    )


def test_parse_refuses_100000_events_naming_the_limit():
    data = b"BEGIN:VCALENDAR\r\n" + b"BEGIN:VEVENT\r\nEND:VEVENT\r\n" * 100_000
    data += b"END:VCALENDAR\r\n"

    rejected = refused(data)

    assert rejected.code == "too_many"
    assert rejected.message == (
        "The calendar holds 100,000 events; at most 1,000 can be imported at once. "
        "Export a shorter period and import that."
    )


def test_parse_accepts_1000_events_and_refuses_1001():
    events = [vevent(uid=f"e{n}@allies.example") for n in range(1001)]

    assert len(parse(calendar(*events[:1000]))["events"]) == 1000
    assert refused(calendar(*events)).code == "too_many"


def test_upload_of_50_mb_reads_no_more_than_the_limit(group):
    class Endless(io.RawIOBase):
        """50 MB of calendar, made up as it is read."""

        size, given = 50 * 1024 * 1024, 0

        def readinto(self, buffer):
            n = min(len(buffer), self.size - self.given)
            buffer[:n] = b"X" * n
            self.given += n
            return n

    upload = Endless()

    with pytest.raises(imports.ImportRejected) as rejected:
        imports.create_from_file(group=group, file=upload, mode="drafts")

    assert rejected.value.code == "too_large"
    assert upload.given <= imports.MAX_BYTES + 1


# --- skipped, each with its reason


def test_parse_skips_events_without_uid_or_start_and_says_why():
    found = parse(
        calendar(
            vevent(uid=None, SUMMARY="No UID"),
            vevent(uid="nostart@x", SUMMARY="No start", **{"DTSTART;TZID=Europe/Kyiv": None}),
            vevent(uid="ok@x", SUMMARY="Fine"),
        )
    )

    assert [e["title"] for e in found["events"]] == ["Fine"]
    assert found["skipped"] == [
        {
            "uid": "",
            "title": "No UID",
            "reason": "it has no UID, so a later import could not update it",
        },
        {"uid": "nostart@x", "title": "No start", "reason": "it has no start (DTSTART)"},
    ]


def test_parse_skips_an_unknown_tzid_naming_it():
    found = parse(
        calendar(
            vevent(
                **{
                    "DTSTART;TZID=Eastern Standard Time": "20300612T180000",
                    "DTSTART;TZID=Europe/Kyiv": None,
                }
            ),
            vevent(uid="traversal@x", **{"DTSTART;TZID=../etc/passwd": "20300612T180000"}),
        )
    )

    assert found["events"] == []
    assert [s["reason"] for s in found["skipped"]] == [
        "its time zone “Eastern Standard Time” is not a known IANA time zone (like Europe/Kyiv)",
        "its time zone “../etc/passwd” is not a known IANA time zone (like Europe/Kyiv)",
    ]


def test_parse_skips_an_event_ending_before_it_starts():
    found = parse(calendar(vevent(**{"DTEND;TZID=Europe/Kyiv": "20300612T170000"})))

    assert found["skipped"][0]["reason"] == "it ends (DTEND) before it starts (DTSTART)"


@pytest.mark.parametrize("value", ["tomorrow", "20301345T180000", "00000101T000000"])
def test_parse_skips_a_start_that_is_not_a_date(value):
    found = parse(calendar(vevent(**{"DTSTART;TZID=Europe/Kyiv": value})))

    assert found["events"] == []
    assert found["skipped"][0]["reason"].startswith("its DTSTART is not a")


def test_parse_skips_a_repeated_uid_and_a_changed_occurrence():
    found = parse(
        calendar(
            vevent(uid="same@x", RRULE="FREQ=WEEKLY;COUNT=4"),
            vevent(uid="same@x", **{"RECURRENCE-ID;TZID=Europe/Kyiv": "20300619T180000"}),
            vevent(uid="same@x", SUMMARY="Again"),
        )
    )

    assert len(found["events"]) == 1
    assert found["events"][0]["notes"] == [
        "Repeats in the source: only its first date is imported."
    ]
    assert [s["reason"] for s in found["skipped"]] == [
        "it changes one date of a repeating event; only the first date is imported",
        "its UID appears twice in the calendar",
    ]


# --- times


def test_parse_keeps_the_events_own_zone():
    (event,) = parse(calendar(vevent()))["events"]

    assert (event["time_zone"], event["start_date"], event["start_time"], event["end_time"]) == (
        "Europe/Kyiv",
        "2030-06-12",
        "18:00:00",
        "20:00:00",
    )
    assert event["all_day"] is False


def test_parse_shows_utc_times_in_the_groups_zone():
    (event,) = parse(
        calendar(
            vevent(
                DTSTART="20300612T170000Z",
                DTEND="20300612T190000Z",
                **{"DTSTART;TZID=Europe/Kyiv": None, "DTEND;TZID=Europe/Kyiv": None},
            )
        )
    )["events"]

    assert (event["time_zone"], event["start_time"], event["end_time"]) == (
        LONDON,
        "18:00:00",
        "20:00:00",
    )


def test_parse_converts_an_end_in_another_zone_to_the_start_zone():
    (event,) = parse(
        calendar(
            vevent(
                **{"DTEND;TZID=Europe/Kyiv": None, "DTEND;TZID=Europe/London": "20300612T180000"}
            )
        )
    )["events"]

    assert (event["time_zone"], event["end_time"]) == ("Europe/Kyiv", "20:00:00")


def test_parse_keeps_all_day_events_all_day():
    (one, three, open_ended) = parse(
        calendar(
            vevent(
                uid="a@x",
                **{"DTSTART;VALUE=DATE": "20300612", "DTEND;VALUE=DATE": "20300613"},
                **{"DTSTART;TZID=Europe/Kyiv": None, "DTEND;TZID=Europe/Kyiv": None},
            ),
            vevent(
                uid="b@x",
                **{"DTSTART;VALUE=DATE": "20300612", "DTEND;VALUE=DATE": "20300615"},
                **{"DTSTART;TZID=Europe/Kyiv": None, "DTEND;TZID=Europe/Kyiv": None},
            ),
            vevent(
                uid="c@x",
                **{"DTSTART;VALUE=DATE": "20300612"},
                **{"DTSTART;TZID=Europe/Kyiv": None, "DTEND;TZID=Europe/Kyiv": None},
            ),
        )
    )["events"]

    assert [(e["all_day"], e["start_date"], e["end_date"]) for e in (one, three, open_ended)] == [
        (True, "2030-06-12", "2030-06-13"),
        (True, "2030-06-12", "2030-06-15"),
        (True, "2030-06-12", "2030-06-13"),
    ]


def test_parse_gives_an_event_without_end_one_hour_and_says_so():
    (event,) = parse(calendar(vevent(**{"DTEND;TZID=Europe/Kyiv": None})))["events"]

    assert event["end_time"] == "19:00:00"
    assert event["notes"] == ["No end time in the source: shown as one hour."]


def test_parse_reads_a_duration():
    (event,) = parse(calendar(vevent(DURATION="PT90M", **{"DTEND;TZID=Europe/Kyiv": None})))[
        "events"
    ]

    assert event["end_time"] == "19:30:00"


# --- text


def test_parse_keeps_hostile_text_as_text():
    (event,) = parse(
        calendar(
            vevent(
                SUMMARY="<script>alert(1)</script> & <b>bold</b>",
                DESCRIPTION="[click](javascript:alert(1)) <img src=x onerror=alert(1)>",
                LOCATION="<iframe src=//evil.example>",
                URL="javascript:alert(1)",
            )
        )
    )["events"]

    assert event["title"] == "<script>alert(1)</script> & <b>bold</b>"
    assert event["description"] == "[click](javascript:alert(1)) <img src=x onerror=alert(1)>"
    assert event["location"] == "<iframe src=//evil.example>"
    assert event["url"] == ""


def test_parse_truncates_a_long_title_with_an_ellipsis_and_keeps_unicode():
    (event,) = parse(calendar(vevent(SUMMARY="Зустріч " * 40, URL="https://allies.example/e/1")))[
        "events"
    ]

    assert len(event["title"]) == 150
    assert event["title"].endswith("…")
    assert event["title"].startswith("Зустріч Зустріч")
    assert event["url"] == "https://allies.example/e/1"


def test_parse_unescapes_ics_text_and_reads_the_calendar_name():
    found = parse(calendar(vevent(DESCRIPTION="Line one\\nLine two\\, with comma"), name="Ally"))

    assert found["name"] == "Ally"
    assert found["events"][0]["description"] == "Line one\nLine two, with comma"


def test_parse_reads_status():
    found = parse(
        calendar(
            vevent(uid="c@x", STATUS="CANCELLED"),
            vevent(uid="t@x", STATUS="TENTATIVE"),
            vevent(uid="o@x"),
        )
    )

    assert [e["status"] for e in found["events"]] == ["cancelled", "tentative", "confirmed"]


def test_markdown_escaped_text_renders_as_written():
    from turnout.core.markdown import render_markdown

    text = "# Not a heading *not em* [not](a link) <b>x</b> 1. item & co"

    html = render_markdown(imports.markdown_escaped(text))

    assert html == (
        '<p dir="auto"># Not a heading *not em* [not](a link) '
        "&lt;b&gt;x&lt;/b&gt; 1. item &amp; co</p>\n"
    )


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "http://a", "ftp://allies.example/x", "https://" + "a" * 600]
)
def test_parse_drops_a_link_that_is_not_a_web_address(url):
    (event,) = parse(calendar(vevent(URL=url)))["events"]

    assert event["url"] == ""
