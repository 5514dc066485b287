"""core.bidi: mixed-direction text split into runs of one direction for the PDFs, so
that their text reads in order; the layout, and so the page, stays the same."""

import io
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from turnout.core.bidi import for_pdf, isolated, levels

MIXED = [
    ("rtl", "لقاء مع Olena Koval في الساعة 7 مساءً"),
    ("rtl", "نقاش مع Amnesty UK و 3 منظمات، 12:30–14:00"),
    ("ltr", "Meeting at شارع 5 في today"),
    ("ltr", "Welcome evening with ليلى حداد and 12 families"),
    ("rtl", "(Olena) «مرحبا» 50% — Kyiv 2026!"),
]


def page(direction: str, text: str) -> str:
    return (
        f'<html dir="{direction}"><body style="font-family: DejaVu Sans; font-size: 18px">'
        f"<p>{text}</p></body></html>"
    )


def test_levels_follow_the_bidirectional_algorithm():
    # An English name in Arabic: the name one level up, the spaces around it Arabic.
    assert levels("مع Olena ok", 1) == [1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2]
    # Digits after Arabic letters are Arabic numbers (W2), two levels up in English.
    assert levels("a شارع 5", 0) == [0, 0, 1, 1, 1, 1, 1, 2]
    # After English, digits are English (W7); a trailing space goes back to the base (L1).
    assert levels("Kyiv 2026 ", 1) == [2, 2, 2, 2, 2, 2, 2, 2, 2, 1]
    # A plus sign between digits joins them (W4); a percent sign follows its number (W5).
    assert levels("1+2 50%", 1) == [2, 2, 2, 1, 2, 2, 2]


def test_each_run_gets_its_own_box_nested_as_its_levels():
    assert isolated("Meeting at شارع 5 في today", 0) == (
        'Meeting at <span dir="rtl">شارع <span dir="ltr">5</span> في</span> today'
    )
    assert isolated("لقاء مع Olena Koval", 1) == 'لقاء مع <span dir="ltr">Olena Koval</span>'
    assert isolated("Just English, 12 words", 0) == "Just English, 12 words"
    assert isolated("عربي فقط", 1) == "عربي فقط"


def test_the_document_keeps_its_markup_and_escaping():
    document = (
        '<!DOCTYPE html><html dir="rtl"><head><style>p::before { content: "a b"; }</style>'
        "</head><body><!-- note --><p>&lt;script&gt; مرحبا Olena &amp; co<br>ok</p>"
        '<p dir="auto">English first عربي</p><img src="data:x" alt="Olena مرحبا"></body></html>'
    )

    out = for_pdf(document)

    assert out.startswith(
        '<!DOCTYPE html><html dir="rtl"><head><style>p::before { content: "a b"; }'
    )
    assert "<!-- note -->" in out
    assert (
        '&lt;<span dir="ltr">script</span>&gt; مرحبا <span dir="ltr">Olena &amp; co</span>' in out
    )
    assert "<script>" not in out
    assert '<p dir="auto">English first <span dir="rtl">عربي</span></p>' in out
    assert 'alt="Olena مرحبا"' in out  # attributes are not text


class TextOf(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.depth = [], 0

    def handle_starttag(self, tag, attrs):
        self.depth += 1

    def handle_endtag(self, tag):
        self.depth -= 1

    def handle_data(self, data):
        self.text.append(data)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["rtl", "ltr", "auto"]),
    st.text(
        st.sampled_from(
            list("abc XYZ 0123456789 .,:;+-%$€#()[]«»—–'\"&<>\u200f\u200e")
            + list("لقاءمع ١٢٣ שלום")
            + ["\u0651", "\u064b", "é", "\U0001f600"]
        ),
        max_size=40,
    ),
)
def test_any_text_comes_out_the_same_text_in_balanced_boxes(direction, text):
    from html import escape

    out = for_pdf(f'<p dir="{direction}">{escape(text, quote=False)}</p>')

    parsed = TextOf()
    parsed.feed(out)
    parsed.close()
    assert "".join(parsed.text) == text
    assert parsed.depth == 0


@pytest.mark.parametrize(("direction", "text"), MIXED)
def test_the_page_looks_the_same(direction, text):
    """WeasyPrint lays the boxes out as it laid out the runs: no pixel changes by more
    than the smoothing of a glyph's edge."""
    import pypdfium2
    from PIL import ImageChops, ImageOps
    from weasyprint import HTML

    def rendered(document: str):
        pdf = pypdfium2.PdfDocument(io.BytesIO(HTML(string=document).write_pdf()))
        return pdf[0].render(scale=1).to_pil().convert("L")

    before, after = rendered(page(direction, text)), rendered(for_pdf(page(direction, text)))

    assert ImageOps.invert(before).getbbox() is not None  # some text was drawn
    changed = ImageChops.difference(before, after).point(lambda v: 255 if v > 128 else 0)
    assert changed.getbbox() is None
