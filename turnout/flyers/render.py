"""Flyers: an event's essentials and a QR code of its page, typeset by WeasyPrint.

``flyer_pdf(event, size)`` gives an A4 or A5 sheet to print; ``flyer_png(event)`` a
1080x1350 social card with its own layout, rasterised from its own PDF page. Both are
deterministic (the same facts give the same bytes) and cached on disk by a hash of
those facts, the size and the templates (``turnout.flyers.cache``).

Under the essentials come the event's blocks (statements, quotes and comparison
tables, in the organiser's order), in type chosen from how much text they hold
(``block_step``) so that a usual amount fits one page; more flows onto a second page,
a table row never split, nothing cut off. The QR code then sits beside the details.

Nothing a flyer shows is fetched: the templates' only resources are the QR code and the
meeting's picture (``data:`` URIs) and the DejaVu Sans font files, and ``LocalOnlyFetcher`` refuses
every other URL, so text an organiser typed can never make the server fetch anything.
"""

import functools
import hashlib
import io
import json
import unicodedata
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from turnout.core import bidi, timefmt
from turnout.core.links import absolute_url
from turnout.events import places
from turnout.flyers import cache, selectors
from turnout.flyers.fitting import BLOCK_STEPS, block_step
from turnout.flyers.picture import picture_fact, picture_uri

SIZES = ("A4", "A5")
SOCIAL = "social"
# Bump when the rendering changes in a way the templates' text does not show.
RENDER_VERSION = "5"
RTL_LANGUAGES = {"ar", "he", "fa", "ur"}
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core
FONT_FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}
TEXT_FIELDS = ("title", "tagline", "venue", "address", "group")
TEMPLATES = (
    "flyers/flyer.html",
    "flyers/social.html",
    "flyers/blocks/statement.html",
    "flyers/blocks/quote.html",
    "flyers/blocks/comparison.html",
)
# Page box, margins (room for home and corner-shop printers, which cannot print to
# the edge) and the root font size that every other size is relative to.
PAGES = {
    "A4": {"size": "A4", "margin": "14mm 14mm 12mm", "base": "12.5pt"},
    "A5": {"size": "A5", "margin": "10mm 10mm 8mm", "base": "8.8pt"},
    SOCIAL: {"size": "1080px 1350px", "margin": "0", "base": "26px"},
}
SOCIAL_PIXELS = (1080, 1350)
# Title sizes (rem) by length, the width of a line (rem) and how wide a bold character
# is on average (em, DejaVu Sans Bold with some room): see title_size().
_STEPS = ((30, 5.0), (55, 3.6), (90, 2.8), (10**6, 2.1))
TITLE_STEPS = {"A4": _STEPS, "A5": _STEPS, SOCIAL: ((30, 4.4), (55, 3.4), (90, 2.6), (10**6, 2))}
LINE_WIDTH_REM = {"A4": 41.0, "A5": 41.0, SOCIAL: 35.0}
BOLD_EM_PER_CHAR = 0.74
TITLE_SMALLEST = 1.6
# With blocks under them the essentials take less room: the title's type is scaled down.
COMPACT_TITLE = 0.5


class UnknownSize(ValueError):
    """A flyer size other than those in ``SIZES``."""


def fonts() -> dict[str, Path]:
    return {weight: FONT_DIR / name for weight, name in FONT_FILES.items()}


def facts(event) -> dict:
    """Every text the flyer shows, formatted in the event's language: the hash of this
    (with the size and the templates) names the cached file."""
    with translation.override(event.language):
        place = places.public_place(event)  # a flyer is public: only the area if private
        direction = "rtl" if event.language in RTL_LANGUAGES else "ltr"
        return {
            "lang": event.language,
            "dir": direction,
            "title": event.title,
            "tagline": event.tagline,
            "cancelled": event.status == event.Status.CANCELLED,
            **_when(event),
            "venue": place.name if place else _("Online"),
            "address": _address(place),
            "postcode": place.postcode if place else "",
            "group": event.group.name,
            "contact": event.group.contact_email,
            "url": absolute_url("public:event", group=event.group.slug, event=event.slug),
            "blocks": _blocks(event, direction),
            "picture": picture_fact(event),
        }


def _address(place: places.Place | None) -> str:
    """The street and town, or, for an address kept for confirmed attendees, where to
    find it (in the event's language: the caller's)."""
    if place is None:
        return ""
    if place.hidden:
        return _("The address is sent to people whose place is confirmed.")
    return ", ".join(part for part in (place.street, place.city) if part)


def _date(day) -> str:
    return timefmt.long_date(day) if day else ""


def _blocks(event, direction: str) -> list[dict]:
    blocks = [_block(shown, event, direction) for shown in selectors.event_blocks(event)]
    return [block for block in blocks if block]


