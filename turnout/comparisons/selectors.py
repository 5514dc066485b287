"""Reads of comparison tables, shaped for the pages that show them."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from turnout.comparisons.models import Case, Cell, Citation, Comparison, Criterion


def published_comparison(*, group_slug: str, slug: str) -> Comparison | None:
    try:
        return Comparison.objects.select_related("group").get(
            group__slug=group_slug, slug=slug, status=Comparison.Status.PUBLISHED
        )
    except Comparison.DoesNotExist:
        return None


def comparisons_for_organisers(*, group) -> list[Comparison]:
    return list(Comparison.objects.filter(group=group).order_by("title"))


@dataclass
class CellView:
    text: str
    criterion: Criterion
    case: Case
    pk: int | None = None
    notes: list[int] = field(default_factory=list)  # footnote numbers


@dataclass
class TableView:
    criteria: list[Criterion]
    cases: list[Case]
    rows: list[tuple[Criterion, list[CellView]]]  # one per criterion, a cell per case
    columns: list[tuple[Case, list[tuple[Criterion, CellView]]]]  # one per case
    footnotes: list[tuple[int, Citation]]


def table_view(comparison: Comparison) -> TableView:
    """The whole table in four queries, whatever its size; citations numbered row by row."""
    criteria = list(comparison.criteria.all())
    cases = list(comparison.cases.all())
    cells = Cell.objects.filter(criterion__comparison=comparison).prefetch_related(
        Prefetch("citations", queryset=Citation.objects.order_by("position", "pk"))
    )
    by_pair = {(cell.criterion_id, cell.case_id): cell for cell in cells}
    footnotes: list[tuple[int, Citation]] = []
    grid: dict[tuple[int, int], CellView] = {}
    for criterion in criteria:
        for case in cases:
            cell = by_pair.get((criterion.pk, case.pk))
            view = CellView(
                text=cell.text if cell else "",
                criterion=criterion,
                case=case,
                pk=cell.pk if cell else None,
            )
            for citation in cell.citations.all() if cell else ():
                footnotes.append((len(footnotes) + 1, citation))
                view.notes.append(len(footnotes))
            grid[(criterion.pk, case.pk)] = view
    return TableView(
        criteria=criteria,
        cases=cases,
        rows=[(c, [grid[(c.pk, case.pk)] for case in cases]) for c in criteria],
        columns=[(case, [(c, grid[(c.pk, case.pk)]) for c in criteria]) for case in cases],
        footnotes=footnotes,
    )


def assessed_part(table: TableView) -> tuple[TableView, list[Case]]:
    """The table with only its assessed cases (a case with at least one cell filled in),
    and the cases left out, not yet assessed: what a meeting's page and its flyer show,
    where a column of "Not yet assessed" would take room from the cases that say
    something. Footnote numbers stay those of the whole table."""
    assessed = [
        index
        for index in range(len(table.cases))
        if any(cells[index].text for _criterion, cells in table.rows)
    ]
    part = TableView(
        criteria=table.criteria,
        cases=[table.cases[i] for i in assessed],
        rows=[(criterion, [cells[i] for i in assessed]) for criterion, cells in table.rows],
        columns=[table.columns[i] for i in assessed],
        footnotes=table.footnotes,
    )
    left_out = [case for i, case in enumerate(table.cases) if i not in assessed]
    return part, left_out
