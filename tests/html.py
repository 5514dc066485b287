"""Helpers for tests that read HTML pages."""

import re

# The site's own static scripts (/static/<app>/*.js), which pages may load (the
# Content-Security-Policy allows scripts from the site alone).
OWN_SCRIPT = re.compile(r'<script src="/static/[\w-]+/[\w.-]+\.js" defer></script>')


def without_own_scripts(html: str) -> str:
    """The page without the site's own script elements: what is left of ``<script`` is
    JSON-LD or text that got through unescaped."""
    return OWN_SCRIPT.sub("", html)
