"""The JSON-LD contexts of what Turnout serves and sends, and a loader that never
touches the network (issue 21, item 6).

Peers mostly read ActivityPub as plain JSON, but some expand it (JSON-LD signatures,
relays, validators), and a term without a mapping then silently disappears. So every
document carries ``CONTEXT``: ActivityStreams, then an inline context that maps the
terms Mobilizon uses for events to the same IRIs Mobilizon does (framasoft/mobilizon
lib/federation/activity_pub/utils.ex ``make_json_ld_header/0``: ``sc:`` schema.org,
``mz:`` Mobilizon, ``ical:``, ``pt:`` PeerTube's ``commentsEnabled``), plus the two
Mobilizon reads but leaves unmapped (``externalParticipationUrl``, ``isOnline``,
``remainingAttendeeCapacity``).

The remote contexts are shipped in contexts/ (their sources are named in
``SHIPPED``) and ``document_loader`` serves only those: a document naming any other
context is refused rather than fetched, at run time, in tests and in CI alike.
"""

import copy
import functools
import json
from pathlib import Path

from pyld import jsonld as pyld

ACTIVITYSTREAMS = "https://www.w3.org/ns/activitystreams"
SECURITY = "https://w3id.org/security/v1"
_HERE = Path(__file__).parent / "contexts"

# URL -> the shipped file. activitystreams.jsonld is w3c/activitystreams
# ns/activitystreams.jsonld (commit 65ea6c58), byte for byte; security-v1.jsonld is
# w3c/vc-test-suite contexts/security-v1.jsonld (commit 6e725590), the document
# https://w3id.org/security/v1 served when Mastodon's actors were designed (its
# "sec:" is https://w3id.org/security#, which is what publicKey must expand to).
SHIPPED = {
    ACTIVITYSTREAMS: "activitystreams.jsonld",
    ACTIVITYSTREAMS + ".jsonld": "activitystreams.jsonld",
    "http://www.w3.org/ns/activitystreams": "activitystreams.jsonld",
    SECURITY: "security-v1.jsonld",
}

EVENT_TERMS = {
    "sc": "http://schema.org#",
    "ical": "http://www.w3.org/2002/12/cal/ical#",
    "mz": "https://joinmobilizon.org/ns#",
    "pt": "https://joinpeertube.org/ns#",
    "toot": "http://joinmastodon.org/ns#",
    "Hashtag": "as:Hashtag",
    "sensitive": "as:sensitive",
    "category": "sc:category",
    "maximumAttendeeCapacity": "sc:maximumAttendeeCapacity",
    "remainingAttendeeCapacity": "sc:remainingAttendeeCapacity",
    "location": {"@id": "sc:location", "@type": "sc:Place"},
    "PostalAddress": "sc:PostalAddress",
    "address": {"@id": "sc:address", "@type": "sc:PostalAddress"},
    "addressCountry": "sc:addressCountry",
    "addressRegion": "sc:addressRegion",
    "postalCode": "sc:postalCode",
    "addressLocality": "sc:addressLocality",
    "streetAddress": "sc:streetAddress",
    "inLanguage": "sc:inLanguage",
    "commentsEnabled": {"@id": "pt:commentsEnabled", "@type": "sc:Boolean"},
    "joinMode": {"@id": "mz:joinMode", "@type": "mz:joinModeType"},
    "externalParticipationUrl": {"@id": "mz:externalParticipationUrl", "@type": "@id"},
    "isOnline": {"@id": "mz:isOnline", "@type": "sc:Boolean"},
    "timezone": {"@id": "mz:timezone", "@type": "sc:Text"},
    # ActivityStreams types formerType as "@id", so "Event" would be a relative URL;
    # as "@vocab" it is the term Event, as:Event, the value readers compare as plain JSON.
    "formerType": {"@id": "as:formerType", "@type": "@vocab"},
    # Mobilizon reads "status", falling back to "ical:status" (converter/event.ex).
    "status": "ical:status",
}

CONTEXT = [ACTIVITYSTREAMS, EVENT_TERMS]


class UnknownContext(pyld.JsonLdError):
    """A context Turnout does not ship: refused, never fetched."""

    def __init__(self, url: str):
        super().__init__(
            f"Turnout does not fetch JSON-LD contexts; {url!r} is not one it ships.",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        )


@functools.cache
def _read(name: str) -> dict:
    return json.loads((_HERE / name).read_text(encoding="utf-8"))


def document_loader(url: str, options: dict | None = None) -> dict:
    """pyld's document loader: the shipped context for a known URL, else UnknownContext."""
    name = SHIPPED.get(url)
    if name is None:
        raise UnknownContext(url)
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": copy.deepcopy(_read(name)),
    }


# pyld's default loader, for any call that does not pass one: the same, never the network.
pyld.set_document_loader(document_loader)


def expand(document: dict) -> list:
    """The document expanded with the shipped contexts only (pyld.JsonLdError if it
    names another or is not valid JSON-LD)."""
    return pyld.expand(document, {"documentLoader": document_loader})
