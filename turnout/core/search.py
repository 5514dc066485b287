"""Text search by word prefix, alike in every script and on SQLite and PostgreSQL.

Databases disagree on case: SQLite's ``LIKE`` folds ASCII letters only ("київ" would not
find "Київ"), PostgreSQL's is case-sensitive, and collations differ between servers.
So nothing is left to the database: a model that is searched keeps a column of its
searchable text already normalised (``text``), written by the service that saves it, and
a search is a plain ``contains`` of each normalised query word with a space before it
(``lookups``), which both databases answer alike.

Normalised means: NFKC (one form for what looks the same: "ﬁ" is "fi"), ``casefold``
(full Unicode case folding: "Straße" is "strasse", "КИЇВ" is "київ"), and the combining
marks dropped (Arabic vowel marks are optional in writing, so "حقك" finds "حقّك"). Words
are runs of letters and digits; anything else splits them. The column holds the words
each with one space before it, so " solid" finds "Solidarity" at the start of a word
and "lidar" finds nothing in it. Django's ``contains`` escapes ``%``, ``_`` and ``\\``,
and a query keeps only letters and digits anyway: SQL or regex characters are text.
"""

import re
import unicodedata

from django.db.models import Q

# The longest query searched; the rest is dropped and the page says so.
MAX_QUERY_LENGTH = 100
WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The normalised words of ``text``."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    bare = "".join(c for c in folded if unicodedata.category(c) != "Mn")
    return WORD.findall(unicodedata.normalize("NFKC", bare))


def text(*parts: str) -> str:
    """What a search column holds for these texts: " word word …" (empty for none)."""
    return "".join(f" {word}" for part in parts for word in words(part or ""))


def lookups(query: str, *columns: str) -> Q:
    """Each word of ``query`` begins a word in one of ``columns`` (of the same normalised
    text); an empty Q when the query has no word."""
    condition = Q()
    for word in dict.fromkeys(words(query)):
        either = Q()
        for column in columns:
            either |= Q(**{f"{column}__contains": f" {word}"})
        condition &= either
    return condition
