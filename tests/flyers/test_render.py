"""Flyer PDFs and the social card: what they show, in which fonts, the same every time."""

import io
import subprocess
import sys

import pytest
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader

from tests.factories import make_event
from tests.flyers.helpers import pdf_fonts, pdf_text
from tests.processes import ROOT, worker_env
from turnout.flyers import cache, render


def _day(event) -> str:
    start = event.local_start
    return f"{start:%A} {start.day} {start:%B}"


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_flyer_pdf_text_holds_the_meeting_s_essentials(event, size):
    text = pdf_text(render.flyer_pdf(event, size))

    for expected in (
        "What internationalism means",
        _day(event),
        "7pm – 9pm",
        "Community Centre",
        "62 Marchmont St, London, WC1N 1AB",
        "Organised by Ukraine Information Group",
        event.group.contact_email,
    ):
        assert expected in text
    # The URL under the QR code, which may wrap at any of its slashes or hyphens.
    assert f"http://127.0.0.1:8000/uig/events/{event.slug}/" in text.replace(" ", "")


@pytest.mark.parametrize(("size", "points"), [("A4", (595, 842)), ("A5", (420, 595))])
def test_flyer_pdf_is_one_page_of_its_paper_size(event, size, points):
    (page,) = PdfReader(io.BytesIO(render.flyer_pdf(event, size))).pages

    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == points


def test_flyer_pdf_embeds_every_font(event):
    fonts = pdf_fonts(render.flyer_pdf(event, "A4"))

    assert fonts
    assert [font["emb"] for font in fonts] == ["yes"] * len(fonts)


ARABIC_TITLE = "ما معنى الأممية"
ARABIC_TAGLINE = "توحيد نضالات فلسطين وأوكرانيا"
UKRAINIAN_TITLE = "Що означає інтернаціоналізм"
UKRAINIAN_TAGLINE = "Об'єднати боротьбу Палестини, України та інших"


@pytest.mark.parametrize(
    ("language", "title", "tagline"),
    [("ar", ARABIC_TITLE, ARABIC_TAGLINE), ("uk", UKRAINIAN_TITLE, UKRAINIAN_TAGLINE)],
)
def test_flyer_in_arabic_or_ukrainian_has_every_glyph_in_the_shipped_font(
    group, venue, language, title, tagline
):
    event = make_event(group=group, venue=venue, title=title, tagline=tagline, language=language)

    content = render.flyer_pdf(event, "A4")

    # Only the flyer's own fonts were used (no fallback to another font for a missing
    # glyph), every one embedded, and that font has a glyph for every letter.
    fonts = pdf_fonts(content)
    assert {font["name"].split("+")[1] for font in fonts} == {
        "Turnout-Flyer",
        "Turnout-Flyer-Bold",
    }
    for path in render.fonts().values():
        cmap = TTFont(path).getBestCmap()
        assert [c for c in title + tagline if not c.isspace() and ord(c) not in cmap] == []
    # The text extracts in reading order (pypdf, not pdftotext: it scrambles ligatures).
    text = pdf_text(content)
    assert title in text
    assert tagline in text


def test_arabic_flyer_runs_right_to_left(group, venue):
    event = make_event(group=group, venue=venue, title=ARABIC_TITLE, language="ar")

    page = render.html(render.facts(event), "A4")

    assert '<html lang="ar" dir="rtl">' in page
    assert '<h1 dir="rtl"' in page


def test_long_title_gets_smaller_type_and_stays_on_the_page(group, venue):
    title = "A very long meeting title " * 5 + "Supercalifragilisticexpialidocious"
    event = make_event(group=group, venue=venue, title=title[:150])

    content = render.flyer_pdf(event, "A5")

    assert len(PdfReader(io.BytesIO(content)).pages) == 1
    assert " ".join(title[:150].split()) in pdf_text(content)
    assert render.title_size(title[:150], "A5") < render.title_size("Short", "A5")