def _block(shown, event, direction: str) -> dict | None:
    """One block as plain data (it is part of the cache key), each text with its own
    direction."""
    content = shown.content
    if shown.kind == "statement":
        return {
            "kind": "statement",
            "title": content.title,
            "title_dir": text_dir(content.title, direction),
            "body_html": str(content.body_html),
            "body_dir": text_dir(content.body, direction),
            "signed": event.group.name,
            "signed_dir": text_dir(event.group.name, direction),
            "date": _date(content.dated),
        }
    if shown.kind == "quote":
        return {
            "kind": "quote",
            "text": content.text,
            "text_dir": text_dir(content.text, direction),
            "speaker": content.speaker,
            "role": content.role,
            "by_dir": text_dir(content.speaker + content.role, direction),
            "date": _date(content.said_on),
            "source_title": content.source_title,
            "source_dir": text_dir(content.source_title, direction),
            # On paper a web address is only its host: nobody types a long one in.
            "source_host": urlsplit(content.source_url).hostname or "",
        }
    return _comparison(shown, event.group, direction)


def _comparison(shown, group, direction: str) -> dict | None:
    """The assessed cases only (``selectors.event_blocks``): the comparison's own page
    also shows those not assessed yet, and where every figure comes from. A table with
    no case assessed yet has nothing to show on paper."""
    comparison, table = shown.content, shown.table
    if not table.cases:
        return None
    return {
        "kind": "comparison",
        "title": comparison.title,
        "title_dir": text_dir(comparison.title, direction),
        "cases": [
            {"label": case.label, "dir": text_dir(case.label, direction)} for case in table.cases
        ],
        "rows": [
            {
                "label": criterion.label,
                "dir": text_dir(criterion.label, direction),
                "cells": [_cell(cell.text, direction) for cell in cells],
            }
            for criterion, cells in table.rows
        ],
        "all_cases": not shown.not_assessed,
        # The criteria column: narrower when there are more cases to fit beside it.
        "criteria_width": "23%"
        if len(table.cases) <= 2
        else "19%"
        if len(table.cases) <= 4
        else "15%",
        "sources": absolute_url("public:comparison", group=group.slug, comparison=comparison.slug),
    }


def _cell(text: str, direction: str) -> dict:
    shown = text or _("Not yet assessed")  # a case assessed against some criteria only
    return {"text": shown, "dir": text_dir(shown, direction), "assessed": bool(text)}


def _when(event) -> dict[str, str]:
    """The day ("Tuesday 11 June") and the time ("7pm – 9pm") on lines of their own."""
    if event.all_day:
        return {"day": timefmt.all_day(event.start_date, event.end_date), "time": ""}
    start, end = event.local_start, event.local_end
    zone = event.time_zone.replace("_", " ") if event.time_zone != event.group.time_zone else ""
    if start.date() != end.date():
        return {"day": timefmt.when(start, end, zone_label=zone), "time": ""}
    from django.utils import timezone

    day = timefmt.day(start, with_year=start.year != timezone.now().year)
    time = timefmt.span(timefmt.clock(start), timefmt.clock(end))
    return {"day": day, "time": timefmt.zoned(time, zone) if zone else time}


@functools.cache
def _templates_digest() -> str:
    digest = hashlib.sha256(RENDER_VERSION.encode())
    for name in TEMPLATES:
        digest.update(Path(get_template(name).origin.name).read_bytes())
    return digest.hexdigest()


