"""Markdown from users, rendered to HTML that can never run as script.

markdown-it renders with raw HTML switched off, then nh3 keeps only the tags,
attributes and link schemes listed here, so ``<script>`` and ``javascript:``
links become harmless text whatever the renderer lets through.

Headings move down one level ("# Agenda" becomes an <h2>: the page has its own
<h1>), and images show as their alt text: a user's Markdown never makes a
visitor's browser fetch from another server.
"""

import functools

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt


def _shift_headings(state) -> None:
    for token in state.tokens:
        if token.type in {"heading_open", "heading_close"}:
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"


def _image_as_alt_text(renderer, tokens, idx, options, env) -> str:
    return renderer.renderInline(tokens[idx].children or [], options, env)


_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
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
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 -- nh3 has just sanitised it
