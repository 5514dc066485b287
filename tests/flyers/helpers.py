import datetime as dt
import io
import subprocess
import tempfile

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    """The PDF's text with runs of white space made one space (lines wrap anywhere)."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def pdf_text_lines(content: bytes) -> list[str]:
    """The PDF's lines of text, each with its runs of white space made one space."""
    reader = PdfReader(io.BytesIO(content))
    lines = "\n".join(page.extract_text() for page in reader.pages).splitlines()
    return [" ".join(line.split()) for line in lines if line.strip()]


def pdf_fonts(content: bytes) -> list[dict[str, str]]:
    """``pdffonts``' table: one dict per font (name, emb, ...)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(content)
        file.flush()
        lines = subprocess.run(
            ["pdffonts", file.name], capture_output=True, text=True, check=True
        ).stdout.splitlines()
    rows = []
    for line in lines[2:]:
        fields = line.split()
        # name type... encoding emb sub uni object ID: read from the right.
        rows.append({"name": fields[0], "emb": fields[-5], "sub": fields[-4], "uni": fields[-3]})
    return rows


# --- an event with blocks like the reference flyer's (facts from it, words our own)

STATEMENT_TITLE = "From Ukraine to Palestine, occupation is a crime"
STATEMENT_BODY = """\
Two small nations are resisting powerful neighbours that want their land. Their
allies, needs and circumstances differ, yet both claims rest on the same ground: a
people's right to live free of occupation, and to defend itself by every legitimate
means. Both deserve **committed solidarity** from working people everywhere.

Western governments back Ukraine, unevenly and too little, while arming the
occupation of Palestine. We refuse that double standard, and we refuse its mirror
image too: the politics that stands with Palestine but repeats the Kremlin's excuses
for its war on Ukraine.

The same pattern runs through other wars, from eastern Congo to Sudan and Kashmir.
Everywhere we side with democratic, anti-imperialist forces against occupation.
Come and discuss what solidarity without borders means in practice."""

CRITERIA = [
    "Invasion and occupation?",
    "Settler colonial?",
    "Authoritarian rule?",
    "Bombs civilians as collective punishment?",
    "Genocide?",
    "Relies on outside support?",
]
CASES = ["Israel in Palestine", "Russia in Ukraine", "Morocco in Western Sahara"]
CELLS = {
    ("Invasion and occupation?", "Israel in Palestine"): (
        "More than 75 years of occupation, meant to subjugate the Palestinian nation "
        "and take its land."
    ),
    ("Invasion and occupation?", "Russia in Ukraine"): (
        "The full-scale invasion of 2022 continued the incursion begun in 2014, after "
        "centuries of imperial violence."
    ),
    ("Settler colonial?", "Israel in Palestine"): (
        "Drives Palestinians out and builds settlements for its own citizens on the "
        "land it has taken from them."
    ),
    ("Settler colonial?", "Russia in Ukraine"): (
        "Pays tens of thousands of Russians to move into Ukrainian homes on occupied "
        "land whose owners were driven out."
    ),
    ("Authoritarian rule?", "Israel in Palestine"): (
        "Apartheid: military rule in the areas occupied in 1967, and unequal status "
        "for Palestinians in every other area."
    ),
    ("Authoritarian rule?", "Russia in Ukraine"): (
        "Military rule, sham elections, torture and no independent unions in the "
        "occupied areas; Ukraine itself was democratic."
    ),
    ("Bombs civilians as collective punishment?", "Israel in Palestine"): (
        "Yes. At least 35,000 people killed in Gaza, most of them civilians, and "
        "probably many more than that."
    ),
    ("Bombs civilians as collective punishment?", "Russia in Ukraine"): (
        "As far as air defences let it: at least 18,000 civilians killed since 2022, "
        "as in Grozny, Aleppo and Mariupol."
    ),
    ("Genocide?", "Israel in Palestine"): "Yes.",
    ("Genocide?", "Russia in Ukraine"): (
        "Arguably: Putin speaks of ending the Ukrainian nation, and his troops "
        "carried out massacres such as Bucha."
    ),
    ("Relies on outside support?", "Israel in Palestine"): (
        "Vast military and financial backing from the US, Germany and the UK, and "
        "oil from Azerbaijan through Turkey."
    ),
    ("Relies on outside support?", "Russia in Ukraine"): (
        "North Korean and Iranian arms, Western machine tools, and oil bought by "
        "India and China keep it going."
    ),
}
QUOTE = {
    "text": (
        "The goals declared by Israel for its ongoing operation against Hamas militants "
        "in Gaza seem nearly identical to those put forward by Moscow in its campaign "
        "against the Ukrainian government"
    ),
    "speaker": "Sergei Lavrov",
    "role": "Russia's Foreign Minister",
    "said_on": dt.date(2023, 12, 28),
    "source_title": "Press conference",
    "source_url": "https://news.example.org/2023/12/28/lavrov-press-conference",
}


def attach_reference_blocks(event, *, cells: dict | None = None) -> None:
    """The reference flyer's statement, comparison table (two cases assessed, one not
    yet) and quote, shown with ``event`` in that order."""
    from tests.comparisons.helpers import make_table
    from turnout.flyers import services as flyers

    statement = flyers.create_statement(
        group=event.group, title=STATEMENT_TITLE, body=STATEMENT_BODY, dated=dt.date(2024, 6, 3)
    )
    table = make_table(
        group=event.group,
        criteria=CRITERIA,
        cases=CASES,
        texts=CELLS if cells is None else cells,
        title="Two occupations, one standard",
        slug="two-occupations",
    )
    quote = flyers.create_quote(group=event.group, **QUOTE)
    for content in (statement, table, quote):
        flyers.attach(event=event, content=content)
