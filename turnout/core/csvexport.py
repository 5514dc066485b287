"""CSV files for spreadsheets: streamed a line at a time, formulas neutralised.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return could run
as a formula when the file is opened in a spreadsheet, so it gets a leading
apostrophe. Rows come from an iterator (``QuerySet.iterator()``), so an export of
any size holds one chunk of rows in memory, never the whole file.
"""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@")  # what a spreadsheet may run as a formula
_NEUTRALISE = (*FORMULA_STARTS, "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + cell if cell.startswith(_NEUTRALISE) else cell


class _Line:
    """A file-like that hands back what csv.writer writes: one line at a time."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """The header, then each row, as CSV lines; every text cell neutralised."""
    writer = csv.writer(_Line())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([neutralise(c) if isinstance(c, str) else c for c in row])


def csv_download(lines: Iterator[str], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