def test_hostile_title_stays_text_and_fetches_nothing(group, venue):
    hostile = "</style><script>alert(1)</script> @import url(http://127.0.0.1:9/x.css);"
    event = make_event(
        group=group,
        venue=venue,
        title=hostile[:150],
        tagline='<img src="http://127.0.0.1:9/y.png">',
    )

    page = render.html(render.facts(event), "A4")
    text = pdf_text(render.flyer_pdf(event, "A4"))

    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "alert(1)" in text and "@import url(http://127.0.0.1:9/x.css);" in text
    assert '<img src="http://127.0.0.1:9/y.png">' in text


def test_flyer_fetcher_refuses_everything_but_data_and_its_fonts():
    fetcher = render._fetcher()
    font = next(iter(render.fonts().values())).as_uri()

    for url in ("http://127.0.0.1:9/x.css", "file:///etc/passwd", "https://example.org/"):
        with pytest.raises(ValueError, match="fetch nothing"):
            fetcher(url)
    assert fetcher("data:text/plain,ok").read() == b"ok"
    assert fetcher(font).read(4) == b"\x00\x01\x00\x00"  # a TrueType font


def test_unknown_size_is_refused(event):
    with pytest.raises(render.UnknownSize):
        render.flyer_pdf(event, "Letter2")


def test_cache_hit_is_a_file_read(event):
    first = render.flyer_pdf(event, "A4")
    key = render.flyer_pdf_key(event, "A4")
    assert cache.read(key, "pdf") == first
    # What is on disk is what is sent: proof that a hit does not render again.
    cache.write(key, "pdf", b"%PDF-cached")

    assert render.flyer_pdf(event, "A4") == b"%PDF-cached"


def test_cache_key_changes_with_what_the_flyer_shows(event):
    before = render.flyer_pdf_key(event, "A4")
    event.tagline = "Another tagline"

    assert render.flyer_pdf_key(event, "A4") != before
    assert render.flyer_pdf_key(event, "A5") != render.flyer_pdf_key(event, "A4")


def test_flyer_renders_byte_identical_in_separate_processes(transactional_db, tmp_path):
    from tests.factories import make_group, make_venue

    group = make_group(name="Ukraine Information Group", slug="uig")
    event = make_event(group=group, venue=make_venue(group=group), title="Same bytes")
    outputs = []
    for n in (1, 2):
        out = tmp_path / f"flyer-{n}.pdf"
        done = subprocess.run(
            [sys.executable, "-m", "turnout.cli", "flyer", f"uig/{event.slug}", "-o", str(out)],
            env=worker_env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        outputs.append(out.read_bytes())

    assert outputs[0] == outputs[1]
    assert outputs[0].startswith(b"%PDF-")
    assert b"/CreationDate" not in outputs[0]


def test_social_card_is_a_1080_by_1350_png_the_same_every_time(event, no_flyer_cache):
    first, second = render.flyer_png(event), render.flyer_png(event)

    assert first == second
    image = Image.open(io.BytesIO(first))
    assert (image.format, image.size) == ("PNG", (1080, 1350))


def zbar(image: bytes, tmp_path) -> str:
    """What zbarimg (Debian's zbar-tools) reads in a PNG: the QR code's text."""
    path = tmp_path / "image.png"
    path.write_bytes(image)
    found = subprocess.run(["zbarimg", "--raw", "-q", str(path)], capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    return found.stdout.strip()


def test_social_card_qr_code_decodes_to_the_event_page(event, tmp_path):
    assert zbar(render.flyer_png(event), tmp_path) == render.facts(event)["url"]


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_printed_flyer_qr_code_decodes_to_the_event_page(event, tmp_path, size):
    pdf = tmp_path / "flyer.pdf"
    pdf.write_bytes(render.flyer_pdf(event, size))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", pdf, tmp_path / "page"], check=True
    )

    assert zbar((tmp_path / "page.png").read_bytes(), tmp_path) == render.facts(event)["url"]
