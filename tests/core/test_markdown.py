"""Markdown from organisers keeps its formatting and can never run as HTML or script."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from turnout.core.markdown import ALLOWED_SCHEMES, ALLOWED_TAGS, render_markdown

REL = 'rel="nofollow noopener noreferrer"'


def test_render_markdown_keeps_bold_and_links():
    html = render_markdown("**bold** and [our site](https://example.org/about)")

    assert html == (
        '<p dir="auto"><strong>bold</strong> and '
        f'<a href="https://example.org/about" {REL}>our site</a></p>\n'
    )


def test_render_markdown_keeps_bullet_and_numbered_lists():
    html = render_markdown("- tea\n- biscuits\n\n1. listen\n2. argue")

    assert html == (
        '<ul>\n<li dir="auto">tea</li>\n<li dir="auto">biscuits</li>\n</ul>\n'
        '<ol>\n<li dir="auto">listen</li>\n<li dir="auto">argue</li>\n</ol>\n'
    )


def test_render_markdown_keeps_mailto_links():
    html = render_markdown("[write to us](mailto:uig@example.org)")

    assert html == f'<p dir="auto"><a href="mailto:uig@example.org" {REL}>write to us</a></p>\n'


def test_render_markdown_with_empty_text_is_empty():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_render_markdown_escapes_a_script_tag():
    html = render_markdown("<script>alert(1)</script>")

    assert html == '<p dir="auto">&lt;script&gt;alert(1)&lt;/script&gt;</p>\n'


def test_render_markdown_escapes_an_img_with_onerror():
    html = render_markdown('<img src="x" onerror="alert(1)">')

    assert html == '<p dir="auto">&lt;img src="x" onerror="alert(1)"&gt;</p>\n'


def test_render_markdown_escapes_raw_html():
    html = render_markdown('<b>raw</b> <a href="https://example.org" onclick="steal()">x</a>')

    assert html == (
        '<p dir="auto">&lt;b&gt;raw&lt;/b&gt; &lt;a href="https://example.org" '
        'onclick="steal()"&gt;x&lt;/a&gt;</p>\n'
    )


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "&#106;avascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
    ],
)
def test_render_markdown_refuses_dangerous_link_schemes(link):
    html = render_markdown(f"[click]({link})")

    assert "href" not in html
    assert html.startswith('<p dir="auto">[click](')


def test_render_markdown_drops_the_href_of_a_data_image_link():
    # markdown-it lets data:image/… through; nh3 removes the href.
    html = render_markdown("[click](data:image/png;base64,AAAA)")

    assert html == f'<p dir="auto"><a {REL}>click</a></p>\n'


def test_render_markdown_shows_code_as_text():
    html = render_markdown("`<script>` and\n\n```\n<img src=x onerror=alert(1)>\n```")

    assert html == (
        '<p dir="auto"><code>&lt;script&gt;</code> and</p>\n'
        "<pre><code>&lt;img src=x onerror=alert(1)&gt;\n</code></pre>\n"
    )


class _Tags(HTMLParser):
    """Every start tag of a fragment with its attributes (values unescaped)."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def _start_tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


HOSTILE_PIECES = [
    "<script>", "</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
    "<a href='javascript:alert(1)'>", "[x](", "](", ")", "javascript:", "JAVASCRIPT:",
    "java\tscript:", "&#106;", "data:text/html,", "data:image/png;base64,", " onclick=",
    '"', "'", "<", ">", "`", "**", "\n", "\n\n", "- ", "<https://", "mailto:", "https://e.org/",
    "&lt;", "<!--", "-->", "<iframe>", "<style>", "\\", "|", "|---|", "![i](",
]  # fmt: skip

hostile_markdown = st.lists(
    st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=5)), max_size=20
).map("".join)


@settings(max_examples=50, deadline=None)
@given(text=hostile_markdown)
def test_render_markdown_output_never_runs_script(text):
    html = render_markdown(text)

    # "<" from the input is always escaped, so every "<" left starts a tag we allow.
    assert "<script" not in html.lower()
    for tag, attrs in _start_tags(html):
        assert tag in ALLOWED_TAGS
        for name, value in attrs:
            assert not name.startswith("on")
            # Browsers ignore tabs and newlines inside a URL scheme.
            plain = re.sub(r"[\x00-\x20]", "", value or "").lower()
            assert "javascript:" not in plain
            assert "data:" not in plain
            scheme = re.match(r"([a-z][a-z0-9+.-]*):", plain)
            if name == "href" and scheme:
                assert scheme.group(1) in ALLOWED_SCHEMES


def test_render_markdown_moves_headings_down_one_level_under_the_page_title():
    assert (
        str(render_markdown("# Agenda\n\n## Speakers"))
        == '<h2 dir="auto">Agenda</h2>\n<h3 dir="auto">Speakers</h3>\n'
    )


def test_render_markdown_shows_images_as_their_alt_text_without_fetching_them():
    assert str(render_markdown("![a map of the route](https://tracker.example/p.png)")) == (
        '<p dir="auto">a map of the route</p>\n'
    )


def test_each_paragraph_takes_its_own_direction():
    """A description written in English and then in Arabic: each paragraph, item and
    heading reads in its own direction, not all in the first one's (issue 18)."""
    html = str(render_markdown("## Who\n\nFor everyone.\n\nللجميع، Olena أيضاً.\n\n- واحد\n- two"))

    assert '<h3 dir="auto">Who</h3>' in html
    assert '<p dir="auto">For everyone.</p>' in html
    assert '<p dir="auto">للجميع، Olena أيضاً.</p>' in html
    assert '<li dir="auto">واحد</li>' in html


def test_a_direction_typed_into_the_markdown_is_not_kept():
    html = str(render_markdown('<p dir="rtl">x</p>\n\nplain'))

    assert '<p dir="rtl">' not in html  # shown as text, as any HTML typed is
    assert html.endswith('<p dir="auto">plain</p>\n')
