"""Slugs for groups and events: lower-case ASCII, and never a site path."""

import re

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

SLUG_MAX_LENGTH = 50
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# First path segments the site uses or will use; a group slug must not shadow them.
# tests/core/test_slugs.py checks every top-level URL pattern is listed here.
RESERVED_GROUP_SLUGS = frozenset(
    {
        "organise", "admin", "rsvp", "static", "media", "api", "accounts",
        "events.ics", "feed.atom", ".well-known", "u", "users", "nodeinfo",
        "events", "feed", "groups", "widget", "login", "logout", "signup",
        "about", "help", "search", "robots.txt", "favicon.ico", "sitemap.xml",
        "healthz", "new", "www", "mail", "flyers", "comparisons", "subscriptions",
        "language", "past", "federation",
    }
)  # fmt: skip


# Also given to the forms' slug fields, so every bad slug gets this one message.
SLUG_MESSAGE = _(
    "Use only lower-case letters a-z, digits and single hyphens between them, "
    "e.g. “tuesday-meeting”."
)


def validate_slug(value: str) -> None:
    if not SLUG_PATTERN.fullmatch(value or ""):
        raise ValidationError(SLUG_MESSAGE, code="invalid_slug")


def validate_group_slug(value: str) -> None:
    validate_slug(value)
    if value in RESERVED_GROUP_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is reserved by the site; choose another address."),
            code="reserved_slug",
            params={"slug": value},
        )


def slug_from(text: str, *, fallback: str, max_length: int = SLUG_MAX_LENGTH) -> str:
    """An ASCII slug from free text, cut between words; ``fallback`` when nothing is left."""
    slug = re.sub(r"[^a-z0-9-]", "", slugify(text))
    slug = re.sub(r"-{2,}", "-", slug).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_length]
    return slug or fallback
