"""A whole table out and in as CSV, with a companion citations CSV (JSON: ``jsonfile``).

The table CSV has one row per criterion and one column per case: its header is
"criterion", then the case labels. The citations CSV has one row per citation,
keyed by criterion and case. An import replaces the table's criteria, cases, cells
and citations in one transaction, or changes nothing and says which rows are wrong.

Limits: files up to 1 MB, 100 criteria x 20 cases, 20 citations a cell.

A text a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
carriage return, or with apostrophes then one of those) is written with one more
leading apostrophe, and reading takes it off again, so exports round-trip exactly.
"""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from turnout.comparisons import services as comparisons
from turnout.comparisons.models import (
    MAX_CASES,
    MAX_CITATIONS_PER_CELL,
    MAX_CRITERIA,
    Case,
    Cell,
    Citation,
    Comparison,
    Criterion,
)

MAX_FILE_BYTES = 1_000_000
MAX_CITATION_ROWS = 5_000
MAX_ERRORS = 10  # reported at once; the rest follow when these are fixed
CITATION_COLUMNS = ("criterion", "case", "title", "publisher", "url", "date_published",
                    "date_accessed")  # fmt: skip

_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"'+[=+\-@\t\r]")


def escape(text: str) -> str:
    return "'" + text if _FORMULA.match(text) else text


def unescape(text: str) -> str:
    return text[1:] if _ESCAPED.match(text) else text


@dataclass
class TableData:
    criteria: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    cells: dict[tuple[str, str], str] = field(default_factory=dict)
    citations: dict[tuple[str, str], list[dict]] = field(default_factory=dict)


class ErrorList:
    """Row-numbered messages, collected up to MAX_ERRORS."""

    def __init__(self, key: str):
        self.key, self.messages = key, []

    def add(self, message: str) -> None:
        self.messages.append(message)
        if len(self.messages) >= MAX_ERRORS:
            self.raise_if_any()

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError({self.key: self.messages})


# --- reading the table out ---


def table_data(comparison: Comparison) -> TableData:
    data = TableData(
        criteria=list(comparison.criteria.values_list("label", flat=True)),
        cases=list(comparison.cases.values_list("label", flat=True)),
    )
    cells = Cell.objects.filter(criterion__comparison=comparison).select_related(
        "criterion", "case"
    )
    for cell in cells.prefetch_related("citations"):
        key = (cell.criterion.label, cell.case.label)
        data.cells[key] = cell.text
        data.citations[key] = [
            {name: getattr(citation, name) for name in CITATION_COLUMNS[2:]}
            for citation in cell.citations.all()
        ]
    return data


def csv_text(rows) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([escape(cell) for cell in row])
    return out.getvalue()


def export_csv(comparison: Comparison) -> str:
    data = table_data(comparison)
    return csv_text(
        [
            ["criterion", *data.cases],
            *(
                [criterion, *(data.cells.get((criterion, case), "") for case in data.cases)]
                for criterion in data.criteria
            ),
        ]
    )


def export_citations_csv(comparison: Comparison) -> str:
    data = table_data(comparison)
    rows = [list(CITATION_COLUMNS)]
    for criterion in data.criteria:
        for case in data.cases:
            for citation in data.citations.get((criterion, case), []):
                rows.append(
                    [criterion, case, *(as_text(citation[n]) for n in CITATION_COLUMNS[2:])]
                )
    return csv_text(rows)


def as_text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


# --- reading a table in ---


def decode(content: bytes | str, errors: ErrorList) -> str:
    if isinstance(content, str):
        text = content
        size = len(content.encode("utf-8", "surrogatepass"))
    else:
        size = len(content)
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = None
    if size > MAX_FILE_BYTES:
        errors.add(_("The file is over 1 MB; a table holds at most 100 criteria and 20 cases."))
        errors.raise_if_any()
    if text is None or "\x00" in text:
        errors.add(_("This is not a text file: save the table as CSV (UTF-8) and try again."))
        errors.raise_if_any()
    return text.removeprefix("\ufeff")


def _records(text: str, errors: ErrorList):
    """(row number, cells) of each non-blank CSV record; the header is row 1."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    number = 0
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            errors.add(_("Row %(n)s is not valid CSV (%(error)s).") % {"n": number, "error": error})
            errors.raise_if_any()
        if any(cell.strip() for cell in row):
            yield number, [unescape(cell) for cell in row]


def _label(value: str, where: str, errors: ErrorList) -> str | None:
    try:
        return comparisons.clean_label(value)
    except ValidationError as error:
        errors.add(f"{where}: {error.messages[0]}")
        return None


def _ragged(row: list[str], header: list[str], number: int, errors) -> bool:
    """Note a row whose cell count differs from the header's; True when it does."""
    if len(row) == len(header):
        return False
    errors.add(
        _("Row %(n)s has %(count)s cells; the header has %(expected)s.")
        % {"n": number, "count": len(row), "expected": len(header)}
    )
    return True


