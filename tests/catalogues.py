"""Reading Turnout's translation catalogues (``turnout/locale/<code>/LC_MESSAGES/
django.po``) for the checks in tests/test_catalogues.py.

A small reader of the subset of the PO format that ``makemessages`` writes: comments,
flags, ``msgctxt``, ``msgid``, ``msgid_plural``, ``msgstr`` and ``msgstr[N]``, each
value one or more quoted lines.
"""

import ast
import dataclasses
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "turnout" / "locale"
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (\".*\")$")
# Entries whose translation may equal the English: names and codes, the same in every
# language, strings with no letters outside their placeholders ("“%(text)s”"), and
# Django date formats ("l j F Y", "g:i\p\m"), whose letters are codes or, escaped,
# the English words a translation replaces ("pm").
SAME_EVERYWHERE = {"OK", "Turnout", "Mastodon", "Mobilizon", "WhatsApp", "Telegram", "Signal"}
DATE_FORMAT = re.compile(r"[A-Za-z](\\[A-Za-z])*([ ,./:-]+[A-Za-z](\\[A-Za-z])*)*")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
SCRIPTS = {"uk": re.compile("[\u0400-\u04ff]"), "ar": re.compile("[\u0600-\u06ff]")}
# Django's own plural rules for these languages: forms a count can take.
PLURAL_FORMS = {"uk": 4, "ar": 6}


@dataclasses.dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = dataclasses.field(default_factory=list)
    flags: set[str] = dataclasses.field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str]:
        return self.msgctxt, self.msgid

    def may_stay_english(self) -> bool:
        return (
            self.msgid in SAME_EVERYWHERE
            or not re.search(r"[^\W\d_]", PLACEHOLDER.sub("", self.msgid))
            or DATE_FORMAT.fullmatch(self.msgid) is not None
        )


def read(path: Path) -> list[Entry]:
    """The entries of a .po file, its header (the entry with an empty msgid) left out."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        fields: dict[str, list[str]] = {}
        flags: set[str] = set()
        current = None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif match := KEYWORD.match(line):
                current = match[1]
                fields[current] = [match[3]]
            elif line.startswith('"') and current:
                fields[current].append(line)
        text = {
            name: "".join(ast.literal_eval(part) for part in parts)
            for name, parts in fields.items()
        }
        if not text.get("msgid"):
            continue
        plural = "msgid_plural" in text
        strings = (
            [
                text[name]
                for name in sorted(
                    (n for n in text if n.startswith("msgstr[")), key=lambda n: int(n[7:-1])
                )
            ]
            if plural
            else [text.get("msgstr", "")]
        )
        entries.append(
            Entry(
                msgid=text["msgid"],
                msgctxt=text.get("msgctxt"),
                msgid_plural=text.get("msgid_plural"),
                msgstr=strings,
                flags=flags,
            )
        )
    return entries


def languages() -> list[str]:
    """The languages with a catalogue."""
    return sorted(path.parent.parent.name for path in LOCALE.glob("*/LC_MESSAGES/django.po"))


def problems(language: str, entries: list[Entry]) -> list[str]:
    """What is wrong with a language's entries: each a line naming the entry and why."""
    found = []
    script = SCRIPTS.get(language)
    for entry in entries:
        why = []
        if "fuzzy" in entry.flags:
            why.append("fuzzy")
        if entry.msgid_plural is not None and len(entry.msgstr) != PLURAL_FORMS.get(
            language, len(entry.msgstr)
        ):
            why.append(f"{len(entry.msgstr)} plural forms, not {PLURAL_FORMS[language]}")
        for text in entry.msgstr:
            if not text:
                why.append("untranslated")
            elif entry.may_stay_english():
                continue
            elif text in (entry.msgid, entry.msgid_plural):
                why.append("the English copied")
            elif script and not script.search(text):
                why.append(f"no letters of the {language} script")
        if why:
            found.append(f"{language}: {entry.msgid[:60]!r}: {', '.join(sorted(set(why)))}")
    return found
