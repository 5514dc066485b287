import re

import pytest
from django.utils.html import escape

from tests.comparisons.helpers import citation, make_table
from turnout.comparisons import services as comparisons

HOSTILE = '<script>alert("x")</script>'


def page(client, table):
    return client.get(f"/{table.group.slug}/comparisons/{table.slug}/")


@pytest.fixture
def table(group):
    return make_table(
        group=group,
        criteria=["Deaths", "Began"],
        cases=["Case A", "Case B"],
        texts={("Deaths", "Case A"): "About 35,000", ("Began", "Case A"): "28 December 2023"},
        cited={
            ("Deaths", "Case A"): [
                citation(title="UN report", url="https://un.example.org/a"),
                citation(title="Ministry data", url="https://gov.example.org/b"),
            ]
        },
        slug="two-cases",
    )


def test_public_page_shows_an_accessible_table(client, table):
    html = page(client, table).content.decode()

    assert '<caption dir="auto">Two cases, one standard</caption>' in html
    assert re.findall(r'<th scope="col" dir="auto">([^<]*)</th>', html) == ["Case A", "Case B"]
    assert re.findall(r'<th scope="row" dir="auto">([^<]*)</th>', html) == ["Deaths", "Began"]
    assert "<em>these</em>" in html  # the introduction's Markdown


def test_public_page_shows_not_yet_assessed_for_empty_cells(client, table):
    html = page(client, table).content.decode()

    # Two empty cells, each in the table and in the stacked (phone) view.
    assert html.count("Not yet assessed") == 4


def test_public_page_numbers_citations_as_footnotes_with_links(client, table):
    html = page(client, table).content.decode()

    assert html.count('href="#cite-1"') == 2  # the table and the stacked view
    assert html.count('href="#cite-2"') == 2
    assert re.findall(
        r'<li id="cite-(\d)" value="\d"><a href="([^"]+)" rel="nofollow noopener" dir="auto">', html
    ) == [
        ("1", "https://un.example.org/a"),
        ("2", "https://gov.example.org/b"),
    ]


def test_public_page_stacks_cases_for_phones(client, table):
    html = page(client, table).content.decode()
    stacked = html.split('<div class="comparison-stacked">')[1]

    assert re.findall(r'<h2 dir="auto">([^<]*)</h2>', stacked)[:2] == ["Case A", "Case B"]


def test_draft_table_is_not_found(client, group):
    draft = make_table(group=group, criteria=["A"], cases=["B"], published=False, slug="draft")

    assert page(client, draft).status_code == 404


def test_table_of_another_group_is_not_found(client, table, outsider):
    assert client.get(f"/another/comparisons/{table.slug}/").status_code == 404


def test_hostile_text_stays_text(client, group):
    table = make_table(
        group=group,
        title=HOSTILE,
        criteria=[HOSTILE],
        cases=[HOSTILE + " case"],
        texts={(HOSTILE, HOSTILE + " case"): HOSTILE},
        cited={
            (HOSTILE, HOSTILE + " case"): [citation(title=HOSTILE, publisher=HOSTILE)],
        },
        slug="hostile",
    )
    comparisons.update_comparison(comparison=table, title=HOSTILE, introduction=HOSTILE)

    html = page(client, table).content.decode()

    assert "<script>alert" not in html
    assert escape(HOSTILE) in html


def test_post_is_not_allowed(client, table):
    assert client.post(f"/uig/comparisons/{table.slug}/").status_code == 405


@pytest.mark.parametrize("size", [2, 6])
def test_public_page_query_count_is_constant(client, group, size, django_assert_num_queries):
    criteria = [f"Criterion {n}" for n in range(size)]
    table = make_table(
        group=group,
        criteria=criteria,
        cases=["A", "B"],
        texts={(c, "A"): "12,000" for c in criteria},
        cited={(c, "A"): [citation()] for c in criteria},
        slug="counted",
    )

    with django_assert_num_queries(5):
        response = page(client, table)

    assert response.status_code == 200
