"""What one RSVP POST costs the database, pinned: a POST that takes a seat and one that
joins the waitlist of a full meeting each issue a fixed list of statements, so nothing
grows back into the request (issue 22, item 3; bench/profile_rsvp.py lists them).

The event comes from the page cache's few seconds' copy, as in production (a first
POST fills it). The transaction's BEGIN (SQLite's ``BEGIN IMMEDIATE``) and COMMIT are
statements Django records on both databases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_event
from turnout.core.models import Message
from turnout.rsvp import services as rsvp
from turnout.rsvp.models import Registration

Status = Registration.Status


def page(event) -> str:
    return f"/{event.group.slug}/events/{event.slug}/"


def post_rsvp(client, event, email: str) -> list[str]:
    """One RSVP POST; the SQL statements it issued."""
    with CaptureQueriesContext(connection) as captured:
        response = client.post(page(event), {"name": "Ann Smith", "email": email})
    assert response.status_code == 200
    assert "<h1>Check your inbox</h1>" in response.content.decode()
    return [query["sql"] for query in captured.captured_queries]


def in_transaction(count: int) -> int:
    """``count`` statements, and the transaction's BEGIN and COMMIT."""
    return count + 2


@pytest.mark.django_db(transaction=True)
def test_a_seat_costs_one_statement_before_the_form_and_six_in_its_transaction(
    client, group, venue, page_cache
):
    event = make_event(group=group, venue=venue, capacity=10)
    post_rsvp(client, event, "first@example.org")  # the event is now in the page cache

    statements = post_rsvp(client, event, "ann@example.org")

    # the client's and the address's limits (one statement, before the form), then in one
    # transaction: the domain's limit, the address's earlier registration, the seat, the
    # registration, the outbox row and its delivery task. No savepoint, and nothing after
    # the commit (the organisers' "full" alert is looked at only when a seat fills it).
    assert len(statements) == 1 + in_transaction(6), "\n".join(statements)
    assert not [sql for sql in statements if "django_session" in sql]  # an anonymous visitor
    assert Registration.objects.get(email="ann@example.org").status == Status.HELD
    assert list(
        Message.objects.filter(to_email="ann@example.org").values_list("kind", flat=True)
    ) == ["rsvp/email/confirm"]  # the confirmation email, once


@pytest.mark.django_db(transaction=True)
def test_a_waitlist_place_costs_one_statement_before_the_form_and_six_in_its_transaction(
    client, group, venue, page_cache
):
    event = make_event(group=group, venue=venue, capacity=1)
    rsvp.register(event=event, name="Ann", email="seated@example.org")
    post_rsvp(client, event, "first@example.org")  # waitlisted; the full event is now cached

    statements = post_rsvp(client, event, "ann@example.org")

    # as for a seat, but the waitlist's next place instead of the seat (the meeting's copy
    # of a few seconds ago says it is full; the waitlist's statement finds no seat free).
    assert len(statements) == 1 + in_transaction(6), "\n".join(statements)
    assert not [sql for sql in statements if "django_session" in sql]
    registration = Registration.objects.get(email="ann@example.org")
    assert registration.status == Status.WAITLIST_UNCONFIRMED
    assert list(
        Message.objects.filter(to_email="ann@example.org").values_list("kind", flat=True)
    ) == ["rsvp/email/waitlisted"]


def test_the_check_your_inbox_page_is_rendered_once_for_many_visitors(
    client, group, venue, page_cache
):
    """Anonymous visitors' "check your inbox" pages differ only in the address: the page is
    kept (as the meeting page is) with the address put in its place, escaped."""
    event = make_event(group=group, venue=venue, capacity=10)
    first = client.post(page(event), {"name": "Ann Smith", "email": "first@example.org"})

    second = client.post(page(event), {"name": "Bo O'Brien", "email": "o'brien@example.org"})

    assert [t.name for t in first.templates][:1] == ["rsvp/check_inbox.html"]
    assert second.templates == []  # no template rendered for it
    text = second.content.decode()
    assert "We have emailed o&#x27;brien@example.org a link" in text
    assert "first@example.org" not in text
    assert text == first.content.decode().replace("first@example.org", "o&#x27;brien@example.org")


def test_a_logged_in_organisers_check_your_inbox_page_is_rendered_for_them(
    organiser_client, group, venue, page_cache
):
    event = make_event(group=group, venue=venue, capacity=10)
    organiser_client.post(page(event), {"name": "Ann Smith", "email": "first@example.org"})

    second = organiser_client.post(page(event), {"name": "Bo", "email": "bo@example.org"})

    assert [t.name for t in second.templates][:1] == ["rsvp/check_inbox.html"]
    assert "Log out" in second.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_seat_freed_since_the_meeting_was_cached_as_full_is_taken(
    client, group, venue, page_cache
):
    event = make_event(group=group, venue=venue, capacity=1)
    seated, _new = rsvp.register(event=event, name="Ann", email="seated@example.org")
    post_rsvp(client, event, "first@example.org")  # waitlisted; the full event is now cached
    rsvp.cancel(registration=seated)  # a seat free, the cached copy still full

    post_rsvp(client, event, "ann@example.org")

    assert Registration.objects.get(email="ann@example.org").status == Status.HELD
    first = Registration.objects.get(email="first@example.org")
    assert (first.status, first.waitlist_position) == (Status.WAITLIST_UNCONFIRMED, 1)
