import csv
import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.comparisons.helpers import cell_at, citation, make_table
from turnout.comparisons import transfer
from turnout.comparisons.models import Citation, Comparison

BASE = "/organise/groups/uig/comparisons/"
HOSTILE = ["<script>alert(1)</script>", "javascript:alert(1)", "../..", "a" * 5000, "\x00", ""]


@pytest.fixture
def table(group):
    return make_table(
        group=group,
        criteria=["Deaths", "Began"],
        cases=["A", "B"],
        texts={("Deaths", "A"): "35,000"},
        published=False,
        slug="t",
    )


def texts(table) -> dict:
    return transfer.table_data(table).cells


def test_list_shows_the_groups_tables_and_creates_one(organiser_client, table):
    assert "Two cases, one standard" in organiser_client.get(BASE).content.decode()

    response = organiser_client.post(BASE, {"title": "Rents", "slug": "", "introduction": ""})

    assert response.status_code == 302
    assert response["Location"] == BASE + "rents/"
    assert Comparison.objects.filter(slug="rents").exists()


def test_create_refuses_a_bad_slug_on_its_field(organiser_client, group):
    response = organiser_client.post(BASE, {"title": "Rents", "slug": "../x", "introduction": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["slug"][0].startswith("Use only lower-case letters")
    assert not Comparison.objects.exists()


@pytest.mark.parametrize("path", ["", "t/", "t/publish/", "t/import/", "t/export/?file=table.csv"])
def test_outsiders_get_404_and_anonymous_visitors_the_login(client, outsider_client, table, path):
    assert outsider_client.get(BASE + path).status_code == 404
    assert client.get(BASE + path)["Location"].startswith("/organise/login/")


def test_add_case_shows_every_criterion_not_yet_assessed(organiser_client, table):
    organiser_client.post(BASE + "t/add/case/", {"label": "C"})

    html = organiser_client.get(BASE + "t/").content.decode()
    assert list(table.cases.values_list("label", flat=True)) == ["A", "B", "C"]
    assert texts(table)[("Deaths", "C")] == texts(table)[("Began", "C")] == ""
    # 5 of the 6 cells are empty; each shows in the wide table and in the stacked view.
    assert html.count("Not yet assessed") == 5 * 2


def test_add_a_duplicate_criterion_says_so_and_changes_nothing(organiser_client, table):
    response = organiser_client.post(BASE + "t/add/criterion/", {"label": "Deaths"}, follow=True)

    assert "The table already has “Deaths”." in response.content.decode()
    assert table.criteria.count() == 2


def test_add_an_unknown_kind_is_not_found(organiser_client, table):
    assert organiser_client.post(BASE + "t/add/row/", {"label": "X"}).status_code == 404


def test_move_reorders_rows_and_columns(organiser_client, table):
    began = table.criteria.get(label="Began")
    b = table.cases.get(label="B")

    organiser_client.post(BASE + f"t/move/criterion/{began.pk}/", {"direction": "up"})
    organiser_client.post(BASE + f"t/move/case/{b.pk}/", {"direction": "up"})

    assert list(table.criteria.values_list("label", flat=True)) == ["Began", "Deaths"]
    assert list(table.cases.values_list("label", flat=True)) == ["B", "A"]


def citation_post(text: str, **fields) -> dict:
    data = {
        "text": text,
        "citations-TOTAL_FORMS": "2",
        "citations-INITIAL_FORMS": "0",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "20",
    }
    values = {**citation(), **fields}
    for name, value in values.items():
        data[f"citations-0-{name}"] = value.isoformat() if isinstance(value, dt.date) else value
    return data


def test_cell_edit_saves_text_and_citations(organiser_client, table):
    cell = cell_at(table, "Deaths", "B")

    response = organiser_client.post(BASE + f"t/cells/{cell.pk}/", citation_post("18,000"))

    assert response.status_code == 302
    (saved,) = Citation.objects.filter(cell=cell)
    assert (saved.cell.text, saved.url) == ("18,000", "https://stats.example.org/report")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"url": "javascript:alert(1)"}, "url",
         "Enter a web address starting with https:// or http://."),
        ({"date_accessed": timezone.localdate() + dt.timedelta(days=2)}, "date_accessed",
         "This date is in the future."),
    ],
)  # fmt: skip
def test_cell_edit_refuses_a_bad_citation_on_its_field(
    organiser_client, table, fields, field, message
):
    cell = cell_at(table, "Deaths", "A")

    response = organiser_client.post(BASE + f"t/cells/{cell.pk}/", citation_post("1", **fields))

    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors[field] == [message]
    assert (texts(table)[("Deaths", "A")], Citation.objects.count()) == ("35,000", 0)


