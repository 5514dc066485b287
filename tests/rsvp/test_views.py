"""The RSVP form on the event page: what it shows, what its POST does, and its limits."""

import datetime as dt
import re
import time
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tests.factories import make_event
from tests.mail import outbox
from tests.rsvp.helpers import day_of, seats
from turnout.core import ratelimit
from turnout.core.timezones import to_aware
from turnout.events import services as events
from turnout.mailing.models import Subscriber
from turnout.pages.views.meeting import PER_CLIENT, PER_EMAIL
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import token_for
from turnout.rsvp.models import Registration

Status = Registration.Status
CLOSED = '<h2 id="rsvp-heading">Registration closed</h2>'
CHECK_INBOX = "<h1>Check your inbox</h1>"
CONSENT_MESSAGE = "Tick this box to share your access needs, or leave that field empty."


def page(event) -> str:
    return f"/{event.group.slug}/events/{event.slug}/"


def post(client: Client, event, *, extra: dict | None = None, **fields):
    """The RSVP form as a browser sends it; ``extra`` sets the request (its address)."""
    data = {"name": "Ann Smith", "email": "ann@example.org", **fields}
    return client.post(page(event), data, **(extra or {}))


def html(response) -> str:
    return response.content.decode()


def field_errors(response, field: str) -> list[str]:
    """The messages shown under one field of the RSVP form."""
    found = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html(response))
    return re.findall(r"<li>(.*?)</li>", found.group(1)) if found else []


