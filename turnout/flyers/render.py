"""Flyers: an event's essentials and a QR code of its page, typeset by WeasyPrint.

``flyer_pdf(event, size)`` gives an A4 or A5 sheet to print; ``flyer_png(event)`` a
1080x1350 social card with its own layout, rasterised from its own PDF page. Both are
deterministic (the same facts give the same bytes) and cached on disk by a hash of
those facts, the size and the templates (``turnout.flyers.cache``).

Nothing a flyer shows is fetched: the templates' only resources are the QR code (a
``data:`` URI) and the DejaVu Sans font files, and ``LocalOnlyFetcher`` refuses
every other URL, so text an organiser typed can never make the server fetch anything.
"""

import functools
import hashlib
import io
import json
import unicodedata
from pathlib import Path

from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from turnout.core import timefmt
from turnout.core.links import absolute_url
from turnout.flyers import cache

SIZES = ("A4", "A5")
SOCIAL = "social"
# Bump when the rendering changes in a way the templates' text does not show.
RENDER_VERSION = "1"
RTL_LANGUAGES = {"ar", "he", "fa", "ur"}
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core
FONT_FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}
TEXT_FIELDS = ("title", "tagline", "venue", "address", "group")
TEMPLATES = ("flyers/flyer.html", "flyers/social.html")
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


class UnknownSize(ValueError):
    """A flyer size other than those in ``SIZES``."""


def fonts() -> dict[str, Path]:
    return {weight: FONT_DIR / name for weight, name in FONT_FILES.items()}


def facts(event) -> dict[str, str | bool]:
    """Every text the flyer shows, formatted in the event's language: the hash of this
    (with the size and the templates) names the cached file."""
    with translation.override(event.language):
        venue = event.venue
        return {
            "lang": event.language,
            "dir": "rtl" if event.language in RTL_LANGUAGES else "ltr",
            "title": event.title,
            "tagline": event.tagline,
            "cancelled": event.status == event.Status.CANCELLED,
            **_when(event),
            "venue": venue.name if venue else _("Online"),
            "address": ", ".join(
                part for part in (venue.address_line1, venue.address_line2, venue.city) if part
            )
            if venue
            else "",
            "postcode": venue.postcode if venue else "",
            "group": event.group.name,
            "contact": event.group.contact_email,
            "url": absolute_url("public:event", group=event.group.slug, event=event.slug),
        }


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
    time = pgettext("from a time to a time", "%(start)s – %(end)s") % {
        "start": timefmt.clock(start),
        "end": timefmt.clock(end),
    }
    return {"day": day, "time": f"{time} ({zone})" if zone else time}


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


def flyer_pdf(event, size: str = "A4") -> bytes:
    """The printable flyer, from the cache when these facts were rendered before."""
    check_size(size)
    shown = facts(event)
    key = cache_key(shown, size)
    return cache.get_or_make(key, "pdf", lambda: render_pdf(shown, size, key=key))


def flyer_pdf_key(event, size: str = "A4") -> str:
    """The hash that names this flyer (an ETag)."""
    return cache_key(facts(event), check_size(size))


def flyer_png(event) -> bytes:
    """The 1080x1350 social card as PNG, from the cache when rendered before."""
    shown = facts(event)
    key = cache_key(shown, SOCIAL)
    return cache.get_or_make(key, "png", lambda: render_png(shown, key=key))


def flyer_png_key(event) -> str:
    return cache_key(facts(event), SOCIAL)


def qr_data_uri(url: str) -> str:
    import segno

    return segno.make(url, error="m", micro=False).svg_data_uri(
        border=4, dark="#000", light="#fff", omitsize=True
    )


def title_size(title: str, size: str) -> str:
    """The title's font size in rem: long titles get smaller type, and the longest word
    must fit the line, rather than running off the page or breaking mid-word."""
    length = len(title)
    longest_word = max((len(word) for word in title.split()), default=1)
    biggest = next(rem for limit, rem in TITLE_STEPS[size] if length <= limit)
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


def html(shown: dict, size: str) -> str:
    """The flyer's HTML (also what a test or a reviewer can open in a browser)."""
    template = "flyers/social.html" if size == SOCIAL else "flyers/flyer.html"
    context = {
        "f": shown,
        "page": PAGES[size],
        "size": size,
        "fonts": {weight: path.as_uri() for weight, path in fonts().items()},
        "qr": qr_data_uri(shown["url"]),
        "title_size": title_size(shown["title"], size),
        "dirs": {name: text_dir(shown[name], shown["dir"]) for name in TEXT_FIELDS},
        # Statement, quote and comparison blocks, in the organiser's order (later).
        "blocks": [],
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


def render_pdf(shown: dict, size: str, *, key: str) -> bytes:
    """Typeset without the cache. No dates in the metadata and a fixed file identifier
    (from ``key``), so the same input gives the same bytes in any process."""
    from weasyprint import HTML  # slow to import: only here
    from weasyprint.text.fonts import FontConfiguration

    document = HTML(string=html(shown, size), base_url=None, url_fetcher=_fetcher())
    return document.write_pdf(font_config=FontConfiguration(), pdf_identifier=key[:32].encode())


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
