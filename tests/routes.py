"""The site's public routes, read from the URL resolver: what the tests that walk every
public page (leaks, listings, unmarked strings) go through, so that a route added later
is walked too."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

PLACEHOLDER = re.compile(r"<(?:\w+:)?(\w+)>")


def public_routes() -> list[tuple[str, str]]:
    """(namespace:name, path pattern) of every route outside /organise/ and /admin/, and
    apart from /media/ (the stored pictures, under random names: files, not pages; served
    by Turnout in the demo and tests only, tests/events/test_pictures.py)."""
    found = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace)
            elif isinstance(pattern, URLPattern):
                found.append((f"{namespace}:{pattern.name}", prefix + str(pattern.pattern)))

    walk(get_resolver().url_patterns, "/", None)
    left_out = ("/organise", "/admin", "/media/")
    return [(name, path) for name, path in found if not path.startswith(left_out)]


def placeholders(path: str) -> set[str]:
    """The names a path pattern takes: {"group", "event"} for <slug:group>/events/<slug:event>/."""
    return set(PLACEHOLDER.findall(path))


def fill(path: str, **values) -> str:
    """The path pattern with its placeholders given: fill(path, group="uig", event=...)."""
    return PLACEHOLDER.sub(lambda match: str(values[match[1]]), path)
