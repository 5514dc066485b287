"""Uploads are refused past their limit while they stream in (issue 16, finding 5).

A 60 MB file sent to any upload form is stopped before 6 MB of the request is read:
nothing is written to a temporary file in full, the form says the file is too large,
and nothing changes.
"""

import pytest

from tests.comparisons.helpers import make_table
from turnout.comparisons.models import Cell
from turnout.core.models import Message
from turnout.feeds.models import ImportSource
from turnout.mailing.models import Subscriber

BOUNDARY = "turnout-upload-boundary"
SIXTY_MB = 60 * 1000 * 1000


class SlowlyMadeBody:
    """A multipart body holding one large CSV file, made as it is read (never held
    whole), that counts how much of it the server read."""

    def __init__(self, field: str, filename: str, size: int, before: dict[str, str]):
        fields = "".join(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in before.items()
        )
        head = (
            f'{fields}--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\nemail\r\n'
        ).encode()
        self.parts = [head, None, f"\r\n--{BOUNDARY}--\r\n".encode()]
        self.file_bytes = size
        self.length = len(head) + size + len(self.parts[2])
        self.read_bytes = 0

    def _next(self, n: int) -> bytes:
        if self.parts[0] is not None and self.parts[0]:
            chunk, self.parts[0] = self.parts[0][:n], self.parts[0][n:]
            return chunk
        if self.file_bytes:
            take = min(n, self.file_bytes)
            self.file_bytes -= take
            line = b"someone@example.org\r\n"
            return (line * (take // len(line) + 1))[:take]
        chunk, self.parts[2] = self.parts[2][:n], self.parts[2][n:]
        return chunk

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self.length
        out = b""
        while len(out) < size:
            chunk = self._next(size - len(out))
            if not chunk:
                break
            out += chunk
        self.read_bytes += len(out)
        return out

    def readline(self, size: int = -1) -> bytes:  # pragma: no cover - the parser reads()
        return self.read(size)


def post_large(client, path: str, field: str, before: dict[str, str] | None = None):
    body = SlowlyMadeBody(field, "big.csv", SIXTY_MB, before or {})
    response = client.generic(
        "POST",
        path,
        **{
            "wsgi.input": body,
            "CONTENT_LENGTH": str(body.length),
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        },
    )
    return response, body


def test_a_60_mb_subscriber_csv_is_refused_before_6_mb_is_read(organiser_client, group):
    response, body = post_large(
        organiser_client, "/organise/groups/uig/subscribers/import/", "file"
    )

    assert body.read_bytes < 6_000_000
    assert response.status_code == 200
    assert (
        "The file is larger than 5 MB. Split it into smaller files and import each."
        in response.content.decode()
    )
    assert Subscriber.objects.count() == 0
    assert Message.objects.count() == 0


def test_a_60_mb_comparison_table_is_refused_before_6_mb_is_read(organiser_client, group):
    table = make_table(group=group, criteria=["Deaths"], cases=["A"], slug="t")
    cells = list(Cell.objects.values_list("pk", "text"))

    response, body = post_large(
        organiser_client, "/organise/groups/uig/comparisons/t/import/", "file"
    )

    assert body.read_bytes < 6_000_000
    assert response.status_code == 200
    assert (
        "The file is over 1 MB; a table holds at most 100 criteria and 20 cases."
        in response.content.decode()
    )
    assert list(Cell.objects.values_list("pk", "text")) == cells
    table.refresh_from_db()
    assert [c.label for c in table.criteria.all()] == ["Deaths"]


def test_a_60_mb_calendar_file_is_refused_before_6_mb_is_read(organiser_client, group):
    response, body = post_large(
        organiser_client, "/organise/groups/uig/imports/new/", "file", {"mode": "drafts"}
    )

    assert body.read_bytes < 6_000_000
    assert response.status_code == 200
    assert "The file is larger than 5 MB. Import a smaller calendar." in response.content.decode()
    assert ImportSource.objects.count() == 0


@pytest.mark.parametrize("size", [1000, 4 * 1024 * 1024])
def test_a_file_under_the_limit_still_reaches_the_form(organiser_client, group, size):
    body = SlowlyMadeBody("file", "list.csv", size, {})
    response = organiser_client.generic(
        "POST",
        "/organise/groups/uig/subscribers/import/",
        **{
            "wsgi.input": body,
            "CONTENT_LENGTH": str(body.length),
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        },
    )

    assert response.status_code == 200
    assert body.read_bytes == body.length
    assert "The file is larger than 5 MB" not in response.content.decode()


# --- the limit is a setting (TURNOUT_UPLOAD_MAX_MB)


@pytest.mark.parametrize(
    ("path", "before", "message"),
    [
        ("/organise/groups/uig/subscribers/import/", {}, "The file is larger than 2 MB. Split"),
        ("/organise/groups/uig/imports/new/", {"mode": "drafts"}, "larger than 2 MB. Import"),
    ],
    ids=["subscribers", "calendar"],
)
def test_a_smaller_site_limit_stops_uploads_there_and_says_so(
    settings, organiser_client, group, path, before, message
):
    settings.TURNOUT_UPLOAD_MAX_BYTES = 2 * 1024 * 1024

    response, body = post_large(organiser_client, path, "file", before)

    assert body.read_bytes < 3_000_000
    assert message in response.content.decode()
    assert Subscriber.objects.count() == ImportSource.objects.count() == 0


def test_the_forms_say_the_limit_in_force(settings, organiser_client, group):
    settings.TURNOUT_UPLOAD_MAX_BYTES = 3 * 1024 * 1024

    subscribers = organiser_client.get("/organise/groups/uig/subscribers/import/")
    calendars = organiser_client.get("/organise/groups/uig/imports/new/")

    assert "Up to 10,000 rows and 3 MB." in subscribers.content.decode()
    assert "Up to 3 MB and 1,000 events." in calendars.content.decode()
    assert "up to 3 MB and 1,000 events" in calendars.content.decode()


def test_a_larger_site_limit_leaves_calendars_at_their_own_5_mb(settings, organiser_client, group):
    settings.TURNOUT_UPLOAD_MAX_BYTES = 20 * 1024 * 1024

    calendars = organiser_client.get("/organise/groups/uig/imports/new/")

    assert "Up to 5 MB and 1,000 events." in calendars.content.decode()
