"""Tables for tests, made through the services."""

import datetime as dt

from django.utils import timezone

from turnout.comparisons import services as comparisons
from turnout.comparisons.models import Cell, Comparison
from turnout.groups.models import Group


def citation(**fields) -> dict:
    return {
        "title": "Annual report",
        "publisher": "Statistics Office",
        "url": "https://stats.example.org/report",
        "date_published": dt.date(2023, 5, 1),
        "date_accessed": timezone.localdate() - dt.timedelta(days=1),
        **fields,
    }


def make_table(
    *,
    group: Group,
    criteria: list[str],
    cases: list[str],
    texts: dict | None = None,
    cited: dict | None = None,
    published: bool = True,
    slug: str = "",
    title: str = "Two cases, one standard",
) -> Comparison:
    """``texts`` and ``cited`` are keyed by (criterion, case); ``cited`` gives citation lists."""
    table = comparisons.create_comparison(
        group=group, title=title, introduction="Why *these* cases.", slug=slug
    )
    for label in criteria:
        comparisons.add_criterion(comparison=table, label=label)
    for label in cases:
        comparisons.add_case(comparison=table, label=label)
    for key in {**(texts or {}), **(cited or {})}:
        comparisons.set_cell(
            cell=cell_at(table, *key),
            text=(texts or {}).get(key, ""),
            citations=(cited or {}).get(key, []),
        )
    if published:
        comparisons.publish(comparison=table)
    return table


def cell_at(table: Comparison, criterion: str, case: str) -> Cell:
    return Cell.objects.get(
        criterion__comparison=table, criterion__label=criterion, case__label=case
    )
