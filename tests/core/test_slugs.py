"""Group and event slugs: lower-case ASCII, and a group never shadows a site path."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import URLResolver
from hypothesis import given, settings
from hypothesis import strategies as st

from turnout.core.slugs import (
    RESERVED_GROUP_SLUGS,
    SLUG_MAX_LENGTH,
    slug_from,
    validate_group_slug,
    validate_slug,
)
from turnout.pages import urls

INVALID = (
    "Use only lower-case letters a-z, digits and single hyphens between them, "
    "e.g. “tuesday-meeting”."
)


@pytest.mark.parametrize("slug", ["uig", "tuesday-meeting", "meeting-2026-06-09", "a", "9"])
def test_validate_slug_accepts_lower_case_ascii_with_hyphens(slug):
    validate_slug(slug)
    validate_group_slug(slug)


@pytest.mark.parametrize(
    "slug",
    [
        "a/b", "/", "..", "a..b", "../etc", "two words", " uig", "uig ", "Uig", "UIG",
        "київ", "café", "", "-uig", "uig-", "-", "a--b", "a_b", "a.b", "uig\n", "a%2Fb",
    ],
)  # fmt: skip
def test_validate_slug_refuses_anything_else(slug):
    with pytest.raises(ValidationError) as exc:
        validate_slug(slug)

    assert exc.value.messages == [INVALID]
    assert exc.value.code == "invalid_slug"


@pytest.mark.parametrize("slug", ["a/b", "..", "two words", "Uig", "київ", "", "-uig", "uig-"])
def test_validate_group_slug_refuses_a_bad_shape_with_the_same_message(slug):
    with pytest.raises(ValidationError) as exc:
        validate_group_slug(slug)

    assert exc.value.messages == [INVALID]


@pytest.mark.parametrize(
    "slug", ["organise", "admin", "rsvp", "static", "media", "api", "accounts", "u", "users",
             "nodeinfo"],
)  # fmt: skip
def test_validate_group_slug_refuses_reserved_words(slug):
    with pytest.raises(ValidationError) as exc:
        validate_group_slug(slug)

    assert exc.value.messages == [f"“{slug}” is reserved by the site; choose another address."]
    assert exc.value.code == "reserved_slug"


@pytest.mark.parametrize("slug", ["events.ics", "feed.atom", ".well-known"])
def test_validate_group_slug_refuses_reserved_paths_with_dots_by_shape(slug):
    with pytest.raises(ValidationError) as exc:
        validate_group_slug(slug)

    assert exc.value.messages == [INVALID]


@pytest.mark.parametrize("slug", sorted(RESERVED_GROUP_SLUGS))
def test_validate_group_slug_refuses_every_reserved_slug(slug):
    with pytest.raises(ValidationError):
        validate_group_slug(slug)


def test_validate_slug_allows_reserved_words_for_events():
    # Event slugs live under /<group>/events/, so "admin" shadows nothing there.
    validate_slug("admin")


def _first_segments(patterns, prefix: str = "") -> set[str]:
    """Literal first path segments of a URLconf, looking inside includes mounted at ""."""
    segments = set()
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^")
        first, slash, _rest = route.partition("/")
        if first and "<" not in first and "(" not in first:
            segments.add(first.removesuffix("$"))
        elif not first and not slash and isinstance(pattern, URLResolver):
            segments |= _first_segments(pattern.url_patterns, route)
    return segments


def test_reserved_group_slugs_cover_every_first_path_segment_of_the_site():
    segments = _first_segments(urls.urlpatterns)

    assert segments >= {"admin", "organise"}
    assert segments - RESERVED_GROUP_SLUGS == set()


def test_slug_from_makes_an_ascii_slug_from_a_title():
    assert slug_from("What internationalism means!", fallback="event") == (
        "what-internationalism-means"
    )
    assert slug_from("Café  Zürich -- 2026", fallback="event") == "cafe-zurich-2026"


def test_slug_from_falls_back_for_a_non_ascii_title():
    assert slug_from("Київ", fallback="group") == "group"
    assert slug_from("Що таке інтернаціоналізм", fallback="event") == "event"
    assert slug_from("", fallback="group") == "group"


def test_slug_from_keeps_at_most_the_maximum_length():
    slug = slug_from("word " * 40, fallback="event")

    assert len(slug) <= SLUG_MAX_LENGTH
    assert slug == "-".join(["word"] * 10)


@settings(max_examples=50, deadline=None)
@given(text=st.text(max_size=80))
def test_slug_from_always_gives_a_valid_slug(text):
    slug = slug_from(text, fallback="group")

    validate_slug(slug)
    assert len(slug) <= SLUG_MAX_LENGTH


@settings(max_examples=50, deadline=None)
@given(text=st.text(max_size=20))
def test_validate_group_slug_lets_through_only_safe_ascii(text):
    try:
        validate_group_slug(text)
    except ValidationError:
        return

    assert text.isascii()
    assert text == text.lower()
    assert "/" not in text
    assert "." not in text
    assert text not in RESERVED_GROUP_SLUGS


def test_slug_from_cuts_between_words_not_inside_one():
    assert slug_from("solidarity " * 10, fallback="event", max_length=38) == (
        "solidarity-solidarity-solidarity"
    )


def test_slug_from_cuts_a_single_long_word_at_the_maximum():
    assert slug_from("a" * 60, fallback="event", max_length=38) == "a" * 38
