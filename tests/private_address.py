"""A meeting whose address is for confirmed attendees only, and what must never show it.

Shared by the tests of every output that names a meeting's place (tests/pages,
tests/rsvp, tests/feeds, tests/flyers): the venue's name, street, postcode, coordinates
and map link are the secret; the area the organiser wrote is what the public reads.
"""

import subprocess
import tempfile
from decimal import Decimal

from tests.factories import make_event, make_venue
from turnout.events import services as events

VENUE_NAME = "Marchmont Community Centre"
STREET = "62 Marchmont St"
POSTCODE = "WC1N 1AB"
LATITUDE, LONGITUDE = Decimal("51.524901"), Decimal("-0.124612")
AREA = "Central London, near King’s Cross"
# Whatever would give the place away, as it could appear in any output: the venue's
# name, the street, the postcode (also without its space), the coordinates' digits and
# any map link.
SECRETS = (VENUE_NAME, STREET, POSTCODE, "WC1N1AB", "51.5249", "0.1246", "openstreetmap")


def secret_venue(group):
    return make_venue(
        group=group,
        name=VENUE_NAME,
        address_line1=STREET,
        postcode=POSTCODE,
        latitude=LATITUDE,
        longitude=LONGITUDE,
        accessibility="Step-free entrance on Marchmont Street.",
    )


def private_meeting(group, **fields):
    """A published meeting at the secret venue, its address for confirmed attendees only."""
    fields.setdefault("title", "Refugee support meeting")
    return make_event(
        group=group, venue=secret_venue(group), address_private=True, address_area=AREA, **fields
    )


def make_private(event, area: str = AREA):
    """Mark an existing meeting's address private, as the organiser's form does."""
    return events.update_event(event=event, address_private=True, address_area=area)


def leaks(text: str) -> list[str]:
    """The secrets found in ``text`` (case and white space ignored): none, for the public."""
    flat = " ".join(text.split()).lower()
    return [secret for secret in SECRETS if secret.lower() in flat]


def pdf_text(content: bytes) -> str:
    """The PDF's text as ``pdftotext`` reads it (Debian's poppler-utils)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(content)
        file.flush()
        out = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", file.name, "-"], capture_output=True, check=True
        )
    return " ".join(out.stdout.decode().split())
