"""The attendee's secret link to their own page, ``/rsvp/<token>/``.

The token is an HMAC of the registration's stored random secret under SECRET_KEY:
every email to the attendee carries the same working link, a copy of the database
alone gives no working link, and the page finds the registration by the token's
SHA-256 hash. Rotating SECRET_KEY makes every emailed link stop working.
"""

import base64
import hashlib
import hmac

from django.conf import settings

from turnout.core.tokens import new_secret, token_hash


def token_for(registration) -> str:
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, f"turnout.rsvp:{registration.token_secret}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def new_link(registration) -> None:
    """Give the (unsaved) registration a fresh secret; links to it made before stop working."""
    registration.token_secret = new_secret()
    registration.token_hash = token_hash(token_for(registration))


def manage_url(registration) -> str:
    return f"{settings.BASE_URL}/rsvp/{token_for(registration)}/"
