import pytest

from tests.comparisons.helpers import citation, make_table
from turnout.comparisons import services as comparisons
from turnout.comparisons.checks import states_a_figure


@pytest.mark.parametrize(
    "text",
    ["35,000", "75 years", "18,000", "2.5%", "3 people", "£1.2bn", "up 40% since 1991"],
)
def test_a_number_other_than_a_date_is_a_figure(text):
    assert states_a_figure(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "2022",
        "in the 1940s",
        "28 December 2023",
        "11 June",
        "June 11, 2023",
        "2023-12-28",
        "28/12/2023",
        "1939–45",
        "the 20th century",
        "Yes, since the war",
    ],
)
def test_a_date_or_a_year_is_not_a_figure(text):
    assert states_a_figure(text) is False


def test_consistency_check_finds_planted_empty_cells_and_uncited_figures(group):
    table = make_table(
        group=group,
        criteria=["Deaths", "Began", "Displaced"],
        cases=["A", "B"],
        texts={
            ("Deaths", "A"): "About 35,000",  # uncited figure
            ("Deaths", "B"): "18,000",  # cited
            ("Began", "A"): "28 December 2023",  # a date: fine uncited
            ("Began", "B"): "In the 1940s",
            ("Displaced", "A"): "2.5% of the population",  # uncited figure
        },  # ("Displaced", "B") left empty
        cited={("Deaths", "B"): [citation()]},
        published=False,
    )

    problems = comparisons.consistency_check(table)

    assert [(p.criterion, p.case, p.kind) for p in problems] == [
        ("Deaths", "A", "uncited_figure"),
        ("Displaced", "A", "uncited_figure"),
        ("Displaced", "B", "empty"),
    ]
    assert problems[2].message == "Displaced / B: not yet assessed."


def test_consistency_check_of_a_complete_cited_table_is_empty(group):
    table = make_table(
        group=group,
        criteria=["Deaths"],
        cases=["A"],
        texts={("Deaths", "A"): "75 years"},
        cited={("Deaths", "A"): [citation()]},
    )

    assert comparisons.consistency_check(table) == []
