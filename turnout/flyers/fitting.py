"""How big the blocks' type can be for them to fit page 1 under the essentials.

An estimate from how much text the blocks hold, in a few steps down to a floor that is
still readable; below the floor the blocks flow onto a second page instead.
``render.render_pdf`` checks the estimate against the real layout and tries the next
smaller step when blocks meant to fit one page did not. A change here changes flyers:
bump ``render.RENDER_VERSION`` with it.
"""

import math
import re

# The blocks' type sizes (pt), largest first; the last is the floor, below which more
# text flows onto a second page instead. See block_step().
BLOCK_STEPS = {"A4": (10.5, 9.5, 8.5, 7.8, 7.2), "A5": (7.8, 7.0, 6.4, 6.0)}
# The room the blocks have on page 1 under the essentials (height, width in pt: the
# page less its margins and a usual header) for block_step()'s estimate.
BLOCK_ROOM = {"A4": (768 - 280, 515), "A5": (544 - 200, 363)}
REGULAR_EM_PER_CHAR = 0.55  # DejaVu Sans, an average character of running text
# The estimate counts a whole line for every part line, and wraps short: measured
# flyers come out this much shorter.
ESTIMATE_SCALE = 0.72
ROOM_MARGIN = 0.94  # an estimate that nearly fills the room is taken not to fit


def _lines(text: str, width_pt: float, font_pt: float) -> int:
    """About how many lines ``text`` takes in a column ``width_pt`` wide."""
    per_line = max(1, int(width_pt / (font_pt * REGULAR_EM_PER_CHAR)))
    return sum(max(1, math.ceil(len(part) * 1.08 / per_line)) for part in text.split("\n"))


def blocks_height(blocks: list[dict], size: str, font_pt: float) -> float:
    """An estimate of the blocks' height (pt) in type of ``font_pt``: the same arithmetic
    as their CSS (line height 1.3, the gaps between blocks and paragraphs)."""
    _room, width = BLOCK_ROOM[size]
    line = font_pt * 1.3
    height = 0.0
    for block in blocks:
        height += 1.1 * font_pt  # the gap above each block
        if block["kind"] == "statement":
            text = re.sub(r"<[^>]+>", "", block["body_html"].replace("</p>", "\n"))
            height += _lines(block["title"], width, font_pt * 1.3) * line * 1.3
            height += _lines(text.strip(), width, font_pt) * line
            height += text.count("\n") * 0.5 * font_pt + line  # paragraph gaps, signature
        elif block["kind"] == "quote":
            height += _lines(block["text"], width - 2 * font_pt, font_pt * 1.1) * line * 1.1
            height += line
        else:
            columns = len(block["cases"]) + 1.3  # the criteria column is wider
            cell = width / columns - font_pt  # less the padding
            height += _lines(block["title"], width, font_pt * 1.15) * line * 1.15
            for labels in [[case["label"] for case in block["cases"]]] + [
                [cell["text"] for cell in row["cells"]] for row in block["rows"]
            ]:
                height += max(_lines(text, cell, font_pt) for text in labels) * line
                height += 0.5 * font_pt  # the cell's padding
            height += 2 * line  # where the sources are
    return height * ESTIMATE_SCALE


def block_step(blocks: list[dict], size: str) -> int:
    """The largest type (an index into BLOCK_STEPS[size]) in which the blocks fit the
    room on page 1; the smallest when they do not fit even so."""
    steps = BLOCK_STEPS[size]
    room, _width = BLOCK_ROOM[size]
    for index, font_pt in enumerate(steps):
        if blocks_height(blocks, size, font_pt) <= room * ROOM_MARGIN:
            return index
    return len(steps) - 1