def without_csrf(text: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def in_one_window(seconds: int, needed: float = 5.0) -> None:
    """Wait, if need be, so the next ``needed`` seconds fall in one rate-limit window."""
    left = seconds - time.time() % seconds
    if left < needed:
        time.sleep(left + 0.05)


def local_day(moment: dt.datetime, zone: str) -> str:
    """How the pages write a day: "Saturday 28 November", with the year if not this one."""
    local = moment.astimezone(ZoneInfo(zone))
    year = f" {local.year}" if local.year != timezone.now().year else ""
    return f"{local:%A} {local.day} {local:%B}{year}"


@pytest.fixture
def meeting(group, venue):
    """Three seats, up to two guests each, seats left shown, email confirmation on."""
    return make_event(
        group=group, venue=venue, capacity=3, max_guests=2, public_counts="seats_left"
    )


# --- the form on the event page


def test_event_page_shows_the_form_with_a_label_for_every_field(client, meeting):
    response = client.get(page(meeting))

    text = html(response)
    assert response.status_code == 200
    assert '<h2 id="rsvp-heading">I’m coming</h2>' in text
    for field, label in [
        ("name", "Your name"),
        ("email", "Your email address"),
        ("guests", "Guests you are bringing"),
        ("access_needs", "Access needs (optional)"),
        ("keep_posted", "Keep me posted about this group’s meetings"),
    ]:
        assert re.search(rf'<label for="id_{field}">{re.escape(label)}:?</label>', text), field
        assert f'id="id_{field}"' in text
    assert '<label for="id_access_consent">I agree that the organisers keep' in text
    assert '<input type="email" name="email"' in text
    assert 'min="0" max="2"' in text
    assert '<div class="trap" aria-hidden="true">' in text
    assert '<button type="submit">Register</button>' in text


def test_event_page_of_a_meeting_without_guests_has_no_guests_field(client, event):
    text = html(client.get(page(event)))

    assert 'name="email"' in text
    assert 'name="guests"' not in text


@pytest.mark.parametrize(
    ("public_counts", "seats_left", "room_for"),
    [
        ("seats_left", True, True),
        ("capacity", False, True),
        ("none", False, False),
    ],
)
def test_event_page_shows_the_numbers_the_organiser_chose(
    client, group, venue, public_counts, seats_left, room_for
):
    meeting = make_event(group=group, venue=venue, capacity=3, public_counts=public_counts)

    text = html(client.get(page(meeting)))

    assert ('<p class="seats-left">3 seats left.</p>' in text) is seats_left
    assert ("seats left" in text) is seats_left
    assert ("Room for 3 people." in text) is room_for
    assert ("Room for" in text) is room_for


def test_event_page_counts_down_the_seats_left_as_places_are_confirmed(client, meeting):
    post(client, meeting, guests="1")
    held = html(client.get(page(meeting)))
    rsvp.confirm(registration=Registration.objects.get())
    cache.clear()  # the page cache

    text = html(client.get(page(meeting)))

    assert '<p class="seats-left">3 seats left.</p>' in held  # a hold is not counted
    assert '<p class="seats-left">1 seat left.</p>' in text


def test_event_page_of_a_full_meeting_offers_the_waitlist(client, meeting):
    post(client, meeting, guests="2")
    rsvp.confirm(registration=Registration.objects.get())

    text = html(client.get(page(meeting)))

    assert '<h2 id="rsvp-heading">Join the waitlist</h2>' in text
    assert "This meeting is full. Join the waitlist" in text
    assert '<button type="submit">Join the waitlist</button>' in text
    assert "seats left" not in text
    assert 'name="email"' in text


def test_event_page_of_a_draft_is_not_found(client, group, venue):
    draft = make_event(group=group, venue=venue, published=False)

    assert client.get(page(draft)).status_code == 404


def _closed(kind: str, group, venue):
    """A published meeting that takes no registrations, and the reason the page gives."""
    zone = "Europe/Kyiv"  # not the group's: the reason's time is in the meeting's own zone
    today = timezone.now().astimezone(ZoneInfo(zone)).date()
    if kind == "cancelled":
        meeting = make_event(group=group, venue=venue)
        events.cancel_event(event=meeting)
        return meeting, "This meeting was cancelled; registration is closed."
    if kind == "past":
        meeting = make_event(group=group, venue=venue, days_ahead=-3)
        return meeting, "This meeting has already started; registration is closed."
    if kind == "in_progress":
        start = (timezone.now() - dt.timedelta(hours=1)).replace(second=0, microsecond=0)
        end = start + dt.timedelta(hours=2)
        meeting = make_event(
            group=group,
            venue=venue,
            time_zone="UTC",
            start_date=start.date(),
            start_time=start.time(),
            end_date=end.date(),
            end_time=end.time(),
        )
        return meeting, "This meeting has already started; registration is closed."
    if kind == "not_open":
        opens = to_aware(today + dt.timedelta(days=2), dt.time(18, 0), zone)
        meeting = make_event(group=group, venue=venue, time_zone=zone, registration_opens_at=opens)
        return meeting, f"Registration opens on {local_day(opens, zone)}, 6pm."
    assert kind == "closed_early"
    closed = to_aware(today - dt.timedelta(days=1), dt.time(20, 30), zone)
    meeting = make_event(group=group, venue=venue, time_zone=zone, registration_closes_at=closed)
    return meeting, f"Registration closed on {local_day(closed, zone)}, 8:30pm."


CLOSED_KINDS = ["cancelled", "past", "in_progress", "not_open", "closed_early"]


@pytest.mark.parametrize("kind", CLOSED_KINDS)
def test_event_page_of_a_closed_meeting_says_why_and_has_no_form(client, group, venue, kind):
    meeting, reason = _closed(kind, group, venue)

    response = client.get(page(meeting))

    text = html(response)
    assert response.status_code == 200
    assert CLOSED in text
    assert f"<p>{reason}</p>" in text
    assert 'name="email"' not in text
    assert 'class="seats-left"' not in text


@pytest.mark.parametrize("kind", CLOSED_KINDS)
@pytest.mark.parametrize("data", ["valid", "invalid"])
def test_rsvp_to_a_closed_meeting_changes_nothing_and_says_why(
    client, group, venue, table_rows, kind, data
):
    meeting, reason = _closed(kind, group, venue)
    before = table_rows()
    fields = {} if data == "valid" else {"email": "not an email", "guests": "two"}

    response = post(client, meeting, **fields)

    text = html(response)
    assert response.status_code == 200
    assert CLOSED in text
    assert f"<p>{reason}</p>" in text
    assert CHECK_INBOX not in text
    assert Registration.objects.count() == 0
    assert outbox() == []
    assert table_rows() == before
    assert seats(meeting) == (0, 0)


def test_rsvp_to_a_draft_is_not_found_and_stores_nothing(client, group, venue):
    draft = make_event(group=group, venue=venue, published=False)

    response = post(client, draft)

    assert response.status_code == 404
    assert Registration.objects.count() == 0
    assert outbox() == []


# --- registering


def test_rsvp_holds_the_seats_and_emails_the_link_to_the_attendees_page(client, meeting):
    response = post(client, meeting, name="  Ann   Smith ", email="Ann@Example.org ", guests="1")

    assert response.status_code == 200
    text = html(response)
    assert CHECK_INBOX in text
    assert "We have emailed ann@example.org a link to your page for this meeting." in text
    registration = Registration.objects.get()
    assert (registration.name, registration.email, registration.guests, registration.status) == (
        "Ann Smith",
        "ann@example.org",
        1,
        Status.HELD,
    )
    assert seats(meeting) == (2, 2)
    (email,) = outbox()
    assert email.to == ["ann@example.org"]
    assert email.subject == f"Confirm your place at a meeting organised by {meeting.group.name}"
    link = f"http://127.0.0.1:8000/rsvp/{token_for(registration)}/"
    assert link in email.body
    assert f'href="{link}"' in email.alternatives[0][0]


def test_rsvp_without_email_confirmation_confirms_and_says_so(client, group, venue):
    meeting = make_event(group=group, venue=venue, confirmation_required=False)

    response = post(client, meeting)

    assert "On that page you can see your place, change it or cancel it." in html(response)
    assert Registration.objects.get().status == Status.CONFIRMED
    assert [e.subject for e in outbox()] == [
        f"Your place at the meeting organised by {group.name} on {day_of(meeting)} is confirmed"
    ]


def test_rsvp_to_a_full_meeting_joins_the_waitlist(client, meeting):
    post(client, meeting, email="first@example.org", guests="2")

    response = post(client, meeting, email="second@example.org")

    assert CHECK_INBOX in html(response)
    second = Registration.objects.get(email="second@example.org")
    assert (second.status, second.waitlist_position) == (Status.WAITLIST_UNCONFIRMED, 1)
    assert seats(meeting) == (3, 3)


def test_rsvp_again_with_the_same_email_shows_the_same_page_and_changes_nothing(client, meeting):
    first = post(client, meeting, name="Ann", email="ann@example.org", guests="1")
    stored = Registration.objects.values().get()

    again = post(client, meeting, name="Mallory", email=" ANN@example.ORG", guests="2")

    assert again.status_code == first.status_code == 200
    assert without_csrf(html(again)) == without_csrf(html(first))
    assert Registration.objects.values().get() == stored
    assert seats(meeting) == (2, 2)
    emails = outbox()
    assert [e.to for e in emails] == [["ann@example.org"], ["ann@example.org"]]
    assert emails[1].subject == (
        f"Your registration for the meeting organised by {meeting.group.name} on {day_of(meeting)}"
    )
    assert "It is registered already, so nothing has changed." in emails[1].body


def test_rsvp_with_the_trap_field_filled_looks_the_same_and_does_nothing(client, meeting):
    bot = post(client, meeting, website="https://spam.example.com")

    assert bot.status_code == 200
    assert Registration.objects.count() == 0
    assert outbox() == []
    person = post(client, meeting)
    assert without_csrf(html(bot)) == without_csrf(html(person))


def test_rsvp_with_guests_takes_their_seats(client, meeting):
    post(client, meeting, guests="2")

    assert Registration.objects.get().guests == 2
    assert seats(meeting) == (3, 3)


def test_rsvp_with_access_needs_but_no_consent_is_refused_and_stores_nothing(
    client, meeting, table_rows
):
    before = table_rows()

    response = post(client, meeting, access_needs="Step-free access, please")

    assert response.status_code == 200
    assert field_errors(response, "access_consent") == [CONSENT_MESSAGE]
    assert CHECK_INBOX not in html(response)
    assert "Step-free access, please</textarea>" in html(response)  # kept for the next try
    assert Registration.objects.count() == 0
    assert outbox() == []
    assert table_rows() == before


def test_rsvp_with_access_needs_and_consent_stores_them(client, meeting):
    post(client, meeting, access_needs="  Step-free access, please ", access_consent="on")

    assert Registration.objects.get().access_needs == "Step-free access, please"


def test_rsvp_with_consent_but_no_access_needs_stores_none(client, meeting):
    post(client, meeting, access_consent="on")

    assert Registration.objects.get().access_needs == ""


def test_rsvp_asking_to_be_kept_posted_emails_the_lists_confirmation_link(client, meeting):
    post(client, meeting, keep_posted="on")

    subjects = [(e.to, e.subject) for e in outbox()]
    assert subjects == [
        (["ann@example.org"], f"Confirm your place at a meeting organised by {meeting.group.name}"),
        (["ann@example.org"], "Confirm that you want emails from Ukraine Information Group"),
    ]
    assert "/subscriptions/confirm/" in outbox()[1].body
    assert Subscriber.objects.count() == 0  # not before the address confirms


def test_rsvp_without_keep_posted_sends_no_list_email(client, meeting):
    post(client, meeting)

    assert [e.subject for e in outbox()] == [
        f"Confirm your place at a meeting organised by {meeting.group.name}"
    ]


def test_rsvp_with_a_bad_email_shows_the_message_by_the_field(client, meeting):
    response = post(client, meeting, email="ann@", guests="5")

    assert response.status_code == 200
    assert field_errors(response, "email") == ["Enter a valid email address."]
    assert field_errors(response, "guests") == ["Each person may bring at most 2 guests."]
    assert 'value="ann@"' in html(response)
    assert Registration.objects.count() == 0
    assert outbox() == []


# --- rate limits


def test_eleventh_rsvp_from_one_address_in_a_minute_is_refused(client, meeting):
    in_one_window(PER_CLIENT[2])
    answers = [post(client, meeting, email=f"person{n}@example.org").status_code for n in range(10)]

    response = post(client, meeting, email="eleventh@example.org")

    assert answers == [200] * 10
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Too many requests from your connection. Wait a minute and try again." in html(response)
    assert not Registration.objects.filter(email="eleventh@example.org").exists()
    assert Registration.objects.count() == 10
    other = post(client, meeting, email="eleventh@example.org", extra={"REMOTE_ADDR": "10.0.0.2"})
    assert other.status_code == 200  # another address is not held up


def test_sixth_rsvp_for_one_email_in_an_hour_is_refused(client, meeting):
    in_one_window(PER_EMAIL[2])
    answers = [
        post(client, meeting, email=email, extra={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code
        for n, email in enumerate(
            [
                "ann@example.org",
                "ANN@example.org",
                "ann@example.org ",
                "Ann@Example.org",
                "ann@example.org",
            ]
        )
    ]
    emails_before = len(outbox())

    response = post(client, meeting, extra={"REMOTE_ADDR": "10.0.0.99"})

    assert answers == [200] * 5
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "Too many requests for this email address. Wait an hour and try again." in html(response)
    assert len(outbox()) == emails_before  # no sixth email to that inbox
    assert post(client, meeting, email="bob@example.org").status_code == 200


def test_an_exempt_address_is_let_through_but_still_counted(client, meeting, settings):
    settings.TURNOUT_BEHIND_PROXY = False
    settings.TURNOUT_RATE_LIMIT_EXEMPT = ["127.0.0.1"]
    in_one_window(PER_CLIENT[2])

    answers = [post(client, meeting, email=f"person{n}@example.org").status_code for n in range(12)]

    assert answers == [200] * 12
    assert Registration.objects.count() == 12
    action, _limit, window = PER_CLIENT
    assert ratelimit.peek(action=action, subject="127.0.0.1", window_seconds=window) == 12
