"""Mixed-direction text in PDFs, kept in reading order for whoever reads the file's text.

WeasyPrint lays out a line mixing Arabic with English names or numbers correctly, but
draws its runs from left to right, and a PDF's text is read in drawing order: copy and
paste, screen readers and search got "Olena Koval لقاء مع" for "لقاء مع Olena Koval".
It draws each inline box in document order, though, placing the boxes of a
right-to-left box from the right. So ``for_pdf`` gives each directional run of a text
its own box: a ``<span dir>`` for each run the Unicode bidirectional algorithm puts
above the text's level, nested as the levels are. The page looks the same and reads in
order.

``levels`` is that algorithm for one paragraph of plain text (the rules of UAX #9 for
weak types, neutrals and implicit levels; explicit embedding marks count as neutral),
which is what the text people type holds.
"""

import html
import unicodedata
from html.parser import HTMLParser

_STRONG = {"L": "L", "R": "R", "AL": "R"}
_NEUTRAL = {"B", "S", "WS", "ON", "BN"}
_RAW_TEXT = {"style", "script", "title", "textarea"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


def _resolved_types(text: str, base: int) -> list[str]:
    """Each character's type after the weak-type rules (W1-W7)."""
    sos = "R" if base % 2 else "L"
    types = [unicodedata.bidirectional(ch) or "L" for ch in text]
    previous, last_strong = sos, sos
    for i, kind in enumerate(types):
        if kind == "NSM":  # W1
            kind = previous if previous not in {"LRI", "RLI", "FSI", "PDI"} else "ON"
        if kind == "EN" and last_strong == "AL":  # W2
            kind = "AN"
        if kind in ("L", "R", "AL"):
            last_strong = kind
        types[i] = previous = "R" if kind == "AL" else kind  # W3
    for i in range(1, len(types) - 1):  # W4
        before, after = types[i - 1], types[i + 1]
        if types[i] == "ES" and before == after == "EN":
            types[i] = "EN"
        elif types[i] == "CS" and before == after and before in ("EN", "AN"):
            types[i] = before
    for i, kind in enumerate(types):  # W5: European terminators next to a number
        if kind == "EN":
            for step in (-1, 1):
                j = i + step
                while 0 <= j < len(types) and types[j] == "ET":
                    types[j] = "EN"
                    j += step
    last_strong = sos
    for i, kind in enumerate(types):
        if kind in ("ES", "ET", "CS"):  # W6
            types[i] = kind = "ON"
        if kind in ("L", "R"):
            last_strong = kind
        elif kind == "EN" and last_strong == "L":  # W7
            types[i] = "L"
    return types


def levels(text: str, base: int) -> list[int]:
    """The embedding level of each character of ``text`` in a paragraph of level
    ``base`` (0: left to right, 1: right to left)."""
    types = _resolved_types(text, base)
    embedding = "R" if base % 2 else "L"
    direction = [
        _STRONG.get(kind, "R" if kind in ("EN", "AN") else None)
        for kind in types  # numbers count as R next to neutrals (N1)
    ]
    i = 0
    while i < len(types):  # N1, N2: a run of neutrals takes its neighbours' direction
        if direction[i] is not None:
            i += 1
            continue
        end = i
        while end < len(types) and direction[end] is None:
            end += 1
        before = direction[i - 1] if i else embedding
        after = direction[end] if end < len(types) else embedding
        for j in range(i, end):
            direction[j] = before if before == after else embedding
        i = end
    found = []
    for kind, way in zip(types, direction, strict=True):
        if base % 2 == 0:  # I1
            level = base + (2 if kind in ("EN", "AN") else 1 if way == "R" else 0)
        else:  # I2
            level = base + (1 if way == "L" or kind in ("EN", "AN") else 0)
        found.append(level)
    end = len(text)  # L1: white space at the end goes back to the paragraph's level
    while end and types[end - 1] in _NEUTRAL and text[end - 1].isspace():
        end -= 1
        found[end] = base
    return found


def isolated(text: str, base: int) -> str:
    """``text`` as HTML, each run above ``base`` in a ``<span dir>`` of its own."""
    found = levels(text, base)
    if all(level == base for level in found):
        return html.escape(text, quote=False)
    return _nest(list(zip(text, found, strict=True)), base)


def _nest(chars: list[tuple[str, int]], level: int) -> str:
    out, i = [], 0
    while i < len(chars):
        j = i
        if chars[i][1] == level:
            while j < len(chars) and chars[j][1] == level:
                j += 1
            out.append(html.escape("".join(ch for ch, _ in chars[i:j]), quote=False))
        else:
            while j < len(chars) and chars[j][1] > level:
                j += 1
            inner = _nest(chars[i:j], level + 1)
            out.append(f'<span dir="{"rtl" if level % 2 == 0 else "ltr"}">{inner}</span>')
        i = j
    return "".join(out)


def _first_strong(text: str) -> int | None:
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in _STRONG:
            return 0 if kind == "L" else 1
    return None


class _Isolator(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[tuple[str, str | None]] = []  # (tag, its dir attribute)

    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text())
        if tag not in _VOID:
            self.open.append((tag, dict(attrs).get("dir")))

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                del self.open[i:]
                break

    def handle_data(self, data):
        if self.open and self.open[-1][0] in _RAW_TEXT:
            self.out.append(data)
            return
        self.out.append(isolated(data, self._base(data)))

    def _base(self, data: str) -> int:
        for _tag, direction in reversed(self.open):
            if direction == "rtl":
                return 1
            if direction == "ltr":
                return 0
            if direction == "auto":
                return _first_strong(data) or 0
        return 0

    def handle_comment(self, data):
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")


def for_pdf(document: str) -> str:
    """The HTML ``document`` with every mixed-direction text in runs of one direction."""
    parser = _Isolator()
    parser.feed(document)
    parser.close()
    return "".join(parser.out)