def test_cell_of_another_table_is_not_found(organiser_client, table, group):
    other = make_table(group=group, criteria=["X"], cases=["Y"], slug="other")

    assert organiser_client.get(BASE + f"t/cells/{cell_at(other, 'X', 'Y').pk}/").status_code == 404


def test_publish_page_shows_the_check_and_publishes_anyway(organiser_client, client, table):
    html = organiser_client.get(BASE + "t/publish/").content.decode()
    assert "Deaths / A: states a figure with no citation." in html
    assert "Began / B: not yet assessed." in html
    assert client.get("/uig/comparisons/t/").status_code == 404

    response = organiser_client.post(BASE + "t/publish/", {"action": "publish"}, follow=True)

    assert "Published with 4 problems still listed below." in response.content.decode()
    assert client.get("/uig/comparisons/t/").status_code == 200


def upload(client, content: bytes, citations: bytes | None = None, name="table.csv"):
    data = {"file": SimpleUploadedFile(name, content)}
    if citations is not None:
        data["citations_file"] = SimpleUploadedFile("citations.csv", citations)
    return client.post(BASE + "t/import/", data)


def test_import_csv_replaces_the_table(organiser_client, table):
    cites = (
        ",".join(transfer.CITATION_COLUMNS)
        + "\nCost,X,Report,UN,https://un.example.org,,2024-01-01\n"
    )
    response = upload(organiser_client, b'criterion,X\nCost,"12,000"\n', cites.encode())

    assert response.status_code == 302
    assert texts(table) == {("Cost", "X"): "12,000"}
    assert Citation.objects.get().title == "Report"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"criterion,A\nX,1,2\n", "Row 2 has 3 cells; the header has 2."),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "This is not a text file"),
        (b"Cost,1\n", "Missing header"),
        (b'{"format": "nope"}', "This is not a table exported from Turnout as JSON."),
    ],
)
def test_import_of_a_bad_file_names_the_problem_and_changes_nothing(
    organiser_client, table, content, message
):
    before = texts(table)

    response = upload(organiser_client, content)

    assert response.status_code == 200
    assert response.context["form"].errors["file"][0].startswith(message)
    assert texts(table) == before


def test_exports_parse(organiser_client, table):
    grid = organiser_client.get(BASE + "t/export/?file=table.csv")
    document = organiser_client.get(BASE + "t/export/?file=table.json")

    assert grid["Content-Disposition"] == 'attachment; filename="t-table.csv"'
    assert list(csv.reader(io.StringIO(grid.content.decode()))) == [
        ["criterion", "A", "B"],
        ["Deaths", "35,000", ""],
        ["Began", "", ""],
    ]
    assert json.loads(document.content)["criteria"] == ["Deaths", "Began"]
    assert organiser_client.get(BASE + "t/export/?file=../x").status_code == 404


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_never_give_a_server_error(organiser_client, table, value):
    cell = cell_at(table, "Deaths", "A")
    posts = [
        (BASE, {"title": value, "slug": value, "introduction": value}),
        (BASE + "t/", {"title": value, "introduction": value}),
        (BASE + "t/add/criterion/", {"label": value}),
        (BASE + "t/add/case/", {"label": value}),
        (BASE + f"t/move/case/{table.cases.first().pk}/", {"direction": value}),
        (BASE + f"t/cells/{cell.pk}/", citation_post(value, url=value, title=value)),
        (BASE + f"t/cells/{cell.pk}/", {"text": value, "citations-TOTAL_FORMS": value}),
        (BASE + "t/publish/", {"action": value}),
    ]
    for path, data in posts:
        assert organiser_client.post(path, data).status_code < 500, path
    assert upload(organiser_client, value.encode("utf-8", "replace")).status_code < 500
    assert organiser_client.get(BASE + "t/export/?file=" + value).status_code < 500


@pytest.mark.parametrize("item", ["0", "99999999999999999999"])
def test_unknown_ids_are_not_found(organiser_client, table, item):
    assert organiser_client.get(BASE + f"t/cells/{item}/").status_code == 404
    move = organiser_client.post(BASE + f"t/move/case/{item}/", {"direction": "up"})
    assert move.status_code == 404


@pytest.mark.parametrize("size", [2, 6])
def test_edit_page_query_count_is_constant(
    organiser_client, group, size, django_assert_num_queries
):
    criteria = [f"Criterion {n}" for n in range(size)]
    make_table(
        group=group,
        criteria=criteria,
        cases=["A", "B"],
        cited={(c, "A"): [citation()] for c in criteria},
        slug="counted",
    )

    with django_assert_num_queries(8):
        assert organiser_client.get(BASE + "counted/").status_code == 200
