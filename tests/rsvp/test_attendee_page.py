"""The attendee's own page, /rsvp/<token>/: what it says, its buttons' POSTs, its .ics."""

import datetime as dt
import re

import icalendar
import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_event
from tests.mail import calendar_of, files, last_queued, outbox
from tests.rsvp.helpers import seats
from turnout.core.models import Message
from turnout.core.timefmt import moment
from turnout.events import services as events
from turnout.events.models import Event
from turnout.groups.models import Group
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import token_for
from turnout.rsvp.models import Registration

Status = Registration.Status
ONLINE = "https://meet.example.org/secret-room"
LINK_NOT_WORKING = "<h1>This link does not work</h1>"
CONFIRMED_MESSAGE = "Thank you: your place is confirmed."
WAITLIST_MESSAGE = "Thank you: your email is confirmed, and you are on the waitlist."
CANCELLED_MESSAGE = "Done: your registration is cancelled. Thank you for letting us know."
NOT_IN_TIME = (
    "This registration was cancelled, or not confirmed in time. "
    "Register again if there is still room."
)


@pytest.fixture
def meeting(group, venue):
    """Three seats in a hall, with an online link too; up to two guests each."""
    return make_event(group=group, venue=venue, capacity=3, max_guests=2, online_url=ONLINE)


def register(event, name="Ann", guests=0, *, confirm=False) -> Registration:
    registration, _created = rsvp.register(
        event=event, name=name, email=f"{name.lower()}@example.org", guests=guests
    )
    if confirm:
        registration = rsvp.confirm(registration=registration)
    return registration


def url(registration, action: str = "") -> str:
    return f"/rsvp/{token_for(registration)}/{action}"


def html(response) -> str:
    return response.content.decode()


def messages_shown(response) -> list[str]:
    return re.findall(r'<li class="message [a-z]+">(.*?)</li>', html(response))


def forms_on(response) -> list[str]:
    """The actions of the page's POST forms."""
    return re.findall(r'<form method="post" action="([^"]+)"', html(response))


def status_of(registration) -> str:
    return Registration.objects.get(pk=registration.pk).status


def calendar_attachment(email) -> icalendar.Event:
    return calendar_of(email)


# --- what the page says


def test_page_of_a_hold_asks_to_confirm_and_says_until_when(client, meeting):
    ann = register(meeting, guests=1)

    response = client.get(url(ann))

    text = html(response)
    assert response.status_code == 200
    assert "<h1>Your registration, <bdi>Ann</bdi></h1>" in text
    assert '<h2 id="status-heading">Confirm your place</h2>' in text
    until = moment(ann.hold_expires_at, meeting.time_zone)
    assert f"Your 2 seats are held until {until}. Confirm them so they stay yours." in text
    assert forms_on(response) == [
        url(ann, "confirm/"),
        url(ann, "details/"),
        url(ann, "cancel/"),
        url(ann, "erase/"),
    ]
    assert ONLINE not in text


def test_page_of_a_hold_for_one_says_seat(client, meeting):
    ann = register(meeting)

    text = html(client.get(url(ann)))

    assert "Your seat is held until " in text


def test_page_of_an_unconfirmed_waitlist_entry_asks_to_confirm_the_email(client, meeting):
    register(meeting, "Ann", guests=2)
    bob = register(meeting, "Bob")

    response = client.get(url(bob))

    text = html(response)
    assert '<h2 id="status-heading">Confirm your email to join the waitlist</h2>' in text
    assert '<button type="submit">Confirm my email</button>' in text
    assert forms_on(response) == [
        url(bob, "confirm/"),
        url(bob, "details/"),
        url(bob, "cancel/"),
        url(bob, "erase/"),
    ]
    assert ONLINE not in text


