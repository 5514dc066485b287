"""Markdown from users, rendered to HTML that can never run as script.

markdown-it renders with raw HTML switched off, then nh3 keeps only the tags,
attributes and link schemes listed here, so ``<script>`` and ``javascript:``
links become harmless text whatever the renderer lets through.

Headings move down one level ("# Agenda" becomes an <h2>: the page has its own
<h1>), and images show as their alt text: a user's Markdown never makes a
visitor's browser fetch from another server.

Pages show the rendering stored beside each source (``turnout.core.rendered``), made
under ``render_version()``: a digest of everything here that shapes the output (the
renderer's options and rules, the allow-lists) and of markdown-it's and nh3's own
versions, so that changing any of them marks every stored rendering stale without
anyone remembering to bump a number.
"""

import functools
import hashlib
import importlib.metadata
import inspect

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt


def _shift_headings(state) -> None:
    for token in state.tokens:
        if token.type in {"heading_open", "heading_close"}:
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"


def _image_as_alt_text(renderer, tokens, idx, options, env) -> str:
    return renderer.renderInline(tokens[idx].children or [], options, env)


RENDERER_OPTIONS = {"preset": "commonmark", "html": False, "linkify": False, "enable": ("table",)}
_renderer = MarkdownIt(
    RENDERER_OPTIONS["preset"],
    {"html": RENDERER_OPTIONS["html"], "linkify": RENDERER_OPTIONS["linkify"]},
).enable(list(RENDERER_OPTIONS["enable"]))
_renderer.core.ruler.push("shift_headings", _shift_headings)
_renderer.add_render_rule("image", _image_as_alt_text)

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
# Each block takes the direction of its own first letters: a description may have a
# paragraph in English and the next in Arabic (the page's dir="auto" sees only one).
OWN_DIRECTION = {
    tag: {"dir": "auto"}
    for tag in ("p", "li", "blockquote", "h2", "h3", "h4", "h5", "h6", "th", "td")
}


LINK_REL = "nofollow noopener noreferrer"
# The libraries whose releases may change the output: their versions are in the digest.
LIBRARIES = ("markdown-it-py", "nh3")


def _code_of(function) -> str:
    """A rule's source, or its bytecode where the source is not installed."""
    try:
        return inspect.getsource(function)
    except OSError:
        return repr((function.__code__.co_code, function.__code__.co_consts))


def render_version() -> str:
    """A short digest of what shapes ``render_markdown``'s output, computed afresh."""
    settings = (
        sorted(RENDERER_OPTIONS.items()),
        [_code_of(rule) for rule in (_shift_headings, _image_as_alt_text)],
        sorted(ALLOWED_TAGS),
        sorted((tag, sorted(names)) for tag, names in ALLOWED_ATTRIBUTES.items()),
        sorted(ALLOWED_SCHEMES),
        sorted((tag, sorted(values.items())) for tag, values in OWN_DIRECTION.items()),
        LINK_REL,
        [(name, importlib.metadata.version(name)) for name in LIBRARIES],
    )
    return hashlib.sha256(repr(settings).encode()).hexdigest()[:12]


@functools.cache
def current_version() -> str:
    """``render_version()`` as this process started: once per process."""
    return render_version()


@functools.lru_cache(maxsize=128)
def render_markdown(text: str) -> SafeString:
    """Sanitised HTML of the Markdown; the same text is rendered once per process."""
    html = _renderer.render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        set_tag_attribute_values=OWN_DIRECTION,
        link_rel=LINK_REL,
    )
    return mark_safe(clean)  # noqa: S308 -- nh3 has just sanitised it
