"""Each language's catalogue is complete or the language is not offered (issue 18).

Every catalogue in turnout/locale holds every string of the source (extracted afresh
here, as ``make messages`` does), none fuzzy or untranslated, every plural form, no
English copied where a translation belongs, the language's own script in each; and its
compiled .mo says exactly what its .po says, so a catalogue edited but not compiled
(or compiled from another version) fails.
"""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.catalogues import LOCALE, languages, problems, read
from turnout.core import languages as offered

SOURCE = LOCALE.parent


def test_every_catalogue_is_offered_and_only_those():
    assert offered.offered() == ("en", *[code for code in ("uk", "ar") if code in languages()])


def test_every_entry_is_translated_in_the_languages_script():
    for language in languages():
        entries = read(LOCALE / language / "LC_MESSAGES" / "django.po")

        assert problems(language, entries) == []


def test_every_compiled_catalogue_says_what_its_po_says():
    for language in languages():
        assert_compiled_as_written(LOCALE / language / "LC_MESSAGES")


def assert_compiled_as_written(messages: Path) -> None:
    with open(messages / "django.mo", "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog
    expected = {}
    for entry in read(messages / "django.po"):
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[key] = entry.msgstr[0]
        else:
            expected.update({(key, n): text for n, text in enumerate(entry.msgstr)})

    assert {k: v for k, v in catalogue.items() if k != ""} == expected, messages


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[str, set]:
    """Every string of the source, extracted by ``makemessages`` from a copy of it."""
    copy = tmp_path_factory.mktemp("source") / "turnout"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "--settings=turnout.settings",
         "--no-location", "--ignore=migrations/*", *[f"-l{code}" for code in languages()]],
        cwd=copy, check=True, capture_output=True,
        env={"PATH": "/usr/bin:/bin", "TURNOUT_DEBUG": "1", "PYTHONPATH": str(SOURCE.parent)},
    )  # fmt: skip
    return {
        code: {entry.key for entry in read(copy / "locale" / code / "LC_MESSAGES" / "django.po")}
        for code in languages()
    }


def test_every_catalogue_holds_every_string_of_the_source(extracted):
    for language in languages():
        held = {entry.key for entry in read(LOCALE / language / "LC_MESSAGES" / "django.po")}

        assert sorted(extracted[language] - held, key=str) == [], "run `make messages`"
        assert sorted(held - extracted[language], key=str) == [], "run `make messages`"


def test_the_checks_find_what_they_look_for(tmp_path):
    """The reader and the rules, on a catalogue with one of each fault."""
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Register"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Seats"\nmsgstr "Місця"\n\n'
        'msgid "Cancel"\nmsgstr "Cancel"\n\n'
        'msgid "Your name"\nmsgstr "اسمك"\n\n'
        'msgid "%(n)s seat"\nmsgid_plural "%(n)s seats"\nmsgstr[0] "%(n)s місце"\n'
        'msgstr[1] "%(n)s місця"\n\n'
        'msgctxt "quote"\nmsgid "“%(text)s”"\nmsgstr "«%(text)s»"\n\n'
        'msgid "OK"\nmsgstr "OK"\n\n'
        'msgid "Door"\nmsgstr ""\n"Вхід"\n',
        encoding="utf-8",
    )

    found = problems("uk", read(po))

    assert [line.split(": ", 2)[2] for line in found] == [
        "untranslated",
        "fuzzy",
        "the English copied",
        "no letters of the uk script",
        "2 plural forms, not 4",
    ]
    assert Path(po).exists()