def test_page_of_a_waitlist_entry_gives_its_place_in_the_queue(client, meeting):
    register(meeting, "Ann", guests=2, confirm=True)
    bob = register(meeting, "Bob", confirm=True)
    cat = register(meeting, "Cat", confirm=True)
    register(meeting, "Dan")  # not in the queue before confirming the email

    bob_page, cat_page = html(client.get(url(bob))), html(client.get(url(cat)))

    assert '<h2 id="status-heading">You are number 1 on the waitlist</h2>' in bob_page
    assert '<h2 id="status-heading">You are number 2 on the waitlist</h2>' in cat_page
    assert f'action="{url(cat, "cancel/")}"' in cat_page
    assert ONLINE not in cat_page


def test_page_of_a_confirmed_place_shows_the_online_link(client, meeting):
    ann = register(meeting, guests=1, confirm=True)

    text = html(client.get(url(ann)))

    assert '<h2 id="status-heading">Your place is confirmed</h2>' in text
    assert "2 seats, for you and your guests." in text
    assert f'<a href="{ONLINE}" rel="noopener noreferrer" dir="ltr">{ONLINE}</a>' in text
    assert f'href="{url(ann, "event.ics")}"' in text
    assert f'action="{url(ann, "cancel/")}"' in text


def test_page_of_a_cancelled_meeting_hides_the_online_link_even_when_confirmed(client, meeting):
    ann = register(meeting, confirm=True)
    events.cancel_event(event=meeting)

    response = client.get(url(ann))

    assert "This meeting has been cancelled." in html(response)
    assert ONLINE not in html(response)
    assert forms_on(response) == [url(ann, "erase/")]  # erasing is always possible


def test_page_of_a_cancelled_registration_has_no_forms_and_offers_to_register_again(
    client, meeting
):
    ann = register(meeting)
    rsvp.cancel(registration=ann)

    response = client.get(url(ann))

    text = html(response)
    assert '<h2 id="status-heading">This registration is cancelled</h2>' in text
    assert forms_on(response) == [url(ann, "erase/")]
    assert f'href="/uig/events/{meeting.slug}/#rsvp">Register again</a>' in text
    assert "event.ics" not in text
    assert ONLINE not in text


def test_page_is_kept_out_of_search_engines_and_other_sites_referrers(client, meeting):
    response = client.get(url(register(meeting)))

    assert '<meta name="robots" content="noindex">' in html(response)
    # Links to the map or the online meeting must not carry the token to another site.
    assert response["Referrer-Policy"] in ("no-referrer", "same-origin")


# --- opening links changes nothing


def test_opening_the_page_does_not_confirm(client, meeting):
    ann = register(meeting)

    for _ in range(3):
        assert client.get(url(ann)).status_code == 200

    assert status_of(ann) == Status.HELD
    assert len(outbox()) == 1


@pytest.mark.parametrize("action", ["confirm/", "cancel/", "details/", "erase/"])
def test_get_of_an_action_is_refused_and_changes_nothing(client, meeting, table_rows, action):
    ann = register(meeting, guests=1)
    before = (table_rows(), list(Registration.objects.values()), len(outbox()))

    response = client.get(url(ann, action), {"name": "Mallory", "guests": "0"})

    assert response.status_code == 405
    assert (table_rows(), list(Registration.objects.values()), len(outbox())) == before


# --- confirm


def test_confirm_confirms_and_emails_the_calendar_file_with_the_online_link(client, meeting):
    ann = register(meeting, guests=1)

    response = client.post(url(ann, "confirm/"))

    assert response.status_code == 302
    assert response["Location"] == url(ann)
    assert status_of(ann) == Status.CONFIRMED
    assert seats(meeting) == (2, 2)
    page = client.get(url(ann))
    assert messages_shown(page) == [CONFIRMED_MESSAGE]
    assert '<h2 id="status-heading">Your place is confirmed</h2>' in html(page)
    email = outbox()[-1]
    assert (email.to, email.subject) == (
        ["ann@example.org"],
        f"Your place at {meeting.title} is confirmed",
    )
    entry = calendar_attachment(email)
    assert str(entry["SUMMARY"]) == meeting.title
    assert str(entry["DESCRIPTION"]).startswith(f"{ONLINE}\n\n")
    assert f'<a href="{ONLINE}">' in email.alternatives[0][0]


