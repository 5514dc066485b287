"""No physical left or right in the stylesheets: right to left by logical properties.

A page in Arabic sets ``dir="rtl"`` and the browser mirrors everything written with
logical properties (``margin-inline-start``, ``inset-inline-end``, ``text-align: start``,
``border-inline-start``…). A physical ``left``/``right`` stays where it is and breaks the
mirrored page (the old skip link's ``left: -999px`` opened a phone onto 999 px of
nothing). This check reads every stylesheet under ``turnout/*/static``, the ``<style>``
blocks and ``style`` attributes of the templates, and refuses:

- a property named for a side: ``margin-left``, ``padding-right``, ``border-left-color``,
  ``border-top-right-radius``, ``scroll-margin-right``, and ``left:`` / ``right:``;
- ``left`` or ``right`` as a value: ``text-align: left``, ``float: right``,
  ``clear: left``, ``background-position: right``, ``transform-origin: left``;
- a four-value ``margin``/``padding``/``inset``/``border-*`` shorthand whose left and
  right differ, and a ``border-radius`` with more than one value (its corners are
  physical).

``python -m tests.stylesheets`` (in ``make lint``) prints each breach and exits 1 if
there is one.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The physical left/right allowed, by file, each with why. Only what no browser shows.
ALLOWED = {
    # The flyer and its social card are rendered by WeasyPrint (which does know logical
    # properties: their other rules use them). They align every paragraph with the
    # flyer's own direction, even an English title on an Arabic flyer (dir="ltr" on its
    # own element), which text-align: start (the element's direction) cannot say and
    # WeasyPrint has no text-align: match-parent; so one rule per page direction.
    "turnout/flyers/templates/flyers/flyer.html": {"text-align: right", "text-align: left"},
    "turnout/flyers/templates/flyers/social.html": {"text-align: right", "text-align: left"},
}

SIDE_PROPERTY = re.compile(
    r"(?:^|[;{\s])((?:[a-z-]+-)?(?:left|right)(?:-[a-z-]+)?)\s*:", re.IGNORECASE
)
SIDE_VALUE = re.compile(r"(?:^|[;{\s])([a-z-]+)\s*:\s*([^;{}]*\b(?:left|right)\b[^;{}]*)", re.I)
SHORTHAND = re.compile(
    r"(?:^|[;{\s])(margin|padding|inset|scroll-margin|scroll-padding|border-width|"
    r"border-style|border-color)\s*:\s*([^;{}!]+)",
    re.IGNORECASE,
)
RADIUS = re.compile(r"(?:^|[;{\s])(border-radius)\s*:\s*([^;{}!]+)", re.IGNORECASE)
COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
STRING = re.compile(r"\"[^\"]*\"|'[^']*'")
STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle=(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def _blank(match: re.Match) -> str:
    """Keep a comment's or string's newlines so line numbers still count right."""
    return re.sub(r"[^\n]", " ", match.group(0))


def _values(text: str) -> list[str]:
    """The space-separated values of a shorthand, a calc() or var() kept whole."""
    return re.findall(r"(?:[a-z-]+\([^)]*\)|[^\s()]+)", text.strip(), re.IGNORECASE)


def breaches_in_css(css: str) -> list[tuple[int, str]]:
    """(line, what) for every physical left/right in a piece of CSS."""
    css = STRING.sub(_blank, COMMENT.sub(_blank, css))
    found = []

    def line(match: re.Match) -> int:
        return css.count("\n", 0, match.start(1)) + 1

    for match in SIDE_PROPERTY.finditer(css):
        found.append((line(match), f"the property {match.group(1)}"))
    for match in SIDE_VALUE.finditer(css):
        found.append((line(match), f"{match.group(1)}: {match.group(2).strip()}"))
    for match in SHORTHAND.finditer(css):
        values = _values(match.group(2))
        if len(values) == 4 and values[1] != values[3]:
            found.append((line(match), f"{match.group(1)}: {' '.join(values)} (left ≠ right)"))
    for match in RADIUS.finditer(css):
        if len(_values(match.group(2).split("/")[0])) > 1:
            found.append((line(match), f"border-radius: {match.group(2).strip()} (corners)"))
    return sorted(set(found))


def css_of_template(html: str) -> list[tuple[int, str]]:
    """(first line, CSS) of each <style> block and style attribute of a template."""
    pieces = []
    for match in STYLE_BLOCK.finditer(html):
        pieces.append((html.count("\n", 0, match.start(1)) + 1, match.group(1)))
    for match in STYLE_ATTRIBUTE.finditer(html):
        css = match.group(1) if match.group(1) is not None else match.group(2)
        pieces.append((html.count("\n", 0, match.start()) + 1, css))
    return pieces


def stylesheet_breaches(root: Path = ROOT) -> list[str]:
    breaches = []
    sheets = sorted((root / "turnout").glob("*/static/**/*.css"))
    templates = sorted((root / "turnout").glob("*/templates/**/*.html"))
    for path in sheets + templates:
        where = path.relative_to(root).as_posix()
        text = path.read_text()
        pieces = [(1, text)] if path.suffix == ".css" else css_of_template(text)
        for first, css in pieces:
            for n, what in breaches_in_css(css):
                if what in ALLOWED.get(where, ()):
                    continue
                breaches.append(
                    f"{where}:{first + n - 1}: {what}: use a logical property "
                    "(inline-start/end, text-align: start)"
                )
    return breaches


def main() -> int:
    breaches = stylesheet_breaches()
    for breach in breaches:
        print(breach)
    print(f"stylesheets: {len(breaches)} physical left/right")
    return 1 if breaches else 0


if __name__ == "__main__":
    sys.exit(main())
