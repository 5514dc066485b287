"""Followers get the group's mail in the language they followed it in (issue 18, item 5):
carried by the confirmation link, kept on the subscriber, and each announcement
rendered in it (the organiser's own words stay as typed; the words around them, and
``lang``/``dir``, are the follower's)."""

import re

import pytest
from django.utils import translation

from tests.mail import outbox
from turnout.mailing.models import Subscriber
from turnout.mailing.services import announcements, subscriptions
from turnout.mailing.tasks import fan_out_announcement

ARABIC = re.compile("[\u0600-\u06ff]")
CYRILLIC = re.compile("[\u0400-\u04ff]")
CONFIRM = re.compile(r"http://127\.0\.0\.1:8000(/subscriptions/confirm/[^/\s]+/)")


def opening_tag(email) -> str:
    ((html, _mimetype),) = email.alternatives
    return re.search(r"<html[^>]*>", html).group(0)


def follow_and_confirm(client, group, email: str, language: str) -> Subscriber:
    client.post(f"/{group.slug}/subscribe/", {"email": email}, HTTP_ACCEPT_LANGUAGE=language)
    confirmation = outbox()[-1]
    (path,) = CONFIRM.findall(confirmation.body)
    client.post(path, HTTP_ACCEPT_LANGUAGE="en")  # confirmed from an English page
    return Subscriber.objects.get(email=email)


@pytest.mark.django_db
def test_a_follower_keeps_the_language_they_followed_in(client, group):
    layla = follow_and_confirm(client, group, "layla@example.org", "ar")
    taras = follow_and_confirm(client, group, "taras@example.org", "uk")

    assert (layla.language, taras.language) == ("ar", "uk")


@pytest.mark.django_db
def test_an_announcement_reaches_each_follower_in_their_language(client, group, organiser):
    follow_and_confirm(client, group, "layla@example.org", "ar")
    follow_and_confirm(client, group, "rosa@example.org", "en")
    group.email_approved_at = group.created_at
    group.save()
    announcement = announcements.create(
        group=group, subject="Meeting on Tuesday", body="Come at 7pm.", created_by=organiser
    )
    announcements.send(announcement=announcement, by=organiser)
    fan_out_announcement.call(announcement_id=announcement.pk)

    sent = {email.to[0]: email for email in outbox() if email.subject == "Meeting on Tuesday"}
    assert ARABIC.search(sent["layla@example.org"].body)
    assert 'lang="ar" dir="rtl"' in opening_tag(sent["layla@example.org"])
    assert not ARABIC.search(sent["rosa@example.org"].body)
    assert 'lang="en" dir="ltr"' in opening_tag(sent["rosa@example.org"])


@pytest.mark.django_db
def test_an_imported_address_is_asked_in_the_groups_language(group):
    group.language = "uk"
    group.save()

    with translation.override("en"):  # the organiser's page
        subscriptions.request_subscription(group=group, email="a@example.org", source="import")

    (email,) = outbox()
    assert CYRILLIC.search(email.subject + email.body)
