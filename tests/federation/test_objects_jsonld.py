"""Item 6 of issue 21: the JSON-LD is right. Every object and activity expands with
pyld through the shipped contexts alone (no network), to the intended IRIs; any other
context is refused; hostile titles, descriptions and venues still give valid, sanitised,
expandable JSON."""

import json
import socket
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld as pyld

from tests.factories import make_event, make_group, make_venue
from turnout.events import services as events
from turnout.federation import activities
from turnout.federation.jsonld import CONTEXT, UnknownContext, document_loader, expand
from turnout.federation.objects import event_object

AS = "http://www.w3.org/ns/activitystreams#"  # the namespace is http://, the context https://
SC = "http://schema.org#"
MZ = "https://joinmobilizon.org/ns#"
ICAL = "http://www.w3.org/2002/12/cal/ical#"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the JSON-LD tried the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture
def meeting(db):
    group = make_group()
    return make_event(group=group, venue=make_venue(group=group), capacity=20)


def _all(meeting):
    return [
        event_object(meeting),
        activities.create(meeting),
        activities.update(meeting),
        activities.note_about_change(meeting, "time"),
        activities.note_about_change(meeting, "place"),
        activities.note_about_change(meeting, "cancelled"),
        activities.delete(meeting),
        {"@context": CONTEXT, **activities.tombstone(meeting)},
    ]


def test_every_object_and_activity_expands_without_network(meeting):
    for document in _all(meeting):
        expanded = expand(document)
        assert len(expanded) == 1, document["type"]


def test_the_terms_expand_to_the_intended_iris(meeting):
    events.update_event(event=meeting, public_counts="seats_left", confirmation_required=True)
    (node,) = expand(event_object(meeting))
    assert node["@type"] == [AS + "Event"]
    for term in ("startTime", "endTime", "name", "summary", "content", "url", "attributedTo"):
        assert AS + term in node, term
    for iri in (
        MZ + "joinMode", MZ + "externalParticipationUrl", MZ + "timezone", MZ + "isOnline",
        SC + "inLanguage", SC + "maximumAttendeeCapacity", SC + "remainingAttendeeCapacity",
        ICAL + "status", "https://joinpeertube.org/ns#commentsEnabled",
    ):  # fmt: skip
        assert iri in node, iri
    # "ical:status" and "status" (which Mobilizon reads first) are the one IRI.
    assert {value["@value"] for value in node[ICAL + "status"]} == {"CONFIRMED"}
    (place,) = node[SC + "location"]
    assert place["@type"] == [AS + "Place"]
    (address,) = place[SC + "address"]
    assert address["@type"] == [SC + "PostalAddress"]
    assert SC + "streetAddress" in address and SC + "postalCode" in address
    assert node[AS + "startTime"][0]["@type"] == "http://www.w3.org/2001/XMLSchema#dateTime"
    (tomb,) = expand({"@context": CONTEXT, **activities.tombstone(meeting)})
    assert tomb["@type"] == [AS + "Tombstone"]
    assert tomb[AS + "formerType"] == [{"@id": AS + "Event"}]


def test_the_loader_serves_only_the_shipped_contexts():
    served = document_loader("https://www.w3.org/ns/activitystreams")
    assert served["document"]["@context"]["Event"] == "as:Event"
    assert document_loader("https://w3id.org/security/v1")["document"]["@context"]
    for url in (
        "https://example.org/context.jsonld",
        "http://127.0.0.1/ns/activitystreams",
        "file:///etc/passwd",
        "https://www.w3.org/ns/activitystreams/../../evil",
    ):
        with pytest.raises(UnknownContext):
            document_loader(url)
    with pytest.raises(pyld.JsonLdError):
        expand({"@context": "https://example.org/ctx", "type": "Note"})


def test_an_actor_shaped_document_with_the_security_context_expands():
    actor = {
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": "https://turnout.example/federation/groups/1/",
        "type": "Group",
        "publicKey": {
            "id": "https://turnout.example/federation/groups/1/#main-key",
            "owner": "https://turnout.example/federation/groups/1/",
            "publicKeyPem": "-----BEGIN PUBLIC KEY-----",
        },
    }
    (node,) = expand(actor)
    assert "https://w3id.org/security#publicKey" in node


HOSTILE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=120,
) | st.sampled_from(
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[x](javascript:alert(1))",
        '"}], "@context": "https://evil.example/"',
        "@id",
        "\u202eevil\u2028line",
    ]
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=HOSTILE, description=HOSTILE, venue=HOSTILE)
def test_hostile_text_gives_valid_sanitised_expandable_json(meeting, title, description, venue):
    meeting.title = title.strip() or "x"
    meeting.description = description
    meeting.venue.name = venue.strip() or "x"
    for document in (
        event_object(meeting),
        activities.update(meeting),
        activities.note_about_change(meeting, "place"),
    ):
        text = json.dumps(document)
        again = json.loads(text)
        assert again == document
        expand(again)
        body = again.get("object", again)
        assert _safe(body["content"]), body["content"]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.bad = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "iframe", "img", "object"):
            self.bad.append(tag)
        for name, value in attrs:
            if name.startswith("on") or "javascript:" in (value or "").lower().replace(" ", ""):
                self.bad.append(f"{tag} {name}")


def _safe(html: str) -> bool:
    """No script, no event handler, no javascript: link in the HTML."""
    parser = _Tags()
    parser.feed(html)
    return not parser.bad


def test_pyld_s_own_default_loader_fetches_nothing_either():
    """Once Turnout's JSON-LD module is loaded, a pyld call that forgets the loader
    option still gets the shipped contexts and refuses any other."""
    (node,) = pyld.expand({"@context": "https://www.w3.org/ns/activitystreams", "type": "Note"})
    assert node["@type"] == [AS + "Note"]
    with pytest.raises(pyld.JsonLdError):
        pyld.expand({"@context": "https://example.org/other", "type": "Note"})
