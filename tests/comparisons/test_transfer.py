import csv
import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.comparisons.helpers import cell_at, citation, make_table
from turnout.comparisons import jsonfile, transfer
from turnout.comparisons import services as comparisons
from turnout.comparisons.models import Cell, Citation, Comparison

NOT_TEXT = "This is not a text file: save the table as CSV (UTF-8) and try again."
TOMORROW = (timezone.localdate() + dt.timedelta(days=1)).isoformat()


@pytest.fixture
def table(group):
    return make_table(
        group=group,
        criteria=["Deaths", "Began"],
        cases=["Case A", "Case B"],
        texts={
            ("Deaths", "Case A"): 'About 35,000, "at least"\nper UN',
            ("Deaths", "Case B"): '=HYPERLINK("x")',
            ("Began", "Case A"): "28 December 2023",
        },
        cited={("Deaths", "Case A"): [citation(), citation(title="Second", date_published=None)]},
    )


def snapshot(table: Comparison) -> dict:
    table.refresh_from_db()
    return {
        "title": table.title,
        "introduction": table.introduction,
        "data": transfer.table_data(table),
        "criteria": list(table.criteria.values_list("label", flat=True)),
        "cases": list(table.cases.values_list("label", flat=True)),
    }


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_export_csv_has_a_row_per_criterion_and_a_column_per_case(table):
    assert rows(transfer.export_csv(table)) == [
        ["criterion", "Case A", "Case B"],
        ["Deaths", 'About 35,000, "at least"\nper UN', '\'=HYPERLINK("x")'],
        ["Began", "28 December 2023", ""],
    ]


def test_export_citations_csv_is_keyed_by_criterion_and_case(table):
    accessed = (timezone.localdate() - dt.timedelta(days=1)).isoformat()

    assert rows(transfer.export_citations_csv(table)) == [
        list(transfer.CITATION_COLUMNS),
        ["Deaths", "Case A", "Annual report", "Statistics Office",
         "https://stats.example.org/report", "2023-05-01", accessed],
        ["Deaths", "Case A", "Second", "Statistics Office",
         "https://stats.example.org/report", "", accessed],
    ]  # fmt: skip


def test_csv_round_trips_without_loss(table, group):
    before = snapshot(table)
    grid, cites = transfer.export_csv(table), transfer.export_citations_csv(table)
    other = make_table(group=group, criteria=["Old"], cases=["Gone"], slug="other")

    transfer.import_csv(comparison=other, content=grid.encode(), citations=cites.encode())

    after = snapshot(other)
    assert (after["data"], after["criteria"], after["cases"]) == (
        before["data"], before["criteria"], before["cases"],
    )  # fmt: skip


def test_json_round_trips_without_loss(table, group):
    before = snapshot(table)
    other = make_table(group=group, criteria=[], cases=[], slug="other", title="Other")

    jsonfile.import_json(comparison=other, content=jsonfile.export_json(table).encode())

    assert snapshot(other) == before


TEXT = st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc"]) | st.sampled_from(",\"\n'=+-@;"),
    max_size=300,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(TEXT, min_size=4, max_size=4), title=TEXT)
def test_any_cell_text_round_trips_through_csv_and_json(group, texts, title):
    table = Comparison.objects.filter(group=group, slug="prop").first() or make_table(
        group=group, criteria=["One", "Two"], cases=["A", "B"], slug="prop", published=False
    )
    keys = [("One", "A"), ("One", "B"), ("Two", "A"), ("Two", "B")]
    for key, text in zip(keys, texts, strict=True):
        comparisons.set_cell(
            cell=cell_at(table, *key), text=text, citations=[citation(title=title.strip() or "t")]
        )
    before = transfer.table_data(table)
    assert before.cells == {k: comparisons.clean_text(t) for k, t in zip(keys, texts, strict=True)}

    transfer.import_csv(
        comparison=table,
        content=transfer.export_csv(table),
        citations=transfer.export_citations_csv(table),
    )
    assert transfer.table_data(table) == before
    jsonfile.import_json(comparison=table, content=jsonfile.export_json(table))
    assert transfer.table_data(table) == before


def import_error(table, content, citations=None) -> list[str]:
    with pytest.raises(ValidationError) as error:
        transfer.import_csv(comparison=table, content=content, citations=citations)
    return [m for messages in error.value.message_dict.values() for m in messages]


GRID = 'criterion,Case A,Case B\nDeaths,"35,000",18000\nBegan,2023,\n'
CITES_HEADER = ",".join(transfer.CITATION_COLUMNS) + "\n"


def cite_row(**fields) -> str:
    values = {
        "criterion": "Deaths", "case": "Case A", "title": "Report", "publisher": "UN",
        "url": "https://un.example.org/r", "date_published": "", "date_accessed": "2024-01-02",
        **fields,
    }  # fmt: skip
    return ",".join(values[name] for name in transfer.CITATION_COLUMNS) + "\n"


