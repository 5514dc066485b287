"""A group's mailing list as CSV: import existing contacts (asked to confirm), export.

An import never subscribes anyone: each new address gets a confirmation request,
and addresses that unsubscribed are skipped for good. Exports neutralise cells a
spreadsheet would run as formulas and stream in constant memory. Both are recorded in
the group's audit log with the organiser who did it (``by``; None records nothing) and
a count, never an address.
"""

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from turnout.core import uploads
from turnout.core.csvexport import FORMULA_STARTS, csv_lines
from turnout.core.validators import normalise_email
from turnout.groups import audit, sending
from turnout.groups.models import Group, User
from turnout.mailing.services.subscriptions.optin import email_hash, queue_confirmation

IMPORT_MAX_ROWS = 10_000
_IN_BATCH = 500  # addresses per ``IN (…)`` query, well under SQLite's variable limit


class ImportRejected(Exception):
    """The whole file is refused (not CSV, no email column, too long); nothing changed."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


# --- CSV import ---

SKIP_REASONS = {
    "empty": gettext_lazy("no email address"),
    "line_break": gettext_lazy("the address contains a line break"),
    "formula": gettext_lazy("starts with =, +, - or @ (a spreadsheet formula, not an address)"),
    "malformed": gettext_lazy("not a valid email address"),
    "duplicate": gettext_lazy("the same address as an earlier row"),
    "subscribed": gettext_lazy("already subscribed"),
    "suppressed": gettext_lazy("unsubscribed earlier, so never imported again"),
}


@dataclass(frozen=True)
class SkippedRow:
    row: int  # as a spreadsheet numbers it: the header is row 1
    code: str

    @property
    def reason(self) -> str:
        return str(SKIP_REASONS[self.code])


@dataclass
class ImportReport:
    rows: int = 0
    requested: int = 0  # confirmation requests queued
    skipped: list[SkippedRow] = field(default_factory=list)

    def skipped_counts(self) -> list[tuple[str, int]]:
        """(reason, how many rows) in the order of SKIP_REASONS."""
        counts = Counter(skip.code for skip in self.skipped)
        return [(str(SKIP_REASONS[code]), counts[code]) for code in SKIP_REASONS if counts[code]]


def _reject(message: str, code: str) -> ImportRejected:
    return ImportRejected(message, code)


def _read_text(file: File) -> str:
    limit = uploads.limit_bytes()
    data = file.read(limit + 1)
    if len(data) > limit:
        raise _reject(
            _("The file is larger than %(mb)s MB. Split it into smaller files and import each.")
            % {"mb": uploads.limit_mb()},
            "too_large",
        )
    if not data.strip():
        raise _reject(_("The file is empty."), "empty")
    not_csv = _(
        "This is not a CSV file. Save your list from your spreadsheet as "
        "“CSV UTF-8 (comma delimited)” and upload that file."
    )
    if b"\x00" in data:  # images, PDFs, spreadsheets' own formats
        raise _reject(not_csv, "binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _reject(not_csv, "not_utf8") from None


def _records(text: str) -> list[list[str]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count) if any(d in first_line for d in ",;\t") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error:
        raise _reject(
            _(
                "This file could not be read as CSV (a quote may be missing). Save your "
                "list from your spreadsheet as “CSV UTF-8 (comma delimited)” and try again."
            ),
            "not_csv",
        ) from None


def _email_column(header: list[str]) -> int:
    names = [cell.strip().lower() for cell in header]
    if "email" not in names:
        raise _reject(
            _(
                "The file has no “email” column. Its first row must name the columns, "
                "e.g. “email,name”."
            ),
            "no_email_column",
        )
    return names.index("email")


def _row_problem(cell: str) -> str | None:
    if not cell.strip():
        return "empty"
    if "\n" in cell or "\r" in cell:
        return "line_break"
    if cell.lstrip().startswith(FORMULA_STARTS):
        return "formula"
    try:
        normalise_email(cell)
    except ValidationError:
        return "malformed"
    return None


def _existing(group: Group, emails: list[str]) -> tuple[set[str], set[str]]:
    """Which of ``emails`` are subscribed, and which suppressed, a batch per query."""
    subscribed, suppressed = set(), set()
    for start in range(0, len(emails), _IN_BATCH):
        batch = emails[start : start + _IN_BATCH]
        subscribed.update(group.subscribers.filter(email__in=batch).values_list("email", flat=True))
        hashes = {email_hash(email): email for email in batch}
        found = group.suppressions.filter(email_hash__in=hashes).values_list(
            "email_hash", flat=True
        )
        suppressed.update(hashes[h] for h in found)
    return subscribed, suppressed


def _check_may_send(group: Group, needed: int) -> None:
    """An import mails people who did not ask: the group's approval and quota apply."""
    from turnout.mailing.services import announcements

    if not sending.is_approved(group):
        raise _reject(
            _(
                "The instance admin has not yet approved this group for sending email, "
                "so it cannot ask imported contacts to confirm. People can still follow "
                "the group from its page."
            ),
            "not_approved",
        )
    left = announcements.emails_left_today(group=group)
    if needed > left and sending.site_limit_binds(group=group):
        raise _reject(sending.site_quota_message(left=left, needed=needed), "over_quota")
    if left == 0:
        raise _reject(
            _(
                "This group has used all of its emails for today, so it cannot ask "
                "imported contacts to confirm now. Try again tomorrow, or ask the instance "
                "admin to raise the limit."
            ),
            "over_quota",
        )
    if needed > left:
        raise _reject(
            ngettext(
                "This import would ask %(needed)s person to confirm, but only %(left)s "
                "emails are left of this group's daily limit. Import fewer rows, or try "
                "again tomorrow.",
                "This import would ask %(needed)s people to confirm, but only %(left)s "
                "emails are left of this group's daily limit. Import fewer rows, or try "
                "again tomorrow.",
                needed,
            )
            % {
                "needed": number_format(needed, force_grouping=True),
                "left": number_format(left, force_grouping=True),
            },
            "over_quota",
        )


