"""The consistency check shown before publishing: empty cells, and figures with no source.

A *figure* is a number other than a date or a year: "35,000", "75 years", "18,000",
"2.5%" and "3" are figures; "2022", "the 1940s", "28 December 2023", "11 June",
"2023-12-28" and "28/12/2023" are not. A bare four-digit number from 1000 to 2099 is
read as a year ("1500 people" is therefore not flagged: write "1,500").
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from turnout.comparisons.models import Cell, Comparison

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATES = re.compile(
    rf"""
    \b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\b(?:\.?,?\s+\d{{4}})?    # 28 December 2023
    | \b{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?           # December 28, 2023
    | \b\d{{4}}-\d{{1,2}}-\d{{1,2}}\b                                         # 2023-12-28
    | \b\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}\b                                  # 28/12/2023
    | \b(?:1\d|20)\d{{2}}\s*[-–]\s*(?:1\d|20)?\d{{2}}\b(?!\s*%)                 # 1939-45
    | (?<![\d,.])\b(?:1\d|20)\d{{2}}(?:'?s)?\b(?![.,]\d|\s*%)                   # 2022, 1940s
    | \b\d{{1,2}}(?:st|nd|rd|th)\s+century\b                                   # 20th century
    """,
    re.IGNORECASE | re.VERBOSE,
)
_NUMBER = re.compile(r"\d")


def states_a_figure(text: str) -> bool:
    """Whether the text holds a number other than a date or a year."""
    return bool(_NUMBER.search(_DATES.sub(" ", text)))


@dataclass(frozen=True)
class Problem:
    criterion: str
    case: str
    kind: str  # "empty" or "uncited_figure"
    message: str


def consistency_check(comparison: Comparison) -> list[Problem]:
    """Every empty cell and every uncited figure, row by row, in the table's order."""
    cells = (
        Cell.objects.filter(criterion__comparison=comparison)
        .select_related("criterion", "case")
        .prefetch_related("citations")
        .order_by("criterion__position", "criterion__pk", "case__position", "case__pk")
    )
    problems = []
    for cell in cells:
        where = {"criterion": cell.criterion.label, "case": cell.case.label}
        if not cell.text:
            problems.append(
                Problem(
                    kind="empty",
                    message=_("%(criterion)s / %(case)s: not yet assessed.") % where,
                    **where,
                )
            )
        elif states_a_figure(cell.text) and not cell.citations.all():
            problems.append(
                Problem(
                    kind="uncited_figure",
                    message=_("%(criterion)s / %(case)s: states a figure with no citation.")
                    % where,
                    **where,
                )
            )
    return problems
