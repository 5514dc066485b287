"""The attendee's secret link to their own page, ``/rsvp/<token>/``.

The token is an HMAC of the registration's stored random secret under SECRET_KEY:
every email to the attendee carries the same working link, a copy of the database
alone gives no working link, and the page finds the registration by the token's
SHA-256 hash. After SECRET_KEY changes, the link is still made with the old secret while
it is one of SECRET_KEY_FALLBACKS (turnout.core.tokens.keyed_token); once it is not, links
emailed from then on open nothing (those emailed before still do).
"""

import base64
import io

import segno
from django.conf import settings
from django.core import signing

from turnout.core.tokens import keyed_token, new_secret, token_hash


def token_for(registration) -> str:
    return keyed_token(
        f"turnout.rsvp:{registration.token_secret}", stored_hash=registration.token_hash
    )


def new_link(registration) -> None:
    """Give the (unsaved) registration a fresh secret; links to it made before stop working."""
    registration.token_secret = new_secret()
    registration.token_hash = token_hash(token_for(registration))


def manage_url(registration) -> str:
    return f"{settings.BASE_URL}/rsvp/{token_for(registration)}/"


# --- the check-in code in the confirmation email ---

CHECK_IN_SALT = "turnout.rsvp.check-in"


def check_in_url(registration) -> str:
    """The link the confirmation's QR code holds: it checks the person in, but only for
    a logged-in organiser of the group (signed, so it names only this registration)."""
    signed = signing.Signer(salt=CHECK_IN_SALT).sign(str(registration.pk))
    return f"{settings.BASE_URL}/organise/check-in/{signed}/"


def registration_pk_from_check_in(signed: str) -> int | None:
    """The registration a check-in link names; None if it is not one we signed."""
    try:
        return int(signing.Signer(salt=CHECK_IN_SALT).unsign(signed))
    except (signing.BadSignature, ValueError):
        return None


def check_in_qr_png(registration) -> bytes:
    """The check-in link as a QR code, a PNG small enough for an email."""
    out = io.BytesIO()
    segno.make(check_in_url(registration), error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def check_in_qr_data_uri(registration) -> str:
    """The check-in QR code inside the attendee's own page (never cached, never shared)."""
    return "data:image/png;base64," + base64.b64encode(check_in_qr_png(registration)).decode()
