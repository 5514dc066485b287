"""The attendee list as CSV: streamed in constant memory, formulas neutralised, recorded."""

import csv
import io
import tracemalloc

import pytest
from django.utils import timezone

from tests.factories import make_event
from turnout.rsvp import services as rsvp
from turnout.rsvp.models import AttendeeExport, Registration


@pytest.fixture
def meeting(group, venue):
    return make_event(group=group, venue=venue, capacity=10, max_guests=2)


def export_url(event) -> str:
    return f"/organise/groups/{event.group.slug}/events/{event.slug}/registrations/export.csv"


def read_csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_export_lists_every_registration_and_is_recorded(organiser_client, organiser, meeting):
    ann, _ = rsvp.register(
        event=meeting,
        name="Ann",
        email="ann@example.org",
        guests=1,
        access_needs="Step-free",
        access_consent=True,
    )
    rsvp.confirm(registration=ann)
    rsvp.add_by_organiser(event=meeting, name="Walk In", by=organiser, walk_in=True)

    response = organiser_client.post(export_url(meeting))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    rows = read_csv(response)
    assert [(r["name"], r["email"], r["seats"], r["status"], r["source"]) for r in rows] == [
        ("Ann", "ann@example.org", "2", "confirmed", "form"),
        ("Walk In", "", "1", "confirmed", "walk_in"),
    ]
    assert rows[0]["access_needs"] == "Step-free"
    assert rows[1]["checked_in_at"].startswith(str(timezone.localdate().year))
    (export,) = AttendeeExport.objects.all()
    assert (export.event, export.exported_by) == (meeting, organiser)
    page = organiser_client.get(export_url(meeting).replace("export.csv", "")).content.decode()
    assert organiser.name in page.split("Download the list")[1]


@pytest.mark.parametrize("evil", ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)"])
def test_export_neutralises_formulas(organiser_client, meeting, evil):
    rsvp.register(event=meeting, name=f"{evil} Smith", email="a@example.org")

    (row,) = read_csv(organiser_client.post(export_url(meeting)))

    assert row["name"] == f"'{evil} Smith"


def test_export_by_get_is_refused_and_records_nothing(organiser_client, meeting):
    assert organiser_client.get(export_url(meeting)).status_code == 405
    assert not AttendeeExport.objects.exists()


def test_export_of_another_groups_meeting_is_not_found_and_not_recorded(outsider, meeting, client):
    client.force_login(outsider)

    assert client.post(export_url(meeting)).status_code == 404
    assert not AttendeeExport.objects.exists()


def peak_memory_streaming(client, event, count: int) -> int:
    Registration.objects.filter(event=event).delete()
    now = timezone.now()
    Registration.objects.bulk_create(
        (
            Registration(
                event=event,
                name=f"Person {n}",
                email=f"p{n}@example.org",
                status="confirmed",
                token_hash=f"{n:064d}",
                created_at=now,
                confirmed_at=now,
            )
            for n in range(count)
        ),
        batch_size=5000,
    )
    response = client.post(export_url(event))
    lines = 0
    tracemalloc.start()
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert lines == count + 1
    return peak


def test_export_streams_in_constant_memory(organiser_client, meeting):
    small = peak_memory_streaming(organiser_client, meeting, 2_500)  # two chunks of rows
    large = peak_memory_streaming(organiser_client, meeting, 25_000)

    # Ten times the rows, not ten times the memory: one chunk of rows at a time.
    assert large < 2 * small + 1_000_000, (small, large)
    assert large < 20_000_000


def test_the_downloads_log_says_which_file(organiser_client, organiser, meeting):
    organiser_client.post(export_url(meeting))
    organiser_client.post(export_url(meeting).replace("export.csv", "attendees.pdf"))

    assert [e.kind for e in AttendeeExport.objects.order_by("pk")] == ["csv", "pdf"]
    page = organiser_client.get(export_url(meeting).replace("export.csv", "")).content.decode()
    log = page.split("Download the list")[1]
    assert "the list as a spreadsheet (CSV)" in log
    assert "the door list (PDF)" in log