def test_confirm_twice_is_harmless(client, meeting):
    ann = register(meeting)
    client.post(url(ann, "confirm/"), follow=True)
    confirmed_at = Registration.objects.get(pk=ann.pk).confirmed_at
    sent = len(outbox())

    response = client.post(url(ann, "confirm/"), follow=True)

    assert response.status_code == 200
    assert messages_shown(response) == [CONFIRMED_MESSAGE]
    assert Registration.objects.get(pk=ann.pk).confirmed_at == confirmed_at
    assert len(outbox()) == sent
    assert seats(meeting) == (1, 1)


def test_confirm_an_expired_hold_is_refused_with_a_message(client, meeting):
    ann = register(meeting)
    Registration.objects.filter(pk=ann.pk).update(
        hold_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )

    response = client.post(url(ann, "confirm/"), follow=True)

    assert messages_shown(response) == [NOT_IN_TIME]
    assert status_of(ann) == Status.HELD  # the expiry job cancels it and frees the seat
    assert len(outbox()) == 1


def test_confirm_a_cancelled_registration_is_refused_with_a_message(client, meeting):
    ann = register(meeting)
    rsvp.cancel(registration=ann)

    response = client.post(url(ann, "confirm/"), follow=True)

    assert messages_shown(response) == [NOT_IN_TIME]
    assert status_of(ann) == Status.CANCELLED
    assert seats(meeting) == (0, 0)


def test_confirm_a_waitlist_entry_puts_it_in_the_queue(client, meeting):
    register(meeting, "Ann", guests=2)
    bob = register(meeting, "Bob")

    response = client.post(url(bob, "confirm/"), follow=True)

    assert messages_shown(response) == [WAITLIST_MESSAGE]
    assert '<h2 id="status-heading">You are number 1 on the waitlist</h2>' in html(response)
    assert files(outbox()[-1]) == []  # no calendar file for a place not yet had


# --- cancel


def test_cancel_frees_the_seats_and_promotes_the_first_party_that_fits(client, meeting):
    ann = register(meeting, "Ann", guests=1, confirm=True)
    register(meeting, "Cat", confirm=True)
    big = register(meeting, "Big", guests=2, confirm=True)  # first in the queue, three seats
    dan = register(meeting, "Dan", confirm=True)
    sent = len(outbox())

    response = client.post(url(ann, "cancel/"), follow=True)

    assert messages_shown(response) == [CANCELLED_MESSAGE]
    assert '<h2 id="status-heading">This registration is cancelled</h2>' in html(response)
    assert (status_of(ann), status_of(big), status_of(dan)) == (
        Status.CANCELLED,
        Status.WAITLISTED,
        Status.CONFIRMED,
    )
    assert seats(meeting) == (2, 2)
    (promoted,) = outbox()[sent:]
    assert (promoted.to, promoted.subject) == (
        ["dan@example.org"],
        f"A place at {meeting.title} is yours",
    )
    assert url(dan) in promoted.body
    assert str(calendar_attachment(promoted)["DESCRIPTION"]).startswith(f"{ONLINE}\n\n")


def test_cancel_twice_is_harmless_and_says_so(client, meeting):
    ann = register(meeting, confirm=True)
    client.post(url(ann, "cancel/"), follow=True)
    cancelled_at = Registration.objects.get(pk=ann.pk).cancelled_at
    register(meeting, "Bob", guests=2, confirm=True)

    response = client.post(url(ann, "cancel/"), follow=True)

    assert response.status_code == 200
    assert messages_shown(response) == [CANCELLED_MESSAGE]
    assert Registration.objects.get(pk=ann.pk).cancelled_at == cancelled_at
    assert seats(meeting) == (3, 3)  # Bob's seats are not freed by Ann's second cancel