@pytest.mark.parametrize(
    ("content", "citations", "message"),
    [
        ("Deaths,35000\n", None,
         "Missing header: row 1 should start with “criterion”, then the name of each case, "
         "one a column."),
        ("", None, "The file is empty: the first row should be “criterion”, then each case."),
        ("criterion,A,B\nDeaths,1\n", None, "Row 2 has 2 cells; the header has 3."),
        ("criterion,A,A\n", None, "Header: the case “A” appears twice."),
        ("criterion,A\nX,1\nX,2\n", None, "Row 3: the criterion “X” appears twice."),
        ("criterion,A\n,1\n", None, "Row 2: Enter a label."),
        ("criterion,A\nX,\"" + "y" * 1001 + "\"\n", None,
         "Row 2, “A”: Keep a cell to 1,000 characters; this one has 1,001."),
        ("criterion,A\nX,\"open\n", None,
         "Row 2 is not valid CSV (unexpected end of data)."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None,
         "This is not a text file: save the table as CSV (UTF-8) and try again."),
        (b"criterion,A\n\xff\xfe,1\n", None,
         "This is not a text file: save the table as CSV (UTF-8) and try again."),
        ("criterion," + ",".join(f"C{n}" for n in range(21)) + "\n", None,
         "A table holds at most 20 cases (columns)."),
        (GRID, "criterion,case,title\n",
         "Missing header: the first row needs the columns criterion, case, title, publisher, "
         "url, date_published, date_accessed (missing: publisher, url, date_published, "
         "date_accessed)."),
        (GRID, CITES_HEADER + cite_row(criterion="Nope"),
         "Row 2: the table has no criterion “Nope”."),
        (GRID, CITES_HEADER + cite_row(case="Case Z"), "Row 2: the table has no case “Case Z”."),
        (GRID, CITES_HEADER + cite_row() + cite_row(url="javascript:alert(1)"),
         "Row 3, url: Enter a web address starting with https:// or http://."),
        (GRID, CITES_HEADER + cite_row(url="not a url"),
         "Row 2, url: Enter a web address starting with https:// or http://."),
        (GRID, CITES_HEADER + cite_row(date_accessed=TOMORROW),
         "Row 2, date_accessed: This date is in the future."),
        (GRID, CITES_HEADER + cite_row(date_accessed="31/12/2023"),
         "Row 2, date_accessed: Enter the date as year-month-day, like 2024-03-31."),
        (GRID, CITES_HEADER + "Deaths,Case A\n", "Row 2 has 2 cells; the header has 7."),
    ],
)  # fmt: skip
def test_bad_csv_gets_a_clear_message_and_changes_nothing(table, content, citations, message):
    before = snapshot(table)

    assert import_error(table, content, citations) == [message]
    assert snapshot(table) == before


def test_csv_of_10000_rows_is_refused_at_the_limit(table):
    before = snapshot(table)
    content = "criterion,A\n" + "".join(f"Criterion {n},x\n" for n in range(10_000))

    assert import_error(table, content) == ["Row 102: a table holds at most 100 criteria (rows)."]
    assert snapshot(table) == before


def test_csv_over_1_mb_is_refused(table):
    content = "criterion,A\n" + "x," + "y" * 1_000_000 + "\n"

    assert import_error(table, content) == [
        "The file is over 1 MB; a table holds at most 100 criteria and 20 cases."
    ]


def test_several_bad_rows_are_all_named(table):
    content = "criterion,A\nOne,1\nTwo\nThree,3,3\n"

    assert import_error(table, content) == [
        "Row 3 has 1 cells; the header has 2.",
        "Row 4 has 3 cells; the header has 2.",
    ]


def test_csv_import_replaces_the_table_and_its_citations(table):
    transfer.import_csv(
        comparison=table, content=GRID, citations=CITES_HEADER + cite_row(publisher="=cmd")
    )

    assert list(table.criteria.values_list("label", flat=True)) == ["Deaths", "Began"]
    assert Cell.objects.filter(criterion__comparison=table).count() == 4
    (only,) = Citation.objects.all()
    assert (only.cell.text, only.publisher) == ("35,000", "=cmd")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01binary", NOT_TEXT),
        ("[1, 2]", "This is not a table exported from Turnout as JSON."),
        ("{not json", "This is not a table exported from Turnout as JSON."),
        ('{"format": "turnout-comparison", "criteria": 3, "cases": [], "cells": []}',
         "The file needs the lists “criteria”, “cases” and “cells”."),
        ('{"format": "turnout-comparison", "title": "T", "criteria": ["A"], "cases": ["B"],'
         ' "cells": [{"criterion": "A", "case": "Z", "text": "x"}]}',
         "Cell 1: the table has no criterion “A” or no case “Z”."),
        ('{"format": "turnout-comparison", "title": "T", "criteria": ["A"], "cases": ["B"],'
         ' "cells": [{"criterion": "A", "case": "B", "text": "x", "citations": [{"title": "t",'
         ' "url": "javascript:alert(1)", "date_accessed": "2024-01-01"}]}]}',
         "Cell 1, url: Enter a web address starting with https:// or http://."),
    ],
)  # fmt: skip
def test_bad_json_gets_a_clear_message_and_changes_nothing(table, content, message):
    before = snapshot(table)

    with pytest.raises(ValidationError) as error:
        jsonfile.import_json(comparison=table, content=content)

    assert error.value.messages == [message]
    assert snapshot(table) == before


def test_export_json_parses(table):
    document = json.loads(jsonfile.export_json(table))

    assert (document["criteria"], document["cases"], len(document["cells"])) == (
        ["Deaths", "Began"], ["Case A", "Case B"], 4,
    )  # fmt: skip


def test_json_with_control_characters_is_refused(table):
    before = snapshot(table)
    document = json.loads(jsonfile.export_json(table))
    document["introduction"] = "nul \u0000 here"
    document["cells"][0]["citations"][0]["title"] = "nul \u0000"

    with pytest.raises(ValidationError) as error:
        jsonfile.import_json(comparison=table, content=json.dumps(document))

    assert error.value.messages == ["Cell 1, title: This cannot hold control characters."]
    assert snapshot(table) == before
