"""Changing TURNOUT_SECRET_KEY with the old one in TURNOUT_SECRET_KEY_FALLBACKS: the links
in emails rendered after the change (an attendee's own page, an organiser's invitation)
still open what they name. Their tokens are HMACs of a stored secret under SECRET_KEY and
the database keeps only the token's hash, so the link is made with the secret (current or
fallback) that made that hash."""

from tests.factories import make_event, make_group
from turnout.groups import services as groups
from turnout.groups.models import Invitation
from turnout.groups.tokens import invitation_token
from turnout.rsvp import links, selectors
from turnout.rsvp import services as rsvp

NEW_SECRET = "the-new-secret-" + "n" * 40


def rotate(settings) -> None:
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_SECRET, [settings.SECRET_KEY]


def test_an_attendee_link_emailed_after_the_change_opens_their_page(db, settings):
    registration, _ = rsvp.register(
        event=make_event(group=make_group()), name="Ann", email="ann@example.org"
    )
    before = links.token_for(registration)

    rotate(settings)
    after = links.token_for(registration)

    assert after == before
    assert selectors.registration_for_token(token=after).pk == registration.pk


def test_a_new_attendee_link_is_made_with_the_new_secret(db, settings):
    rotate(settings)
    registration, _ = rsvp.register(
        event=make_event(group=make_group()), name="Ann", email="ann@example.org"
    )

    settings.SECRET_KEY_FALLBACKS = []
    assert selectors.registration_for_token(token=links.token_for(registration))


def test_an_invitation_emailed_again_after_the_change_still_opens(db, settings):
    group = make_group()
    groups.invite_organiser(
        group=group, email="taras@example.org", invited_by=group.memberships.get().user
    )
    invitation = Invitation.objects.get()

    rotate(settings)

    assert groups.find_invitation(token=invitation_token(invitation)).pk == invitation.pk
