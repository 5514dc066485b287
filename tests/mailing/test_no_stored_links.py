"""After sending, no stored message holds a working link (DESIGN.md, "Email").

Real ``turnout worker`` processes deliver an RSVP confirmation, an organiser
invitation, a password reset and a mailing-list confirmation to a real SMTP server;
every token is taken from the emails as delivered, then every row of every table
is searched for them, as text. The links work (a token that is never stored is
still a real one): the test opens them after the search.
"""

import re

from django.test import Client

from tests.dump import database_dump
from tests.factories import make_event
from tests.processes import wait_for
from turnout.core.models import Message
from turnout.groups import services as groups
from turnout.mailing.services import subscriptions
from turnout.rsvp import services as rsvp


def plain_text(received) -> str:
    return received.get_body(("plain",)).get_content()


def test_after_delivery_no_token_of_a_sent_email_is_stored_anywhere(
    workers, smtp, group, organiser, venue
):
    event = make_event(group=group, venue=venue, capacity=5)
    ann, _created = rsvp.register(event=event, name="Ann", email="ann@example.org")
    rsvp.confirm(registration=ann)
    groups.invite_organiser(group=group, email="taras@example.org", invited_by=organiser)
    reset = Client().post("/organise/password-reset/", {"email": organiser.email})
    assert reset.status_code == 302
    subscriptions.request_subscription(group=group, email="lee@example.org", source="form")
    sent_before = database_dump()
    workers()

    wait_for(lambda: not Message.objects.filter(status=Message.Status.QUEUED).exists())
    wait_for(lambda: smtp.count() == 6)  # with the owner's notice of the invitation

    assert {(m.status, str(m.params)) for m in Message.objects.all()} == {("sent", "{}")}
    attendee = "\n".join(plain_text(m) for m in smtp.to("ann@example.org"))
    attendee_tokens = set(re.findall(r"/rsvp/([^/\s]+)/", attendee))
    (invitation,) = re.findall(
        r"/organise/invitations/([^/\s]+)/", plain_text(smtp.to("taras@example.org")[0])
    )
    organiser_mail = "\n".join(plain_text(m) for m in smtp.to(organiser.email))
    ((uid, reset_token),) = re.findall(
        r"/organise/password-reset/([^/\s]+)/([^/\s]+)/", organiser_mail
    )
    (confirmation,) = re.findall(
        r"/subscriptions/confirm/([^/\s]+)/", plain_text(smtp.to("lee@example.org")[0])
    )
    assert len(attendee_tokens) == 1  # both emails carry the same link
    tokens = [*attendee_tokens, invitation, f"{uid}/{reset_token}", reset_token, confirmation]
    assert all(len(token) >= 20 for token in tokens)

    dump = database_dump()

    assert "taras@example.org" in dump["core_message"]  # the search sees the outbox
    for token in tokens:
        assert [table for table, text in sent_before.items() if token in text] == [], token
        assert [table for table, text in dump.items() if token in text] == [], token
    # Each was a working link all the same.
    client = Client()
    assert client.get(f"/rsvp/{attendee_tokens.pop()}/").status_code == 200
    assert groups.find_invitation(token=invitation).email == "taras@example.org"
    assert subscriptions.check_confirmation(token=confirmation).email == "lee@example.org"
    reset_page = client.get(f"/organise/password-reset/{uid}/{reset_token}/", follow=True)
    assert "<h1>Choose a new password</h1>" in reset_page.content.decode()