def import_csv(*, group: Group, file: File, by: User | None) -> ImportReport:
    """Ask each new address in a CSV to confirm (they are not subscribed until they do).

    A file that is not CSV, has no ``email`` column or more than 10,000 rows, or that
    would take the group over its daily sending quota, raises ImportRejected and
    changes nothing; bad rows are skipped and reported by number.
    """
    records = _records(_read_text(file))
    column = _email_column(records[0])
    rows = [(n, record) for n, record in enumerate(records[1:], start=2) if any(record)]
    if len(rows) > IMPORT_MAX_ROWS:
        raise _reject(
            _(
                "The file has %(rows)s rows; up to %(max)s can be imported at once. "
                "Split it into smaller files and import each."
            )
            % {
                "rows": number_format(len(rows), force_grouping=True),
                "max": number_format(IMPORT_MAX_ROWS, force_grouping=True),
            },
            "too_many_rows",
        )
    report = ImportReport(rows=len(rows))
    valid: dict[str, int] = {}  # address → its row
    for n, record in rows:
        cell = record[column] if column < len(record) else ""
        problem = _row_problem(cell)
        if problem is None and normalise_email(cell) in valid:
            problem = "duplicate"
        if problem:
            report.skipped.append(SkippedRow(row=n, code=problem))
        else:
            valid[normalise_email(cell)] = n
    with transaction.atomic():
        # The group's row locked: two imports (or an import and an announcement)
        # cannot both pass the daily quota.
        Group.objects.select_for_update().filter(pk=group.pk).first()
        subscribed, suppressed = _existing(group, list(valid))
        to_ask = []
        for email, n in valid.items():
            if email in subscribed or email in suppressed:
                code = "subscribed" if email in subscribed else "suppressed"
                report.skipped.append(SkippedRow(row=n, code=code))
            else:
                to_ask.append(email)
        if to_ask:
            _check_may_send(group, len(to_ask))
        for email in to_ask:
            queue_confirmation(group=group, email=email, source="import")
        report.requested = len(to_ask)
        if to_ask and by is not None:
            audit.record(
                group=group, actor=by, action=audit.Action.SUBSCRIBERS_IMPORTED, count=len(to_ask)
            )
    report.skipped.sort(key=lambda skip: skip.row)
    return report


# --- CSV export ---


def export_csv(*, group: Group, by: User | None) -> Iterator[str]:
    """The group's subscribers as CSV lines, streamed in constant memory."""
    if by is not None:
        audit.record(
            group=group,
            actor=by,
            action=audit.Action.SUBSCRIBERS_EXPORTED,
            count=group.subscribers.count(),
        )
    rows = (
        group.subscribers.order_by("pk")
        .values_list("email", "confirmed_at", "source")
        .iterator(chunk_size=2000)
    )
    return csv_lines(
        ["email", "confirmed_at", "source"],
        (
            (email, confirmed.astimezone(dt.UTC).isoformat(), source)
            for email, confirmed, source in rows
        ),
    )
