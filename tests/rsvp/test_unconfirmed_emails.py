"""An RSVP with another person's address and a made-up name (issue 16, finding 3): the
email to that address, which has confirmed nothing, never repeats what was typed."""

import pytest

from tests.factories import make_event
from tests.mail import outbox
from turnout.rsvp import services as rsvp

TYPED = "Buy cheap pills at evil.example"


@pytest.mark.parametrize("confirmation_required", [True, False], ids=["hold", "no-confirmation"])
def test_an_rsvp_for_someone_elses_address_never_repeats_the_typed_name(
    group, venue, confirmation_required
):
    event = make_event(group=group, venue=venue, confirmation_required=confirmation_required)
    rsvp.register(event=event, name=TYPED, email="victim@example.net")

    (email,) = outbox()
    assert email.to == ["victim@example.net"]
    assert "evil.example" not in email.subject
    assert "evil.example" not in email.body
    assert "evil.example" not in email.alternatives[0][0]


def test_the_waitlist_and_your_link_emails_never_repeat_the_typed_name(group, venue):
    event = make_event(group=group, venue=venue, capacity=1)
    rsvp.register(event=event, name="Ann", email="ann@example.org")
    rsvp.register(event=event, name=TYPED, email="victim@example.net")  # waitlisted
    rsvp.register(event=event, name="Someone", email="victim@example.net")  # your link

    mails = [e for e in outbox() if e.to == ["victim@example.net"]]
    assert len(mails) == 2
    for email in mails:
        assert "evil.example" not in email.body
        assert "evil.example" not in email.alternatives[0][0]
