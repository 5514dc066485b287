import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.comparisons.helpers import cell_at, citation, make_table
from turnout.comparisons import services as comparisons
from turnout.comparisons.models import Cell, Citation, Comparison


def labels(queryset) -> list[str]:
    return list(queryset.values_list("label", flat=True))


def test_create_comparison_derives_the_slug_from_the_title(group):
    table = comparisons.create_comparison(group=group, title="Rent: then and now")

    assert (table.slug, table.status) == ("rent-then-and-now", Comparison.Status.DRAFT)


def test_create_comparison_refuses_a_taken_slug_and_a_bad_one(group):
    comparisons.create_comparison(group=group, title="Rents", slug="rents")

    with pytest.raises(ValidationError) as taken:
        comparisons.create_comparison(group=group, title="Rents again", slug="rents")
    with pytest.raises(ValidationError) as bad:
        comparisons.create_comparison(group=group, title="Rents", slug="../etc")

    assert list(taken.value.message_dict) == ["slug"]
    assert list(bad.value.message_dict) == ["slug"]
    assert Comparison.objects.count() == 1


def test_add_case_gives_every_criterion_a_not_yet_assessed_cell(group):
    table = make_table(group=group, criteria=["Cost", "Reach"], cases=["Old"], published=False)

    case = comparisons.add_case(comparison=table, label="New")

    assert sorted(Cell.objects.filter(case=case).values_list("criterion__label", "text")) == [
        ("Cost", ""),
        ("Reach", ""),
    ]


def test_add_criterion_gives_every_case_a_cell(group):
    table = make_table(group=group, criteria=[], cases=["A", "B"], published=False)

    criterion = comparisons.add_criterion(comparison=table, label="Cost")

    assert sorted(
        Cell.objects.filter(criterion=criterion).values_list("case__label", flat=True)
    ) == [
        "A",
        "B",
    ]


def test_add_criterion_refuses_a_duplicate_and_an_empty_label(group):
    table = make_table(group=group, criteria=["Cost"], cases=["A"], published=False)

    for label in ("Cost", "  ", "x" * 201):
        with pytest.raises(ValidationError) as error:
            comparisons.add_criterion(comparison=table, label=label)
        assert list(error.value.message_dict) == ["label"]
    assert labels(table.criteria) == ["Cost"]


def test_move_swaps_neighbours_and_stops_at_the_ends(group):
    table = make_table(group=group, criteria=["A", "B", "C"], cases=["X", "Y"], published=False)
    c = table.criteria.get(label="C")
    x = table.cases.get(label="X")

    comparisons.move(item=c, direction="up")
    comparisons.move(item=x, direction="down")
    comparisons.move(item=x, direction="down")  # already last

    assert labels(table.criteria) == ["A", "C", "B"]
    assert labels(table.cases) == ["Y", "X"]


def test_rename_refuses_a_label_another_row_has(group):
    table = make_table(group=group, criteria=["A", "B"], cases=["X"], published=False)

    comparisons.rename(item=table.criteria.get(label="A"), label="Alpha")
    with pytest.raises(ValidationError):
        comparisons.rename(item=table.criteria.get(label="B"), label="Alpha")

    assert labels(table.criteria) == ["Alpha", "B"]


def test_set_cell_replaces_text_and_citations(group):
    table = make_table(group=group, criteria=["Cost"], cases=["A"], published=False)
    cell = cell_at(table, "Cost", "A")

    comparisons.set_cell(cell=cell, text="35,000 people\r\n", citations=[citation(), citation()])
    comparisons.set_cell(cell=cell, text="About 35,000 people", citations=[citation(title="B")])

    cell.refresh_from_db()
    assert cell.text == "About 35,000 people"
    assert list(cell.citations.values_list("title", flat=True)) == ["B"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"url": ""}, "url"),
        ({"date_accessed": timezone.localdate() + dt.timedelta(days=1)}, "date accessed"),
        ({"date_accessed": "yesterday"}, "date accessed"),
        ({"date_accessed": ""}, "date accessed"),
        ({"title": ""}, "title"),
    ],
)
def test_set_cell_refuses_a_bad_citation_and_changes_nothing(group, fields, field):
    table = make_table(group=group, criteria=["Cost"], cases=["A"], texts={("Cost", "A"): "Free"})
    cell = cell_at(table, "Cost", "A")

    with pytest.raises(ValidationError) as error:
        comparisons.set_cell(cell=cell, text="35,000", citations=[citation(**fields)])

    (message,) = error.value.message_dict["citations"]
    assert message.startswith(f"Citation 1: {field}: ")
    cell.refresh_from_db()
    assert (cell.text, Citation.objects.count()) == ("Free", 0)


def test_set_cell_refuses_text_over_the_limit(group):
    table = make_table(group=group, criteria=["Cost"], cases=["A"], published=False)

    with pytest.raises(ValidationError) as error:
        comparisons.set_cell(cell=cell_at(table, "Cost", "A"), text="x" * 1001)

    assert error.value.message_dict["text"] == [
        "Keep a cell to 1,000 characters; this one has 1,001."
    ]


def test_publish_goes_ahead_and_returns_the_problems(group):
    table = make_table(
        group=group,
        criteria=["Cost", "Reach"],
        cases=["A"],
        texts={("Cost", "A"): "£35,000 a year"},
        published=False,
    )

    problems = comparisons.publish(comparison=table)

    table.refresh_from_db()
    assert table.status == Comparison.Status.PUBLISHED
    assert [(p.criterion, p.case, p.kind) for p in problems] == [
        ("Cost", "A", "uncited_figure"),
        ("Reach", "A", "empty"),
    ]