def parse_csv(content: bytes | str, citations: bytes | str | None = None) -> TableData:
    errors = ErrorList("file")
    records = _records(decode(content, errors), errors)
    number, header = next(records, (0, None))
    if header is None:
        errors.add(_("The file is empty: the first row should be “criterion”, then each case."))
        errors.raise_if_any()
    if header[0].strip().lower() != "criterion":
        errors.add(
            _(
                "Missing header: row %(n)s should start with “criterion”, then the name of "
                "each case, one a column."
            )
            % {"n": number}
        )
        errors.raise_if_any()
    data = TableData()
    if len(header) - 1 > MAX_CASES:
        errors.add(_("A table holds at most %(limit)s cases (columns).") % {"limit": MAX_CASES})
        errors.raise_if_any()
    for column, value in enumerate(header[1:], start=2):
        label = _label(value, _("Header, column %(n)s") % {"n": column}, errors)
        if label in data.cases:
            errors.add(_("Header: the case “%(label)s” appears twice.") % {"label": label})
        elif label:
            data.cases.append(label)
    for number, row in records:
        if len(data.criteria) >= MAX_CRITERIA:
            errors.add(
                _("Row %(n)s: a table holds at most %(limit)s criteria (rows).")
                % {"n": number, "limit": MAX_CRITERIA}
            )
            errors.raise_if_any()
        if _ragged(row, header, number, errors):
            continue
        row_label = _("Row %(n)s") % {"n": number}
        criterion = _label(row[0], row_label, errors)
        if criterion in data.criteria:
            errors.add(
                _("Row %(n)s: the criterion “%(label)s” appears twice.")
                % {"n": number, "label": criterion}
            )
            continue
        if criterion:
            data.criteria.append(criterion)
        for case, text in zip(data.cases, row[1:], strict=False):
            try:
                data.cells[(criterion, case)] = comparisons.clean_text(text)
            except ValidationError as error:
                errors.add(f"{row_label}, “{case}”: {error.messages[0]}")
    errors.raise_if_any()
    if citations is not None:
        data.citations = parse_citations_csv(citations, data)
    return data


def parse_citations_csv(content: bytes | str, data: TableData) -> dict:
    errors = ErrorList("citations_file")
    records = _records(decode(content, errors), errors)
    number, header = next(records, (0, None))
    if header is None:
        return {}
    header = [name.strip().lower() for name in header]
    missing = [name for name in CITATION_COLUMNS if name not in header]
    if missing:
        errors.add(
            _("Missing header: the first row needs the columns %(columns)s (missing: %(missing)s).")
            % {"columns": ", ".join(CITATION_COLUMNS), "missing": ", ".join(missing)}
        )
        errors.raise_if_any()
    found: dict[tuple[str, str], list[dict]] = {}
    for number, row in records:
        if number > MAX_CITATION_ROWS + 1:
            errors.add(
                _("A table holds at most %(limit)s citations.") % {"limit": MAX_CITATION_ROWS}
            )
            errors.raise_if_any()
        if _ragged(row, header, number, errors):
            continue
        raw = dict(zip(header, row, strict=True))
        add_citation(found, raw, data, _("Row %(n)s") % {"n": number}, errors)
    errors.raise_if_any()
    return found


def add_citation(found: dict, raw: dict, data: TableData, where: str, errors: ErrorList) -> None:
    criterion = " ".join(str(raw.get("criterion") or "").split())
    case = " ".join(str(raw.get("case") or "").split())
    if criterion not in data.criteria:
        errors.add(
            _("%(where)s: the table has no criterion “%(label)s”.")
            % {"where": where, "label": criterion}
        )
        return
    if case not in data.cases:
        errors.add(
            _("%(where)s: the table has no case “%(label)s”.") % {"where": where, "label": case}
        )
        return
    try:
        citation = comparisons.clean_citation(raw)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.add(f"{where}, {name}: {messages[0]}")
        return
    cell = found.setdefault((criterion, case), [])
    if len(cell) >= MAX_CITATIONS_PER_CELL:
        errors.add(
            _("%(where)s: a cell holds at most %(limit)s citations.")
            % {"where": where, "limit": MAX_CITATIONS_PER_CELL}
        )
        return
    cell.append(citation)


@transaction.atomic
def replace_table(*, comparison: Comparison, data: TableData) -> None:
    """The table becomes exactly ``data``: every criterion, case, cell and citation."""
    Comparison.objects.select_for_update().filter(pk=comparison.pk).first()
    comparison.criteria.all().delete()
    comparison.cases.all().delete()
    criteria = Criterion.objects.bulk_create(
        Criterion(comparison=comparison, label=label, position=n)
        for n, label in enumerate(data.criteria)
    )
    cases = Case.objects.bulk_create(
        Case(comparison=comparison, label=label, position=n) for n, label in enumerate(data.cases)
    )
    cells = Cell.objects.bulk_create(
        Cell(criterion=criterion, case=case, text=data.cells.get((criterion.label, case.label), ""))
        for criterion in criteria
        for case in cases
    )
    Citation.objects.bulk_create(
        Citation(cell=cell, position=n, **citation)
        for cell in cells
        for n, citation in enumerate(
            data.citations.get((cell.criterion.label, cell.case.label), [])
        )
    )
    Comparison.objects.filter(pk=comparison.pk).update(updated_at=timezone.now())


def import_csv(
    *, comparison: Comparison, content: bytes | str, citations: bytes | str | None = None
) -> None:
    """Replace the table with the CSV's (and the citations CSV's); nothing changes on error."""
    replace_table(comparison=comparison, data=parse_csv(content, citations))