def test_leaving_the_waitlist(client, meeting):
    register(meeting, "Ann", guests=2, confirm=True)
    bob = register(meeting, "Bob", confirm=True)

    response = client.post(url(bob, "cancel/"), follow=True)

    assert messages_shown(response) == [CANCELLED_MESSAGE]
    assert status_of(bob) == Status.CANCELLED
    assert seats(meeting) == (3, 3)


# --- change details


def test_change_details_lowers_guests_frees_seats_and_promotes(client, meeting):
    ann = register(meeting, "Ann", guests=2, confirm=True)
    bob = register(meeting, "Bob", confirm=True)

    response = client.post(url(ann, "details/"), {"name": "Ann Smith", "guests": "1"})

    assert response.status_code == 302
    stored = Registration.objects.get(pk=ann.pk)
    assert (stored.name, stored.guests) == ("Ann Smith", 1)
    assert status_of(bob) == Status.CONFIRMED
    assert seats(meeting) == (3, 3)
    page = client.get(url(ann))
    assert messages_shown(page) == ["Your changes are saved."]
    assert "<h1>Your registration, <bdi>Ann Smith</bdi></h1>" in html(page)


def test_change_details_of_a_party_of_one_changes_the_name(client, meeting):
    ann = register(meeting)

    client.post(url(ann, "details/"), {"name": "Ann Smith"})

    assert Registration.objects.get(pk=ann.pk).name == "Ann Smith"
    assert seats(meeting) == (1, 1)


def test_change_details_with_more_guests_than_allowed_is_refused(client, meeting):
    ann = register(meeting, guests=1)

    response = client.post(url(ann, "details/"), {"name": "Ann", "guests": "3"})

    assert response.status_code == 400
    assert "Each person may bring at most 2 guests." in html(response)
    assert Registration.objects.get(pk=ann.pk).guests == 1
    assert seats(meeting) == (2, 2)


def test_change_details_with_an_empty_name_is_refused(client, meeting):
    ann = register(meeting, guests=1)

    response = client.post(url(ann, "details/"), {"name": "   ", "guests": "0"})

    assert response.status_code == 400
    assert "Give your name." in html(response)
    stored = Registration.objects.get(pk=ann.pk)
    assert (stored.name, stored.guests) == ("Ann", 1)
    assert seats(meeting) == (2, 2)


# --- the calendar file


