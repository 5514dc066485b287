"""The door list as a PDF: everyone expected, alphabetical, a box each, in any script."""

import io

import pytest
from pypdf import PdfReader

from tests.factories import make_event
from turnout.rsvp import services as rsvp
from turnout.rsvp.models import AttendeeExport

NAMES = ["Zoë Müller", "Bob Smith", "Олена Коваленко", "أمينة حداد", "Іван Франко"]


@pytest.fixture
def meeting(group, venue):
    return make_event(group=group, venue=venue, capacity=len(NAMES), max_guests=2)


def pdf_url(event) -> str:
    return f"/organise/groups/{event.group.slug}/events/{event.slug}/registrations/attendees.pdf"


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def fonts_of(pdf: bytes) -> list[dict]:
    """The fonts the PDF's pages use, with their descriptors."""
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            found.append(font.get_object())
    return found


def test_the_list_is_a_pdf_of_everyone_expected_in_order(organiser_client, organiser, meeting):
    for n, name in enumerate(NAMES):
        rsvp.add_by_organiser(event=meeting, name=name, email=f"p{n}@example.org", by=organiser)
    rsvp.register(event=meeting, name="Wendy Waiting", email="w@example.org")  # waitlisted
    gone, _ = rsvp.register(event=meeting, name="Carl Cancelled", email="c@example.org")
    rsvp.cancel(registration=gone)

    response = organiser_client.post(pdf_url(meeting))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = text_of(response.content)
    for name in ("Bob Smith", "Zoë Müller", "Олена Коваленко", "Іван Франко"):
        assert name in text
    assert text.index("Bob Smith") < text.index("Zoë Müller") < text.index("Іван Франко")
    assert "Wendy" not in text and "Carl" not in text  # waiting or cancelled: not expected
    assert f"{len(NAMES)} people expected" in text
    (export,) = AttendeeExport.objects.all()
    assert export.exported_by == organiser


def test_every_font_is_embedded_and_arabic_names_are_there(organiser_client, organiser, meeting):
    """Shaping and direction were checked by eye on the rendered page (pdftoppm); here:
    every font travels with the file, and the Arabic name is in its text layer."""
    rsvp.add_by_organiser(event=meeting, name="أمينة حداد", by=organiser)

    pdf = organiser_client.post(pdf_url(meeting)).content

    for font in fonts_of(pdf):
        descendant = font["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in descendant["/FontDescriptor"], font["/BaseFont"]
    assert "حداد" in text_of(pdf).replace("\u200f", "")


def test_the_list_is_not_for_another_group_nor_by_get(outsider, client, organiser_client, meeting):
    client.force_login(outsider)

    assert client.post(pdf_url(meeting)).status_code == 404
    assert organiser_client.get(pdf_url(meeting)).status_code == 405
    assert not AttendeeExport.objects.exists()
