"""The check in ``make lint`` that keeps physical left/right out of the stylesheets."""

import pytest

from tests.stylesheets import breaches_in_css, css_of_template, stylesheet_breaches


def test_stylesheets_have_no_physical_left_or_right():
    assert stylesheet_breaches() == []


@pytest.mark.parametrize(
    "css",
    [
        ".a { margin-left: 1rem; }",
        ".a { padding-right: 0; }",
        ".a { border-left: 4px solid; }",
        ".a { border-right-color: red; }",
        ".a { border-top-left-radius: 4px; }",
        ".a { scroll-margin-left: 1rem; }",
        ".skip { position: absolute; left: -999px; }",
        ".a{right:0}",
        ".a { text-align: left; }",
        ".a { text-align: right !important; }",
        ".a { float: right; }",
        ".a { clear: left; }",
        ".a { background-position: right 1rem top; }",
        ".a { transform-origin: left center; }",
        ".a { margin: 0 1rem 0 2rem; }",
        ".a { padding: 1px 2px 3px 4px; }",
        ".a { inset: 0 auto 0 0; }",
        ".a { border-radius: 8px 0 0 8px; }",
    ],
)
def test_check_catches_a_planted_physical_property(css):
    assert len(breaches_in_css(css)) == 1, css


@pytest.mark.parametrize(
    "css",
    [
        ".a { margin-inline-start: 1rem; padding-inline-end: 0; }",
        ".a { border-inline-start: 4px solid; inset-inline-start: 1rem; }",
        ".a { text-align: start; float: inline-start; clear: inline-end; }",
        ".a { margin: 0 1rem 0 1rem; padding: 1px 2px 3px; border-radius: var(--radius); }",
        ".a { border-start-start-radius: 4px; }",
        '.a::before { content: "left right"; }  /* left: -999px in a comment */',
        "a:hover { text-decoration-thickness: 2px; }",
        ".left-of-x { color: red; }",
    ],
)
def test_check_lets_logical_properties_pass(css):
    assert breaches_in_css(css) == []


def test_check_reads_style_blocks_and_attributes_of_templates():
    html = '<style>\n.a { margin: 0; }\n.b { left: 0; }\n</style>\n<p style="float: left">x</p>'

    found = [
        (first + n - 1, what)
        for first, css in css_of_template(html)
        for n, what in breaches_in_css(css)
    ]

    assert found == [(3, "the property left"), (5, "float: left")]


def test_check_names_file_and_line_of_a_planted_property(tmp_path):
    sheet = tmp_path / "turnout" / "core" / "static" / "turnout" / "site.css"
    sheet.parent.mkdir(parents=True)
    sheet.write_text(".a { color: red; }\n.skip { left: -999px; }\n")

    assert stylesheet_breaches(tmp_path) == [
        "turnout/core/static/turnout/site.css:2: the property left: "
        "use a logical property (inline-start/end, text-align: start)"
    ]