def test_calendar_file_of_a_confirmed_place_has_the_online_link(client, meeting):
    ann = register(meeting, confirm=True)

    response = client.get(url(ann, "event.ics"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{meeting.slug}.ics"'
    (entry,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(entry["SUMMARY"]) == meeting.title
    assert entry.decoded("DTSTART") == meeting.starts_at
    assert str(entry["DESCRIPTION"]).startswith(f"{ONLINE}\n\n")


@pytest.mark.parametrize("state", ["held", "waitlist", "cancelled"])
def test_calendar_file_before_confirmation_has_no_online_link(client, meeting, state):
    if state == "waitlist":
        register(meeting, "Bob", guests=2, confirm=True)
    ann = register(meeting)
    if state == "cancelled":
        rsvp.cancel(registration=ann)

    response = client.get(url(ann, "event.ics"))

    assert response.status_code == 200
    unfolded = response.content.replace(b"\r\n ", b"")
    assert b"meet.example.org" not in unfolded
    (entry,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(entry["SUMMARY"]) == meeting.title


# --- erase


ERASED = "<h1>Your details have been erased</h1>"


def test_page_offers_to_erase_behind_a_second_step_with_the_groups_retention(client, meeting):
    Group.objects.filter(pk=meeting.group_id).update(anonymise_after_days=30)
    ann = register(meeting, confirm=True)

    text = html(client.get(url(ann)))

    assert '<h2 id="erase-heading">Erase my details</h2>' in text
    assert "from the emails we keep about it 30 days after the meeting." in text
    erase_step = text.split('<h2 id="erase-heading">', 1)[1]
    assert '<details class="confirm-step">\n    <summary>Erase my details…</summary>' in erase_step
    assert f'<form method="post" action="{url(ann, "erase/")}">' in erase_step
    assert "Your place is cancelled first, so that someone else can have it." in erase_step
    assert '<button type="submit" class="danger">Yes, erase my details</button>' in erase_step


def test_erase_cancels_the_place_promotes_the_waitlist_and_blanks_everything(client, meeting):
    ann = register(meeting, "Ann", guests=2, confirm=True)
    dan = register(meeting, "Dan", confirm=True)  # waiting for a seat
    ann_mail = list(Message.objects.filter(registration=ann).values_list("pk", flat=True))
    sent = last_queued()
    old_link = url(ann)

    response = client.post(url(ann, "erase/"))

    assert response.status_code == 200
    assert ERASED in html(response)
    assert "ann@example.org" not in html(response)
    erased = Registration.objects.get(pk=ann.pk)
    assert (erased.name, erased.email, erased.access_needs) == ("", "", "")
    assert erased.status == Status.CANCELLED
    assert (erased.guests, erased.source) == (2, Registration.Source.FORM)
    assert erased.anonymised_at is not None
    assert (status_of(dan), seats(meeting)) == (Status.CONFIRMED, (1, 1))
    assert [e.to for e in outbox(after=sent)] == [["dan@example.org"]]  # Dan's promotion
    blanked = Message.objects.filter(pk__in=ann_mail)
    assert len(ann_mail) == 2  # "confirm your place", "confirmed"
    assert {(m.to_email, m.subject, str(m.params), m.last_error) for m in blanked} == {
        ("", "", "{}", "")
    }
    assert all(m.anonymised_at for m in blanked)
    gone = client.get(old_link)
    assert gone.status_code == 404
    assert LINK_NOT_WORKING in html(gone)
    assert client.post(old_link + "erase/").status_code == 404  # twice: the link is dead


def test_erase_of_a_waitlist_entry_leaves_the_queue(client, meeting):
    register(meeting, "Ann", guests=2, confirm=True)
    bob = register(meeting, "Bob", confirm=True)

    client.post(url(bob, "erase/"))

    assert status_of(bob) == Status.CANCELLED
    assert Registration.objects.get(pk=bob.pk).email == ""
    assert seats(meeting) == (3, 3)


def test_erase_fails_mail_still_queued_so_it_is_never_sent(client, meeting):
    ann = register(meeting)
    (queued,) = Message.objects.filter(registration=ann)
    assert queued.status == Message.Status.QUEUED

    client.post(url(ann, "erase/"))

    queued.refresh_from_db()
    assert (queued.status, queued.to_email, queued.params) == (Message.Status.FAILED, "", {})
    assert not Message.objects.filter(status=Message.Status.QUEUED).exists()  # nothing to send


def test_erase_is_allowed_after_the_meeting_started(client, meeting):
    ann = register(meeting, guests=1, confirm=True)
    Event.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))

    response = client.post(url(ann, "erase/"))

    assert ERASED in html(response)
    assert status_of(ann) == Status.CANCELLED
    assert seats(meeting) == (0, 0)


def test_erase_after_the_meeting_ended_keeps_the_count(client, meeting):
    ann = register(meeting, guests=1, confirm=True)
    rsvp.check_in(registration=ann, by=None)
    Event.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=3),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )

    response = client.post(url(ann, "erase/"))

    assert ERASED in html(response)
    erased = Registration.objects.get(pk=ann.pk)
    assert (erased.name, erased.email, erased.status) == ("", "", Status.CONFIRMED)
    assert erased.attended_at is not None
    assert seats(meeting) == (2, 2)


