"""Flyers with statements, quotes and comparison tables: all of their text on paper, in
type that fits, flowing onto a second page rather than cut off, and never a fetch."""

import http.server
import io
import logging
import subprocess
import threading

import pytest
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader

from tests.comparisons.helpers import cell_at, make_table
from tests.factories import make_event, make_group, make_venue
from tests.flyers.helpers import (
    CASES,
    CELLS,
    QUOTE,
    STATEMENT_BODY,
    STATEMENT_TITLE,
    attach_reference_blocks,
    pdf_fonts,
    pdf_text,
)
from turnout.comparisons import services as comparisons
from turnout.flyers import fitting, render
from turnout.flyers import services as flyers
from turnout.flyers.models import EventBlock

SIZES = ("A4", "A5")


def squeezed(text: str) -> str:
    """Text without white space: a long word may wrap anywhere on paper."""
    return "".join(text.split())


def pages(content: bytes) -> list:
    return PdfReader(io.BytesIO(content)).pages


def page_texts(content: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pages(content)]


def text_positions(page) -> list[tuple[str, float, float]]:
    """Every text run on the page with where it starts, in the page's own units."""
    runs = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((text, x, y))

    page.extract_text(visitor_text=visit)
    return runs


def boxes(content: bytes, page: int, text: str) -> list[tuple[float, float]]:
    """Where each occurrence of ``text`` on the page starts and ends across (x left,
    x right) and at what height (y), as pdfium finds it."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(content)
    try:
        textpage = pdf[page].get_textpage()
        searcher = textpage.search(text, match_case=True)
        found = []
        while (hit := searcher.get_next()) is not None:
            index, count = hit
            chars = [textpage.get_charbox(i) for i in range(index, index + count)]
            found.append((min(c[0] for c in chars), max(c[2] for c in chars), round(chars[0][1])))
        return found
    finally:
        pdf.close()


def header_xs(content: bytes, first: str, second: str) -> tuple[float, float]:
    """Where two column headers of one table row start: the occurrences at one height."""
    for x1, _r1, y1 in boxes(content, 0, first):
        for x2, _r2, y2 in boxes(content, 0, second):
            if abs(y1 - y2) <= 1:
                return x1, x2
    raise AssertionError(f"{first!r} and {second!r} not side by side")


def zbar(image: bytes, tmp_path) -> str:
    path = tmp_path / "image.png"
    path.write_bytes(image)
    found = subprocess.run(["zbarimg", "--raw", "-q", str(path)], capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    return found.stdout.strip()


def first_page_png(content: bytes, tmp_path, dpi: int = 150) -> bytes:
    pdf = tmp_path / "flyer.pdf"
    pdf.write_bytes(content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", pdf,
         tmp_path / "page"],
        check=True,
    )  # fmt: skip
    return (tmp_path / "page.png").read_bytes()


@pytest.fixture
def reference_event(group, venue):
    event = make_event(
        group=group,
        venue=venue,
        title="What internationalism means",
        tagline="Unite the struggles of Palestine, Ukraine and beyond",
    )
    attach_reference_blocks(event)
    return event


# --- what the flyer shows


@pytest.mark.parametrize("size", SIZES)
def test_flyer_shows_statement_table_and_quote_on_one_page(reference_event, size):
    content = render.flyer_pdf(reference_event, size)

    (text,) = page_texts(content)
    for expected in (
        STATEMENT_TITLE,
        "Ukraine Information Group, 3 June 2024",
        "Two occupations, one standard",
        "Israel in Palestine",
        "Russia in Ukraine",
        "Invasion and occupation?",
        "Relies on outside support?",
        "Sergei Lavrov, Russia's Foreign Minister, 28 December 2023",
        "Press conference (news.example.org)",
        # The essentials stay on page 1 with the blocks.
        "What internationalism means",
        "Organised by Ukraine Information Group",
        reference_event.group.contact_email,
    ):
        assert expected in text
    for words in [STATEMENT_BODY.replace("**", ""), QUOTE["text"], *CELLS.values()]:
        assert squeezed(words) in squeezed(text)
    sources = f"http://127.0.0.1:8000/{reference_event.group.slug}/comparisons/two-occupations/"
    assert f"Sources, and the cases not yet assessed: {sources}" in text


def test_flyer_shows_only_assessed_cases_and_marks_open_cells(group, venue):
    event = make_event(group=group, venue=venue)
    table = make_table(
        group=group,
        criteria=["Occupation?", "Genocide?"],
        cases=["Assessed case", "Half-assessed case", "Not started case"],
        texts={
            ("Occupation?", "Assessed case"): "Since 1967.",
            ("Genocide?", "Assessed case"): "Yes.",
            ("Occupation?", "Half-assessed case"): "Since 2014.",
        },
    )
    flyers.attach(event=event, content=table)

    text = pdf_text(render.flyer_pdf(event, "A4"))

    assert "Assessed case" in text and "Half-assessed case" in text
    assert "Not started case" not in text
    assert text.count("Not yet assessed") == 1  # the half-assessed case's genocide cell
    shown = render.facts(event)["blocks"][0]
    assert [case["label"] for case in shown["cases"]] == ["Assessed case", "Half-assessed case"]
    assert [row["cells"][1]["text"] for row in shown["rows"]] == ["Since 2014.", "Not yet assessed"]


def test_draft_comparison_is_not_on_the_flyer(group, venue):
    event = make_event(group=group, venue=venue)
    table = make_table(
        group=group,
        criteria=["Draft criterion"],
        cases=["Draft case"],
        texts={("Draft criterion", "Draft case"): "Draft cell"},
        published=False,
    )
    flyers.attach(event=event, content=table)

    text = pdf_text(render.flyer_pdf(event, "A4"))

    assert render.facts(event)["blocks"] == []
    assert "Draft" not in text


def test_flyer_without_blocks_keeps_its_pinned_footer(group, venue):
    event = make_event(group=group, venue=venue)

    page = render.html(render.facts(event), "A4")

    assert '<footer class="pinned">' in page
    assert 'class="blocks"' not in page


# --- fitting: smaller type, then a second page; never cut off


def long_cell(criterion: int, case: int) -> str:
    return (
        f"Cell {criterion}-{case}: at least {criterion * 1000 + case} people were displaced "
        "from their homes, according to the figures reported by two independent monitors "
        "over the same period of the occupation."
    )


@pytest.fixture
def big_table_event(group, venue):
    event = make_event(group=group, venue=venue, title="Twelve questions, six cases")
    criteria = [f"Criterion number {n}: is it the same standard?" for n in range(1, 13)]
    cases = [f"Case number {n}" for n in range(1, 7)]
    texts = {
        (criterion, case): long_cell(i, j)
        for i, criterion in enumerate(criteria, 1)
        for j, case in enumerate(cases, 1)
    }
    flyers.attach(
        event=event,
        content=make_table(group=group, criteria=criteria, cases=cases, texts=texts),
    )
    return event, criteria, cases, texts


@pytest.mark.parametrize("size", SIZES)
def test_12_by_6_table_is_all_there_and_inside_the_page(big_table_event, size):
    event, criteria, cases, texts = big_table_event

    content = render.flyer_pdf(event, size)

    whole = squeezed(" ".join(page_texts(content)))
    for label in criteria + cases:
        assert squeezed(label) in whole
    for text in texts.values():
        assert len(text.split()) >= 25
        assert squeezed(text) in whole
    for page in pages(content):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        runs = text_positions(page)
        assert runs
        outside = [(t, x, y) for t, x, y in runs if not (0 <= x <= width and 0 <= y <= height)]
        assert outside == []


def test_12_by_6_table_repeats_its_header_and_never_splits_a_row(big_table_event):
    event, criteria, _cases, _texts = big_table_event

    texts = page_texts(render.flyer_pdf(event, "A5"))

    assert len(texts) >= 2
    for text in texts[1:]:
        assert "Case number 1" in text  # the header row again, above the rest
    for n, criterion in enumerate(criteria, 1):
        holding = [i for i, text in enumerate(texts) if f"Cell {n}-" in text]
        assert len(holding) == 1, criterion  # a row's cells all on one page


def test_long_statement_flows_onto_a_second_page_and_loses_nothing(group, venue):
    event = make_event(group=group, venue=venue)
    paragraph = " ".join(f"Sentence {n} says why we meet." for n in range(1, 40))
    body = "\n\n".join(f"{paragraph} End of paragraph {p}." for p in range(1, 50))[:10_000]
    statement = flyers.create_statement(
        group=group, title="A long statement", body=body, dated="2024-06-03"
    )
    flyers.attach(event=event, content=statement)

    for size in SIZES:
        content = render.flyer_pdf(event, size)
        texts = page_texts(content)

        assert len(texts) >= 2
        assert squeezed(body) in squeezed(" ".join(texts))
        assert event.group.contact_email in texts[0]  # essentials stay on page 1
        for page in pages(content):
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            assert all(0 <= x <= width and 0 <= y <= height for _t, x, y in text_positions(page))


@pytest.mark.parametrize("size", SIZES)
def test_qr_code_stays_on_page_1_above_a_long_statement(group, venue, tmp_path, size):
    event = make_event(group=group, venue=venue)
    statement = flyers.create_statement(
        group=group, title="Long", body="Why we meet. " * 700, dated="2024-06-03"
    )
    flyers.attach(event=event, content=statement)

    image = first_page_png(render.flyer_pdf(event, size), tmp_path)

    assert zbar(image, tmp_path) == render.facts(event)["url"]


def test_more_text_gets_smaller_type(group, venue):
    event = make_event(group=group, venue=venue)
    statement = flyers.create_statement(
        group=group, title="Short", body="We meet.", dated="2024-06-03"
    )
    flyers.attach(event=event, content=statement)
    short = fitting.block_step(render.facts(event)["blocks"], "A4")
    flyers.update_statement(
        statement=statement, title="Long", body="Why we meet. " * 300, dated="2024-06-03"
    )

    assert fitting.block_step(render.facts(event)["blocks"], "A4") > short


# --- languages


ARABIC_TITLE = "من أوكرانيا إلى فلسطين"
ARABIC_BODY = "الاحتلال جريمة في كل مكان. نقف مع الشعوب التي تقاوم."
ARABIC_QUOTE = "الحرية لا تتجزأ"
ARABIC_SPEAKER = "متحدثة باسم المجموعة"
ARABIC_CELL = "أكثر من خمسة وسبعين عاما من الاحتلال"
UKRAINIAN_TITLE = "Від України до Палестини"
UKRAINIAN_BODY = "Окупація — це злочин. Ми стоїмо з народами, які чинять опір."
UKRAINIAN_CELL = "Повномасштабне вторгнення у 2022 році"


def multilingual_event(group, venue, language: str):
    event = make_event(group=group, venue=venue, title=ARABIC_TITLE, language=language)
    for title, body in ((ARABIC_TITLE, ARABIC_BODY), (UKRAINIAN_TITLE, UKRAINIAN_BODY)):
        flyers.attach(
            event=event,
            content=flyers.create_statement(
                group=group, title=title, body=body, dated="2024-06-03"
            ),
        )
    flyers.attach(
        event=event,
        content=flyers.create_quote(group=group, text=ARABIC_QUOTE, speaker=ARABIC_SPEAKER),
    )
    table = make_table(
        group=group,
        criteria=["الاحتلال؟"],
        cases=["فلسطين", "Україна"],
        texts={("الاحتلال؟", "فلسطين"): ARABIC_CELL, ("الاحتلال؟", "Україна"): UKRAINIAN_CELL},
    )
    flyers.attach(event=event, content=table)
    return event


def test_arabic_and_ukrainian_blocks_extract_in_reading_order_with_every_glyph(group, venue):
    event = multilingual_event(group, venue, "ar")

    content = render.flyer_pdf(event, "A4")

    fonts = pdf_fonts(content)
    assert {font["name"].split("+")[1] for font in fonts} == {
        "Turnout-Flyer",
        "Turnout-Flyer-Bold",
    }
    assert [font["emb"] for font in fonts] == ["yes"] * len(fonts)
    every = ARABIC_BODY + ARABIC_QUOTE + ARABIC_SPEAKER + ARABIC_CELL + UKRAINIAN_BODY
    for path in render.fonts().values():
        cmap = TTFont(path).getBestCmap()
        assert [c for c in every if not c.isspace() and ord(c) not in cmap] == []
    text = pdf_text(content)
    for expected in (
        ARABIC_TITLE,
        ARABIC_BODY,
        ARABIC_QUOTE,
        ARABIC_SPEAKER,
        ARABIC_CELL,
        UKRAINIAN_TITLE,
        UKRAINIAN_BODY,
        UKRAINIAN_CELL,
    ):
        assert expected in text


def test_arabic_flyer_table_runs_right_to_left(group, venue):
    event = multilingual_event(group, venue, "ar")

    content = render.flyer_pdf(event, "A4")

    blocks = render.facts(event)["blocks"]
    assert [b["title_dir"] for b in blocks if b["kind"] == "statement"] == ["rtl", "ltr"]
    palestine, ukraine = header_xs(content, "فلسطين", "Україна")
    assert palestine > ukraine  # the first case is the rightmost column


def test_english_flyer_table_runs_left_to_right(reference_event):
    content = render.flyer_pdf(reference_event, "A4")

    palestine, ukraine = header_xs(content, *CASES[:2])
    assert palestine < ukraine


# --- hostile text


class CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):
        CountingHandler.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback():
    """A local web server that counts the requests it gets: a flyer must send none."""
    CountingHandler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def hostile(base: str, field: str) -> str:
    return (
        f"{field}<script>alert(1)</script><img src={base}/{field}.png>"
        f"<style>body{{display:none}}</style>@import url({base}/{field}.css);"
    )


def test_hostile_text_in_every_field_stays_text_and_fetches_nothing(
    organiser, loopback, tmp_path, no_flyer_cache, caplog
):
    group = make_group(owner=organiser, name=hostile(loopback, "group")[:120], slug="hostile")
    venue = make_venue(
        group=group,
        name=hostile(loopback, "venue")[:120],
        address_line1=hostile(loopback, "address"),
        postcode="<b>X1</b>",
    )
    event = make_event(
        group=group,
        venue=venue,
        title=hostile(loopback, "title")[:150],
        tagline=hostile(loopback, "tagline")[:200],
    )
    body = (
        hostile(loopback, "body")
        + f"\n\n![picture]({loopback}/markdown.png) [link]({loopback}/link)"
        + f'\n\n<link rel="stylesheet" href="{loopback}/raw.css"> <iframe src="{loopback}/f">'
        + f"\n\n```css\nbody {{ background: url({loopback}/bg.png) }}\n```"
    )
    statement = flyers.create_statement(
        group=group, title=hostile(loopback, "statement")[:200], body=body, dated="2024-06-03"
    )
    quote = flyers.create_quote(
        group=group,
        text=hostile(loopback, "quote"),
        speaker=hostile(loopback, "speaker")[:200],
        role=hostile(loopback, "role")[:200],
        source_title=hostile(loopback, "source")[:300],
        source_url=f"{loopback}/source",
    )
    criterion, case = hostile(loopback, "criterion")[:200], hostile(loopback, "case")[:200]
    table = make_table(
        group=group,
        criteria=[criterion],
        cases=[case],
        texts={(criterion, case): hostile(loopback, "cell")},
        title=hostile(loopback, "table")[:150],
    )
    for content in (statement, quote, table):
        flyers.attach(event=event, content=content)
    shown = render.facts(event)
    caplog.set_level(logging.DEBUG, logger="weasyprint")

    page = render.html(shown, "A4")
    card_page = render.html(shown, render.SOCIAL)
    pdf = render.flyer_pdf(event, "A4")
    png = render.flyer_png(event)

    for html in (page, card_page):
        assert "<script" not in html and "<iframe" not in html and "<link" not in html
        assert html.count("<style>") == 1  # the template's own
        assert html.count("<img ") == 1  # the QR code
    text = squeezed(" ".join(page_texts(pdf)))
    for field in ("title", "tagline", "venue", "address", "statement", "body", "quote",
                  "speaker", "role", "source", "criterion", "case", "cell", "table"):  # fmt: skip
        assert squeezed(f"{field}<script>alert(1)</script>") in text, field
    assert squeezed(f"<img src={loopback}/cell.png>") in text
    assert squeezed(f"@import url({loopback}/body.css);") in text
    assert "<b>X1</b>" in text
    assert squeezed(f"Organised by {group.name}") in text
    assert squeezed(venue.name) in text
    assert CountingHandler.requests == []
    # Not even tried: WeasyPrint logs each resource its fetcher refuses.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size) == ("PNG", (1080, 1350))
    assert zbar(png, tmp_path) == shown["url"]
    assert len(pages(render.render_pdf(shown, render.SOCIAL, key="0" * 64))) == 1


def test_social_card_stays_one_page_whatever_the_lengths(group, no_flyer_cache, tmp_path):
    long = "Averyveryverylongwordwithoutspaces" * 6
    venue = make_venue(group=group, name=long[:120], address_line1=long[:200])
    event = make_event(
        group=group, venue=venue, title=("Long title " * 20)[:150], tagline=long[:200]
    )
    statement = flyers.create_statement(
        group=group, title=("Statement title " * 20)[:200], body="Text.", dated="2024-06-03"
    )
    flyers.attach(event=event, content=statement)
    shown = render.facts(event)

    card = render.render_pdf(shown, render.SOCIAL, key="0" * 64)

    assert len(pages(card)) == 1
    assert zbar(render.flyer_png(event), tmp_path) == shown["url"]


# --- the same bytes, and a new file when anything shown changes


def test_flyer_with_blocks_renders_the_same_bytes_twice(reference_event, no_flyer_cache):
    assert render.flyer_pdf(reference_event, "A4") == render.flyer_pdf(reference_event, "A4")
    assert render.flyer_png(reference_event) == render.flyer_png(reference_event)


def test_cache_key_changes_when_a_block_changes_moves_comes_or_goes(reference_event):
    keys = [render.flyer_pdf_key(reference_event, "A4")]
    statement = reference_event.blocks.get(statement__isnull=False).statement
    flyers.update_statement(
        statement=statement, title=statement.title, body="New words.", dated=statement.dated
    )
    keys.append(render.flyer_pdf_key(reference_event, "A4"))
    table = reference_event.blocks.get(comparison__isnull=False).comparison
    comparisons.set_cell(
        cell=cell_at(table, "Genocide?", "Israel in Palestine"), text="Yes, say the courts."
    )
    keys.append(render.flyer_pdf_key(reference_event, "A4"))
    block = EventBlock.objects.get(event=reference_event, quote__isnull=False)
    flyers.move_block(block=block, direction="up")
    keys.append(render.flyer_pdf_key(reference_event, "A4"))
    flyers.detach(block=block)
    keys.append(render.flyer_pdf_key(reference_event, "A4"))
    flyers.attach(event=reference_event, content=block.quote)
    keys.append(render.flyer_pdf_key(reference_event, "A4"))

    assert len(set(keys[:5])) == 5
    assert keys[5] == keys[2]  # the quote detached and attached again last: as it was
