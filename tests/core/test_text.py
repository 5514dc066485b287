"""core.text.shorten: a text cut to fit a list, at a word boundary, with an ellipsis."""

from hypothesis import given
from hypothesis import strategies as st

from turnout.core.text import shorten

QUOTE = (
    "The goals declared by Israel for its ongoing operation against Hamas militants "
    "in Gaza seem nearly identical to those put forward by Moscow"
)


def test_a_long_text_ends_at_the_last_whole_word_with_an_ellipsis():
    # Cut at 60 characters, the last word would read "again" instead of "against".
    assert shorten(QUOTE, 60) == "The goals declared by Israel for its ongoing operation…"


def test_a_short_text_is_left_as_it_is():
    assert shorten("Everyone welcome.", 60) == "Everyone welcome."
    assert shorten(QUOTE[:60], 60) == QUOTE[:60]


def test_no_comma_or_space_before_the_ellipsis():
    assert shorten("Come, all of you, to the hall tonight", 18) == "Come, all of you…"


def test_one_long_word_is_cut_inside_it():
    assert shorten("Antidisestablishmentarianism", 10) == "Antidises…"


@given(st.text(max_size=300), st.integers(min_value=2, max_value=200))
def test_never_longer_than_the_limit_and_always_a_start_of_the_text(text, limit):
    short = shorten(text, limit)

    assert len(short) <= limit
    assert short == text or (short.endswith("…") and text.startswith(short[:-1]))