def test_erase_of_a_cancelled_registration_of_a_cancelled_meeting(client, meeting):
    ann = register(meeting)
    rsvp.cancel(registration=ann)
    events.cancel_event(event=meeting)

    response = client.post(url(ann, "erase/"))

    assert ERASED in html(response)
    assert Registration.objects.get(pk=ann.pk).anonymised_at is not None


def test_erase_without_the_csrf_token_is_refused_and_changes_nothing(meeting, table_rows):
    ann = register(meeting, confirm=True)
    before = (table_rows(), list(Registration.objects.values()), len(outbox()))

    response = Client(enforce_csrf_checks=True).post(url(ann, "erase/"))

    assert response.status_code == 403
    assert (table_rows(), list(Registration.objects.values()), len(outbox())) == before


def test_erase_leaves_the_persons_other_registrations_alone(client, group, venue, meeting):
    other = make_event(group=group, venue=venue, title="Another meeting")
    ann = register(meeting, confirm=True)
    ann_elsewhere = register(other, confirm=True)

    client.post(url(ann, "erase/"))

    kept = Registration.objects.get(pk=ann_elsewhere.pk)
    assert (kept.name, kept.email, kept.anonymised_at) == ("Ann", "ann@example.org", None)
    assert client.get(url(kept)).status_code == 200
    assert set(Message.objects.filter(registration=kept).values_list("to_email", flat=True)) == {
        "ann@example.org"
    }


# --- links that do not work


@pytest.mark.parametrize("action", ["", "event.ics"])
@pytest.mark.parametrize("token", ["forged", "A" * 43, "x" * 400, "%00"])
def test_a_forged_token_shows_the_link_not_working_page(client, meeting, token, action):
    register(meeting)

    response = client.get(f"/rsvp/{token}/{action}")

    assert response.status_code == 404
    assert LINK_NOT_WORKING in html(response)
    assert '<meta name="robots" content="noindex">' in html(response)


@pytest.mark.parametrize("action", ["confirm/", "cancel/", "details/", "erase/"])
def test_a_forged_token_acts_on_nothing(client, meeting, table_rows, action):
    register(meeting, guests=1)
    before = (table_rows(), list(Registration.objects.values()), len(outbox()))

    response = client.post(f"/rsvp/{'A' * 43}/{action}", {"name": "Mallory", "guests": "0"})

    assert response.status_code == 404
    assert LINK_NOT_WORKING in html(response)
    assert (table_rows(), list(Registration.objects.values()), len(outbox())) == before


def test_the_old_link_of_a_cancelled_and_renewed_registration_stops_working(client, meeting):
    ann = register(meeting)
    old = url(ann)
    rsvp.cancel(registration=ann)
    renewed, created = rsvp.register(event=meeting, name="Ann", email="ann@example.org")
    assert created

    responses = [client.get(old), client.post(f"{old}cancel/"), client.get(f"{old}event.ics")]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert status_of(renewed) == Status.HELD
    assert client.get(url(renewed)).status_code == 200


def test_a_token_opens_only_its_own_registration(client, group, venue, meeting):
    other_meeting = make_event(group=group, venue=venue, title="Another meeting")
    ann_here = register(meeting, "Ann")
    ann_there, _ = rsvp.register(event=other_meeting, name="Ann", email="ann@example.org")

    text = html(client.get(url(ann_there)))
    client.post(url(ann_there, "cancel/"))

    assert "Another meeting" in text
    assert meeting.title not in text
    assert status_of(ann_there) == Status.CANCELLED
    assert status_of(ann_here) == Status.HELD
    assert seats(meeting) == (1, 1)


def test_page_of_a_lapsed_hold_shows_it_lapsed_before_the_job_runs(client, meeting):
    ann = register(meeting)
    Registration.objects.filter(pk=ann.pk).update(
        hold_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )

    response = client.get(url(ann))

    assert "This registration is cancelled" in html(response)
    assert "not confirmed in time" in html(response)
    assert forms_on(response) == [url(ann, "erase/")]  # no "Confirm" with a time already past
    assert "Register again" in html(response)