def cache_key(shown: dict, size: str) -> str:
    from weasyprint import __version__ as weasyprint_version

    payload = json.dumps(
        [shown, size, _templates_digest(), weasyprint_version, [str(p) for p in fonts().values()]],
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def check_size(size: str) -> str:
    if size not in SIZES:
        raise UnknownSize(size)
    return size


def prepare(event, size: str) -> tuple[str, Callable[[], bytes]]:
    """The flyer's hash (its ETag) and a function that gives its bytes, from the cache
    when these facts were rendered before: the event and its blocks are read once."""
    shown = facts(event)
    if size == SOCIAL:
        key = cache_key(shown, SOCIAL)
        return key, lambda: cache.get_or_make(key, "png", lambda: render_png(shown, key=key))
    key = cache_key(shown, check_size(size))
    return key, lambda: cache.get_or_make(key, "pdf", lambda: render_pdf(shown, size, key=key))


def flyer_pdf(event, size: str = "A4") -> bytes:
    """The printable flyer."""
    _key, make = prepare(event, size)
    return make()


def flyer_pdf_key(event, size: str = "A4") -> str:
    """The hash that names this flyer (an ETag)."""
    key, _make = prepare(event, size)
    return key


def flyer_png(event) -> bytes:
    """The 1080x1350 social card as PNG."""
    _key, make = prepare(event, SOCIAL)
    return make()


def flyer_png_key(event) -> str:
    key, _make = prepare(event, SOCIAL)
    return key


def qr_data_uri(url: str) -> str:
    import segno

    return segno.make(url, error="m", micro=False).svg_data_uri(
        border=4, dark="#000", light="#fff", omitsize=True
    )


def title_size(title: str, size: str, *, compact: bool = False) -> str:
    """The title's font size in rem: long titles get smaller type, and the longest word
    must fit the line, rather than running off the page or breaking mid-word. A
    ``compact`` title (blocks under it) is smaller still."""
    length = len(title)
    longest_word = max((len(word) for word in title.split()), default=1)
    biggest = next(rem for limit, rem in TITLE_STEPS[size] if length <= limit)
    if compact:
        biggest = max(TITLE_SMALLEST, biggest * COMPACT_TITLE)
    fits_word = LINE_WIDTH_REM[size] / (longest_word * BOLD_EM_PER_CHAR)
    return f"{max(TITLE_SMALLEST, min(biggest, fits_word)):.2f}rem"  # never a decimal comma


def text_dir(text: str, default: str) -> str:
    """The direction "rtl" when the first letter with a direction is right-to-left (Arabic, Hebrew),
    so that a Latin address on an Arabic flyer, or the reverse, reads in its own order."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return default


def html(shown: dict, size: str, step: int | None = None) -> str:
    """The flyer's HTML (also what a test or a reviewer can open in a browser); ``step``
    picks the blocks' type (BLOCK_STEPS), by default from how much text they hold."""
    social = size == SOCIAL
    template = "flyers/social.html" if social else "flyers/flyer.html"
    blocks = [] if social else shown["blocks"]
    headline = _headline(shown) if social else ""
    if blocks and step is None:
        step = block_step(blocks, size)
    # One step past the smallest type: the essentials are set smaller too (see render_pdf).
    dense = bool(blocks) and step >= len(BLOCK_STEPS[size])
    context = {
        "f": shown,
        "page": PAGES[size],
        "size": size,
        "fonts": {weight: path.as_uri() for weight, path in fonts().items()},
        "qr": qr_data_uri(shown["url"]),
        "title_size": f"{TITLE_SMALLEST:.2f}rem"
        if dense
        else title_size(shown["title"], size, compact=bool(blocks)),
        "dirs": {name: text_dir(shown[name], shown["dir"]) for name in TEXT_FIELDS},
        # Statement, quote and comparison blocks, in the organiser's order.
        "blocks": blocks,
        "block_pt": f"{BLOCK_STEPS[size][min(step, len(BLOCK_STEPS[size]) - 1)]:.1f}pt"
        if blocks
        else "",
        "dense": dense,
        "headline": headline,
        "headline_dir": text_dir(headline, shown["dir"]),
        "picture": picture_uri(shown["picture"], social=social, a4=size == "A4"),
    }
    with translation.override(shown["lang"]):
        return render_to_string(template, context)


def _fetcher():
    from weasyprint import URLFetcher

    allowed = {path.as_uri() for path in fonts().values()}

    class LocalOnlyFetcher(URLFetcher):
        """Fetches ``data:`` URIs and the flyer's font files; refuses everything else."""

        def fetch(self, url, headers=None):
            if url.startswith("data:") or url in allowed:
                return super().fetch(url, headers)
            raise ValueError(f"flyers fetch nothing from outside: {url[:80]}")

    return LocalOnlyFetcher(allowed_protocols=("data", "file"))


def _headline(shown: dict) -> str:
    """The social card's line under the tagline: the first statement's title, if any."""
    return next((b["title"] for b in shown["blocks"] if b["kind"] == "statement"), "")


def render_pdf(shown: dict, size: str, *, key: str) -> bytes:
    """Typeset without the cache. No dates in the metadata and a fixed file identifier
    (from ``key``), so the same input gives the same bytes in any process.

    The blocks' type is first chosen by estimate (``block_step``); while they run past
    page 1, the next smaller type is tried, down to the floor (BLOCK_STEPS), and then
    once more with the essentials set smaller ("dense"); what still does not fit
    continues on page 2."""
    from weasyprint import HTML  # slow to import: only here
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    step = block_step(shown["blocks"], size) if size != SOCIAL and shown["blocks"] else None
    while True:
        page = bidi.for_pdf(html(shown, size, step))  # mixed directions read in order
        source = HTML(string=page, base_url=None, url_fetcher=_fetcher())
        document = source.render(font_config=font_config)
        if step is None or len(document.pages) == 1 or step == len(BLOCK_STEPS[size]):
            break
        step += 1
    return document.write_pdf(pdf_identifier=key[:32].encode())


def render_png(shown: dict, *, key: str) -> bytes:
    """The social card's own PDF page rasterised to exactly 1080x1350 pixels."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(render_pdf(shown, SOCIAL, key=key))
    try:
        page = pdf[0]
        width_px, _height = SOCIAL_PIXELS
        bitmap = page.render(scale=width_px / page.get_width())
        image = bitmap.to_pil().convert("RGB")
        if image.size != SOCIAL_PIXELS:  # rounding: never off by more than a pixel
            image = image.resize(SOCIAL_PIXELS)
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()
    finally:
        pdf.close()
