"""Organisers' emails are in their account's language (issue 18, item 5): the language
of the page they signed up from, then the one they last chose with the switcher.
Where no account is known yet, the language of the page that caused the email (an
invitation: the inviter's)."""

import re

import pytest
from django.utils import translation

from tests.factories import make_group, make_user
from tests.mail import outbox
from turnout.groups import services as groups
from turnout.groups.models import Membership, User

CYRILLIC = re.compile("[\u0400-\u04ff]")
ARABIC = re.compile("[\u0600-\u06ff]")


def opening_tag(email) -> str:
    ((html, _mimetype),) = email.alternatives
    return re.search(r"<html[^>]*>", html).group(0)


def test_signing_up_from_the_arabic_page_keeps_arabic_for_the_account(client, db):
    client.post(
        "/organise/signup/",
        {"name": "Layla", "email": "layla@example.org", "password": "solidarity across borders"},
        HTTP_ACCEPT_LANGUAGE="ar",
    )

    assert User.objects.get(email="layla@example.org").language == "ar"
    (email,) = outbox()
    assert ARABIC.search(email.subject) and ARABIC.search(email.body)
    assert 'lang="ar" dir="rtl"' in opening_tag(email)


@pytest.mark.django_db
def test_account_emails_follow_the_account_not_the_page_of_the_moment():
    user = make_user(email="taras@example.org", verified=False)
    User.objects.filter(pk=user.pk).update(language="uk")
    user.refresh_from_db()

    with translation.override("en"):
        groups.send_verification_email(user=user)
        groups.request_password_reset(email="taras@example.org")

    verify, reset = outbox()
    for email in (verify, reset):
        assert CYRILLIC.search(email.subject) and CYRILLIC.search(email.body)
        assert 'lang="uk" dir="ltr"' in opening_tag(email)


@pytest.mark.django_db
def test_owners_are_told_of_membership_changes_each_in_their_own_language():
    olena, amal = make_user(email="olena@example.org"), make_user(email="amal@example.org")
    User.objects.filter(pk=amal.pk).update(language="ar")
    group = make_group(owner=olena, name="Ukraine Information Group", language="uk")
    Membership.objects.create(group=group, user=amal, role=Membership.Role.OWNER)

    with translation.override("en"):
        groups.invite_organiser(group=group, email="new@example.org", invited_by=olena)

    sent = {email.to[0]: email for email in outbox()}
    assert ARABIC.search(sent["amal@example.org"].body)
    assert CYRILLIC.search(sent["olena@example.org"].body)  # no account language: the group's
    # The invitation: in the language the inviter was using.
    assert not CYRILLIC.search(sent["new@example.org"].body + sent["new@example.org"].subject)
