"""Every string of every page is marked for translation (issue 18).

A pseudo-language, ``xx``, used only here and never offered, translates each entry of
the catalogue to itself between ⟦ and ⟧. Every page the URL resolver lists (the public
ones as a visitor, the organiser's as a logged-in organiser, an attendee's by its link)
is rendered in it: any visible text left outside the brackets, once the data the test
made (names, titles, addresses) and numbers are taken out, is a string nobody can
translate.
"""

import html.parser
import re
import subprocess
import zoneinfo

import pytest
from django.test import Client

from tests.catalogues import LOCALE, read
from tests.routes import fill, public_routes
from tests.test_urls_permissions import ACCOUNTS, BY_TOKEN, LOGIN_REQUIRED, World, url
from turnout.core import languages
from turnout.rsvp.links import token_for

PSEUDO = "xx"
MARKED = re.compile(r"⟦[^⟦⟧]*⟧")
# Words that come from Django's own catalogues (dates) or are the same in every language.
NAMES = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December", "am", "pm", "Turnout",
    "English", "Українська", "العربية", "OpenStreetMap", "UTC",
    "Pseudo",  # the pseudo-language's own name, in the language switcher
    "a", "p", "m", "noon", "midnight",  # Django's "7 p.m." outside English
    "Jan", "Feb", "Aug", "Sept", "Oct", "Nov", "Dec",  # its "Dec. 7, 2026"
}  # fmt: skip
# The time zone menus list zones by their names, the same in every language.
ZONES = {zone.replace("_", " ") for zone in zoneinfo.available_timezones()}
ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}


# Not read as the page's words: code, and what a form field holds (data, or code to copy).
UNREAD = ("script", "style", "template", "textarea", "code", "pre")
# Tags inside a sentence; every other tag ends a line of text.
INLINE = {"a", "strong", "em", "b", "i", "span", "bdi", "time", "abbr", "small", "kbd"}


class Text(html.parser.HTMLParser):
    """The text a reader sees, as lines: the page's text (one line per block of it, so
    that a sentence marked around a <strong> stays whole) and the attributes read aloud
    or shown."""

    def __init__(self):
        super().__init__()
        self.parts, self.text, self.hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in UNREAD:
            self.hidden += 1
        if tag not in INLINE:
            self.text.append("\n")
        self.parts += [value for name, value in attrs if name in ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in UNREAD:
            self.hidden -= 1
        if tag not in INLINE:
            self.text.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.text.append(data)

    def close(self):
        super().close()
        self.parts += [line for line in "".join(self.text).split("\n") if line.strip()]


def pseudo_catalogue(directory) -> None:
    """A catalogue for ``xx`` from the Ukrainian one's entries, each its own English
    between brackets."""
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"',
             '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"', ""]  # fmt: skip

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    for entry in read(LOCALE / "uk" / "LC_MESSAGES" / "django.po"):
        if entry.msgctxt is not None:
            lines.append(f"msgctxt {quoted(entry.msgctxt)}")
        lines.append(f"msgid {quoted(entry.msgid)}")
        if entry.msgid_plural is None:
            lines.append(f"msgstr {quoted('⟦' + entry.msgid + '⟧')}")
        else:
            lines.append(f"msgid_plural {quoted(entry.msgid_plural)}")
            lines.append(f"msgstr[0] {quoted('⟦' + entry.msgid + '⟧')}")
            lines.append(f"msgstr[1] {quoted('⟦' + entry.msgid_plural + '⟧')}")
        lines.append("")
    messages = directory / PSEUDO / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "django.po").write_text("\n".join(lines), encoding="utf-8")
    subprocess.run(
        ["msgfmt", "-o", str(messages / "django.mo"), str(messages / "django.po")], check=True
    )


@pytest.fixture
def pseudo(settings, tmp_path):
    pseudo_catalogue(tmp_path)
    settings.LOCALE_PATHS = [tmp_path]
    settings.LANGUAGES = [*settings.LANGUAGES, (PSEUDO, "Pseudo")]
    languages.offered.cache_clear()
    yield
    languages.offered.cache_clear()


def public_paths(world: World) -> list[str]:
    """Every route outside /organise/ and /admin/, filled in."""
    values = {
        "group": world.group.slug,
        "event": world.event.slug,
        "comparison": world.comparison.slug,
        "token": token_for(world.registration),
        "federation_id": world.group.federation_id,  # the group's: its actor and collections
    }
    return [fill(path, **values) for _name, path in public_routes()]


def unmarked(page: str, data: list[str]) -> list[str]:
    """The visible text of ``page`` that is neither marked, nor data, nor a name."""
    reader = Text()
    reader.feed(page)
    reader.close()
    left = []
    for part in reader.parts:
        text = part
        while MARKED.search(text):
            text = MARKED.sub(" ", text)
        # Addresses, links, paths and time zone names are the same in every language.
        if text.strip() in ZONES:
            continue
        text = re.sub(r"\S+@\S+|https?://\S+|webcal://\S+|/\S*/", " ", text)
        for value in sorted(filter(None, data), key=len, reverse=True):
            text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", text)
        words = [w for w in re.findall(r"[^\W\d_]+", text) if w not in NAMES]
        if words:
            left.append(" ".join(part.split())[:120])
    return left


def world_data(world: World) -> list[str]:
    """Everything the test's data put on the pages, as typed."""
    venue = world.venue
    return [
        world.group.name, world.group.about, world.event.title, world.draft.title,
        venue.name, venue.address_line1, venue.city, venue.postcode,
        world.announcement.subject, world.announcement.body, world.registration.name,
        world.import_source.name, "Picnic", "Allied picnic calendar", world.comparison.title,
        "Cost", "A", world.statement_block.statement.title, "Not yet.", "Secret words.",
        world.quote.speaker, "Olena Organiser", "Group", "London", "Why *these* cases.",
        world.meeting_message.subject,
        "Why these cases.",
    ]  # fmt: skip


@pytest.fixture
def world(organiser, group, venue, event):
    return World(organiser=organiser, group=group, venue=venue, event=event)


def test_every_page_is_marked_for_translation(pseudo, world, organiser):
    organiser_client = Client(HTTP_ACCEPT_LANGUAGE=PSEUDO)
    organiser_client.force_login(organiser)
    visitor = Client(HTTP_ACCEPT_LANGUAGE=PSEUDO)
    pages = [(visitor, path) for path in public_paths(world)]
    pages += [(visitor, url(world, *route)) for route in BY_TOKEN + ACCOUNTS]
    pages += [(organiser_client, url(world, *route)) for route in LOGIN_REQUIRED]
    data = world_data(world)
    found = {}
    rendered = 0
    for client, path in pages:
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        rendered += 1
        assert 'lang="xx"' in response.content.decode(), path
        if left := unmarked(response.content.decode(), data):
            found[path] = left

    assert rendered > 40
    assert found == {}, "\n".join(f"{path}: {left}" for path, left in found.items())
