"""The strictest meeting (issue 17): unlisted, approval only, its address for confirmed
attendees. Every public URL the resolver knows is fetched as an anonymous visitor and
as a requester whose request is waiting or was declined: none shows the street, the
postcode, the coordinates or the venue's name, and none but the meeting's own shows its
title. Then the approved attendee finds the address on their page, in their email and
in their calendar file.
"""

import icalendar
import pytest
from django.test import Client

from tests.mail import files, outbox
from tests.pages.test_private_address import body_text
from tests.private_address import STREET, leaks, private_meeting
from tests.routes import fill, public_routes
from turnout.flyers import render as flyers
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import token_for

TITLE = "Sudanese families support evening"


# The meeting's own addresses, where its title may show (to whoever has the link); every
# other route lists or serves something else and must not name it at all.
OWN = {
    "public:event",
    "public:event_ics",
    "public:flyer_pdf",
    "public:flyer_png",
    "public:share_mastodon",
}
# Federation's discovery, actors and collections (turnout.federation.urls): the group's
# actor, never a meeting's title or place; the meeting's object by its own id.
FEDERATION = {
    "federation:webfinger", "federation:nodeinfo_links", "federation:nodeinfo",
    "federation:instance_actor", "federation:instance_outbox", "federation:shared_inbox",
    "federation:event_object", "federation:group_actor", "federation:group_inbox",
    "federation:group_outbox", "federation:group_followers", "federation:group_members",
    "federation:group_resources", "federation:group_todos", "federation:group_posts",
    "federation:group_events", "federation:group_discussions",
}  # fmt: skip
BY_TOKEN = {"rsvp:registration", "rsvp:confirm", "rsvp:cancel", "rsvp:details", "rsvp:erase",
            "rsvp:calendar", "mailing:confirm_subscription", "mailing:unsubscribe"}  # fmt: skip


@pytest.fixture
def strictest(group):
    return private_meeting(group, title=TITLE, unlisted=True, approval_required=True)


@pytest.fixture
def requesters(strictest, organiser):
    """One request waiting for the organisers, one declined, one approved."""
    made = {}
    for name in ("waiting", "declined", "approved"):
        registration, _created = rsvp.register(
            event=strictest, name=name.title(), email=f"{name}@example.net", note="A friend"
        )
        made[name] = rsvp.confirm(registration=registration)
    rsvp.decline(registration=made["declined"], by=organiser)
    rsvp.approve(registration=made["approved"], by=organiser)
    return made


def test_the_walk_knows_every_public_route():
    known = OWN | BY_TOKEN | {
        "None:security_txt", "None:set_language", "mailing:subscribe", "public:home",
        "public:site_ics",
        "public:site_atom", "public:group", "public:group_ics", "public:group_atom",
        "public:widget", "public:comparison", "public:groups", "public:past", "public:group_past",
    } | FEDERATION  # fmt: skip

    assert {name for name, _path in public_routes()} == known


@pytest.mark.parametrize("who", ["anonymous", "waiting", "declined"])
def test_no_public_url_shows_the_address_nor_the_title_where_it_does_not_belong(
    strictest, requesters, who
):
    token = token_for(requesters[who]) if who != "anonymous" else "no-such-token"
    client = Client()
    for name, pattern in public_routes():
        for suffix in ("?size=A5",) if name == "public:flyer_pdf" else ("",):
            url = fill(
                pattern,
                group=strictest.group.slug,
                event=strictest.slug,
                comparison="no-such-table",
                token=token,
                federation_id=(
                    strictest.federation_id
                    if name == "federation:event_object"
                    else strictest.group.federation_id
                ),
            )
            url += suffix
            response = client.get(url)
            assert response.status_code < 500, url
            if response.status_code != 200 or name == "public:flyer_png":
                continue
            text = body_text(response)
            assert leaks(text) == [], (who, url)
            if name not in OWN and not (name in BY_TOKEN and who != "anonymous"):
                assert TITLE not in text and strictest.slug not in text, (who, url)
    # The social image is a picture: what it is drawn from names no place either.
    assert leaks(str(flyers.facts(strictest))) == []


def test_the_approved_attendee_finds_the_address_on_their_page_email_and_calendar(
    strictest, requesters
):
    approved = requesters["approved"]
    page = Client().get(f"/rsvp/{token_for(approved)}/").content.decode()
    (email,) = [e for e in outbox() if e.to == ["approved@example.net"]][-1:]
    own_calendar = Client().get(f"/rsvp/{token_for(approved)}/event.ics").content

    assert STREET in page
    assert STREET in email.body
    (attached,) = [content for name, content, _type in files(email) if name == "event.ics"]
    for calendar in (attached, own_calendar):
        event = icalendar.Calendar.from_ical(calendar).walk("VEVENT")[0]
        assert STREET in str(event["LOCATION"])
