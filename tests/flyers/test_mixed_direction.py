"""Text mixing directions (Arabic with English names and numbers, English with Arabic
names) keeps its reading order in the PDFs: pypdf reads it back in the order it is
written, as it does for text in one direction (issue 18, "Bad input").

WeasyPrint draws the runs of a line from left to right, so a reader that takes the
text in drawing order (pypdf, screen readers, copy and paste) got "Olena Koval لقاء مع"
for "لقاء مع Olena Koval". Nothing here is about how it looks: the page looks the same.
"""

import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from tests.factories import make_event, make_group, make_venue
from tests.flyers.helpers import pdf_text
from turnout.core.timefmt import days
from turnout.flyers import render
from turnout.rsvp import services as rsvp
from turnout.rsvp.services import organisers

pytestmark = pytest.mark.django_db

ARABIC_TITLE = "لقاء مع Olena Koval في الساعة 7 مساءً"
ARABIC_TAGLINE = "نقاش مع Amnesty UK و 3 منظمات"
ENGLISH_TITLE = "Welcome evening with ليلى حداد and 12 families"
ENGLISH_TAGLINE = "Bring the children: قصص 2 and games"


def in_reading_order(expected: str, text: str) -> bool:
    """Whether ``expected`` is in ``text`` with its characters in the same order (spaces
    aside: where a run ends, a reader may or may not keep the space)."""
    return "".join(expected.split()) in "".join(text.split())


def test_an_arabic_flyer_with_english_names_and_numbers_reads_in_order():
    group = make_group(name="Sudanese and Palestinian Community", language="ar")
    venue = make_venue(group=group, name="قاعة Marchmont الكبرى", address_line1="62 Marchmont St")
    event = make_event(
        group=group, venue=venue, title=ARABIC_TITLE, tagline=ARABIC_TAGLINE, language="ar"
    )

    text = pdf_text(render.flyer_pdf(event, "A4"))

    for expected in (ARABIC_TITLE, ARABIC_TAGLINE, "قاعة Marchmont الكبرى"):
        assert in_reading_order(expected, text), (expected, text)
    assert in_reading_order("من تنظيم Sudanese and Palestinian Community", text), text
    with translation.override("ar"):
        assert in_reading_order(days(event.start_date, event.end_date), text), text


def test_an_english_flyer_with_arabic_names_reads_in_order():
    group = make_group(name="Camden Welcome", language="en")
    event = make_event(group=group, title=ENGLISH_TITLE, tagline=ENGLISH_TAGLINE)

    text = pdf_text(render.flyer_pdf(event, "A4"))

    for expected in (ENGLISH_TITLE, ENGLISH_TAGLINE):
        assert in_reading_order(expected, text), (expected, text)


def test_the_door_list_keeps_a_name_in_two_scripts_in_order(organiser):
    group = make_group(name="Camden Welcome")
    event = make_event(group=group)
    for name in ("ليلى Haddad", "Amal حداد 2"):
        rsvp.add_by_organiser(event=event, name=name, email="", by=organiser)

    pdf = organisers.attendee_list_pdf(event=event, by=organiser)

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for name in ("ليلى Haddad", "Amal حداد 2"):
        assert in_reading_order(name, text), (name, text)
