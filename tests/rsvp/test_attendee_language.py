"""An attendee's emails are in the language of the page they registered from (issue 18,
item 5), whatever the meeting's own language and whatever page they open later: stored
on the registration, and every email about it (confirmation, reminder, change notice)
is written in it, with ``lang`` and ``dir`` on its HTML part.

The first test goes end to end: the meeting page's form posted in Arabic and in
English, a ``turnout worker`` process delivering to an aiosmtpd server on loopback.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import make_event, make_group, make_venue
from tests.mail import outbox
from tests.migrations import migrate
from tests.processes import wait_for
from turnout.core.models import Message
from turnout.core.timefmt import event_when
from turnout.events import services as events
from turnout.rsvp import notices, reminders
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import manage_url
from turnout.rsvp.models import Registration

ARABIC = re.compile("[\u0600-\u06ff]")
TITLE = "What internationalism means"


def meeting_url(event) -> str:
    return reverse("public:event", kwargs={"group": event.group.slug, "event": event.slug})


def register_from_page(client, event, email: str, language: str) -> Registration:
    response = client.post(
        meeting_url(event), {"name": "Someone", "email": email}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    return Registration.objects.get(email=email)


def html_part(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def text_part(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(email) -> str:
    ((html, _mimetype),) = email.alternatives
    return html


def opening_tag(html: str) -> str:
    return re.search(r"<html[^>]*>", html).group(0)


def delivered() -> bool:
    return not Message.objects.filter(status=Message.Status.QUEUED).exists()


def test_an_attendee_from_the_arabic_page_gets_arabic_emails_and_the_english_one_english(
    client, workers, smtp
):
    group = make_group(name="Ukraine Information Group", contact_email="uig@example.org")
    event = make_event(group=group, venue=make_venue(group=group), title=TITLE, language="en")

    layla = register_from_page(client, event, "layla@example.org", "ar")
    rosa = register_from_page(client, event, "rosa@example.org", "en")
    # Confirmed from a page opened in English: her emails stay Arabic.
    client.post(manage_url(layla) + "confirm/", HTTP_ACCEPT_LANGUAGE="en")
    client.post(manage_url(rosa) + "confirm/", HTTP_ACCEPT_LANGUAGE="ar")
    workers(1)
    wait_for(lambda: smtp.count() >= 4 and delivered(), timeout=60)

    arabic = smtp.to("layla@example.org")
    english = smtp.to("rosa@example.org")
    # Rendered once she confirmed, so with the meeting's title (not the brief email).
    assert [m["Subject"].strip() for m in arabic] == [
        f"أكّد حجزك في {TITLE}",
        f"تأكّد حجزك في {TITLE}",
    ]
    for message in arabic:
        assert ARABIC.search(text_part(message))
        assert 'lang="ar" dir="rtl"' in opening_tag(html_part(message))
        assert "Confirm your place" not in text_part(message)
    assert [m["Subject"].strip() for m in english] == [
        f"Confirm your place at {TITLE}",
        f"Your place at {TITLE} is confirmed",
    ]
    for message in english:
        assert not ARABIC.search(text_part(message) + html_part(message))
        assert 'lang="en" dir="ltr"' in opening_tag(html_part(message))


@pytest.mark.django_db
def test_the_registration_keeps_the_language_of_the_page(client, group, venue):
    event = make_event(group=group, venue=venue, language="uk")

    arabic = register_from_page(client, event, "a@example.org", "ar")
    english = register_from_page(client, event, "e@example.org", "en-GB,en;q=0.9")

    assert (arabic.language, english.language) == ("ar", "en")


@pytest.mark.django_db
def test_a_registration_made_without_a_page_takes_the_meetings_language(group, venue):
    event = make_event(group=group, venue=venue, language="uk")

    registration, _created = rsvp.register(event=event, name="Ann", email="ann@example.org")

    assert registration.language == "uk"


@pytest.mark.django_db
def test_a_language_not_offered_is_not_stored(group, venue):
    event = make_event(group=group, venue=venue, language="uk")

    registration, _created = rsvp.register(
        event=event, name="Ann", email="ann@example.org", language="../xx"
    )

    assert registration.language == "uk"


@pytest.mark.django_db
def test_reminders_and_change_notices_follow_the_registration_not_the_meeting(client, group, venue):
    event = make_event(group=group, venue=venue, language="en", title=TITLE)
    layla = register_from_page(client, event, "layla@example.org", "ar")
    rosa = register_from_page(client, event, "rosa@example.org", "en")
    for registration in (layla, rosa):
        rsvp.confirm(registration=registration)
    Registration.objects.update(confirmed_at=event.reminder_due_at - dt.timedelta(days=1))
    before = Message.objects.order_by("-id").values_list("id", flat=True).first()

    reminders.send_due_reminders(now=event.reminder_due_at + dt.timedelta(minutes=1))
    event.start_time = dt.time(20, 0)
    event.end_time = dt.time(22, 0)
    event = events.update_event(event=event)
    notices.send_notice(notice=notices.pending_notice(event=event), by=None)

    sent = {(e.to[0], e.subject.split(":")[0].split(" ")[0]): e for e in outbox(after=before)}
    to_layla = [e for (to, _s), e in sent.items() if to == "layla@example.org"]
    to_rosa = [e for (to, _s), e in sent.items() if to == "rosa@example.org"]
    assert len(to_layla) == len(to_rosa) == 2
    for email in to_layla:
        assert ARABIC.search(email.subject) and ARABIC.search(email.body)
        assert 'lang="ar" dir="rtl"' in opening_tag(html_of(email))
    # The change notice's labels ("When") are in her language too, not the meeting's.
    assert not any("When" in email.body for email in to_layla)
    for email in to_rosa:
        assert not ARABIC.search(email.subject + email.body + html_of(email))
        assert 'lang="en" dir="ltr"' in opening_tag(html_of(email))


def test_the_upgrade_gives_existing_registrations_their_meetings_language(latest_schema_after):
    old = migrate([("rsvp", "0007_requests")])
    Group, Event = old.get_model("groups", "Group"), old.get_model("events", "Event")
    Registration = old.get_model("rsvp", "Registration")
    group = Group.objects.create(name="UIG", slug="uig", contact_email="g@example.org")
    start = timezone.now() + dt.timedelta(days=7)
    made = {}
    for language in ("uk", "ar"):
        event = Event.objects.create(
            group=group, slug=f"m-{language}", title="M", start_date=start.date(),
            start_time=dt.time(19), end_date=start.date(), end_time=dt.time(21),
            time_zone="Europe/London", language=language, starts_at=start,
            ends_at=start + dt.timedelta(hours=2), capacity=10,
        )  # fmt: skip
        made[language] = Registration.objects.create(
            event=event, name="P", email=f"p-{language}@example.org", status="confirmed",
            confirmed_at=start,
            token_hash=language * 32,
        ).pk  # fmt: skip

    new = migrate([("rsvp", "0008_registration_language")])

    registrations = new.get_model("rsvp", "Registration").objects
    assert {r.pk: r.language for r in registrations.all()} == {
        made["uk"]: "uk",
        made["ar"]: "ar",
    }


@pytest.mark.django_db
def test_a_change_notice_tells_old_and_new_in_the_attendees_language(client, group, venue):
    """The values of a change (the old and new time, "Online only") are written for each
    attendee in their language, not stored once in the meeting's."""
    event = make_event(group=group, venue=venue, language="en", title=TITLE)
    layla = register_from_page(client, event, "layla@example.org", "ar")
    rosa = register_from_page(client, event, "rosa@example.org", "en")
    for registration in (layla, rosa):
        rsvp.confirm(registration=registration)
    before = Message.objects.order_by("-id").values_list("id", flat=True).first()
    old_when = {language: when_in(event, language) for language in ("ar", "en")}

    event.start_time, event.end_time = dt.time(20, 0), dt.time(22, 0)
    event.venue, event.online_url = None, "https://meet.example.org/room"
    event = events.update_event(event=event)
    notices.send_notice(notice=notices.pending_notice(event=event), by=None)

    emails = {email.to[0]: email for email in outbox(after=before)}
    for address, language in (("layla@example.org", "ar"), ("rosa@example.org", "en")):
        email = emails[address]
        for part in (email.body, html_of(email)):
            assert old_when[language] in part
            assert when_in(event, language) in part
            with translation.override(language):
                assert translation.gettext("Online only") in part
    assert not ARABIC.search(emails["rosa@example.org"].body)


def when_in(event, language: str) -> str:
    with translation.override(language):
        return event_when(event)


@pytest.mark.django_db
def test_an_english_title_inside_an_arabic_email_keeps_its_direction(client, group, venue):
    """In the HTML part the title typed in English sits in a <bdi> inside the Arabic
    sentence, so its words and the sentence's punctuation keep their places."""
    event = make_event(group=group, venue=venue, language="en", title="Rent strike: why?")
    layla = register_from_page(client, event, "layla@example.org", "ar")
    before = Message.objects.order_by("-id").values_list("id", flat=True).first()

    rsvp.confirm(registration=layla)

    (email,) = outbox(after=before)
    assert "<bdi>Rent strike: why?</bdi>" in html_of(email)
    assert "<bdi>" not in email.body  # the text part has no markup
