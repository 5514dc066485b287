"""The organisers' registrations page: the list, its filters and search, and its POSTs
(add someone, change the capacity, remove someone). Who may see it at all is walked in
tests/test_urls_permissions.py."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_event
from tests.mail import outbox
from tests.rsvp.helpers import confirmed, seats
from turnout.events import services as events
from turnout.groups.models import Group
from turnout.rsvp import services as rsvp
from turnout.rsvp.models import Registration

Status = Registration.Status
HOSTILE_NAME = '<script>alert("x")</script>Ann'


def url(event, name: str = "registrations", **kwargs) -> str:
    return reverse(
        f"organise:{name}", kwargs={"group": event.group.slug, "event": event.slug, **kwargs}
    )


def html(response) -> str:
    return response.content.decode()


def messages_shown(response) -> list[str]:
    return re.findall(r'<li class="message [a-z]+">(.*?)</li>', html(response))


def names_listed(response) -> list[str]:
    """The names in the list's rows, as the page writes them (escaped)."""
    return re.findall(
        r'<td data-label="Name"><bdi>(.*?)</bdi>(?: <span class="badge|</td>)', html(response)
    )


@pytest.fixture
def crowd(small, organiser):
    """Confirmed, held, waiting, cancelled, a walk-in over the capacity, a phoned-in add."""
    confirmed(small, "Ann Smith", guests=1)
    rsvp.register(event=small, name="Bob Jones", email="bob@example.org")
    confirmed(small, "Dan")
    eve = confirmed(small, "Eve")
    rsvp.cancel(registration=eve)
    rsvp.add_by_organiser(event=small, name="Fay Walker", by=organiser, walk_in=True)
    rsvp.add_by_organiser(event=small, name="Gil", email="gil@example.org", by=organiser)
    return small


# --- the list


def test_list_shows_each_registration_with_its_badges(organiser_client, crowd):
    response = organiser_client.get(url(crowd))

    assert response.status_code == 200
    text = html(response)
    assert names_listed(response) == ["Ann Smith", "Bob Jones", "Dan", "Eve", "Fay Walker", "Gil"]
    for email in ("ann@example.org", "bob@example.org", "dan@example.org", "gil@example.org"):
        assert f"><bdi>{email}</bdi></td>" in text
    rows = re.findall(r"<tr>(.*?)</tr>", text, flags=re.S)
    fay = next(row for row in rows if "Fay Walker" in row)
    assert '<span class="badge">walk-in</span>' in fay
    assert '<span class="badge cancelled">over capacity</span>' in fay
    assert "checked in" in fay
    gil = next(row for row in rows if "Gil" in row)
    assert '<span class="badge">added by an organiser</span>' in gil
    ann = next(row for row in rows if "Ann Smith" in row)
    assert "badge" not in ann
    assert '<td data-label="Seats">2</td>' in ann
    assert "5 of 3 seats taken." in text
    assert "2 seats over the capacity." in text


def test_list_offers_remove_for_everyone_but_the_cancelled(organiser_client, crowd):
    response = organiser_client.get(url(crowd))

    removable = re.findall(r'action="/organise/[^"]*/registrations/(\d+)/remove/"', html(response))
    expected = crowd.registrations.exclude(status=Status.CANCELLED).order_by("created_at", "pk")
    assert removable == [str(r.pk) for r in expected]


def test_list_counts_each_filter(organiser_client, crowd):
    text = html(organiser_client.get(url(crowd)))

    assert re.findall(r'<a href="\?[^"]*"[^>]*>([^<]*)</a>', text) == [
        "All (6)",
        "Confirmed (3)",
        "Held (1)",
        "Waitlisted (1)",
        "Cancelled (1)",
        "Attended (1)",
    ]


@pytest.mark.parametrize(
    ("show", "expected"),
    [
        ("confirmed", ["Ann Smith", "Fay Walker", "Gil"]),
        ("held", ["Bob Jones"]),
        ("waitlisted", ["Dan"]),
        ("cancelled", ["Eve"]),
        ("attended", ["Fay Walker"]),
        ("nonsense", ["Ann Smith", "Bob Jones", "Dan", "Eve", "Fay Walker", "Gil"]),
    ],
)
def test_list_filters(organiser_client, crowd, show, expected):
    response = organiser_client.get(url(crowd), {"show": show})

    assert names_listed(response) == expected


def test_list_marks_the_filter_shown(organiser_client, crowd):
    text = html(organiser_client.get(url(crowd), {"show": "held"}))

    assert '<a href="?show=held" aria-current="page">' in text
    assert '<input type="hidden" name="show" value="held">' in text


@pytest.mark.parametrize(
    ("q", "expected"),
    [("smi", ["Ann Smith"]), ("BOB@EX", ["Bob Jones"]), ("nobody", [])],
)
def test_list_searches_names_and_emails(organiser_client, crowd, q, expected):
    response = organiser_client.get(url(crowd), {"q": q})

    assert names_listed(response) == expected
    assert f'name="q" value="{q}"' in html(response)


def test_list_escapes_html_in_a_name(organiser_client, small, organiser):
    rsvp.add_by_organiser(event=small, name=HOSTILE_NAME, by=organiser)

    text = html(organiser_client.get(url(small)))

    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;Ann" in text


def test_list_of_an_empty_meeting_says_so(organiser_client, small):
    response = organiser_client.get(url(small))

    assert names_listed(response) == []
    assert "Nobody here yet." in html(response)


@pytest.mark.parametrize("name", ["registrations", "registration_export"])
def test_list_and_its_csv_take_the_same_queries_for_one_and_six_registrations(
    organiser_client, small, organiser, name
):
    """Pinned so that neither grows with the registrations (bench/scale.py measures a
    meeting with 5,000 people): the CSV is a POST, each export recorded."""

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = (organiser_client.post if name.endswith("export") else organiser_client.get)(
                url(small, name)
            )
            assert response.status_code == 200
            if response.streaming:
                b"".join(response.streaming_content)
        return len(captured)

    confirmed(small, "Ann")
    one = queries()
    for person in ("Bob", "Cat"):
        confirmed(small, person)
    rsvp.add_by_organiser(event=small, name="Dan", by=organiser, walk_in=True)
    rsvp.add_by_organiser(event=small, name="Eve", email="eve@example.org", by=organiser)
    rsvp.register(event=small, name="Fay", email="fay@example.org")

    assert queries() == one == PINNED[name]


# Both: the session, the user, the group, the meeting. The page: how many registrations,
# the count of each filter, this page of them, the last exports. The CSV: in a savepoint
# the export row, the count and the audit entry; then the rows, in chunks.
PINNED = {"registrations": 8, "registration_export": 10}


def test_viewing_the_list_changes_nothing(organiser_client, crowd, table_rows):
    before, sent = table_rows(), len(outbox())

    for query in ({}, {"show": "held"}, {"q": "ann"}, {"page": "2"}, {"page": "x"}):
        assert organiser_client.get(url(crowd), query).status_code == 200

    assert table_rows() == before
    assert len(outbox()) == sent


@pytest.mark.parametrize("action", ["registration_add", "registration_capacity"])
def test_get_on_a_post_only_address_changes_nothing(organiser_client, crowd, table_rows, action):
    before = table_rows()

    response = organiser_client.get(url(crowd, action), {"name": "Zed", "capacity": "1"})

    assert response.status_code == 405
    assert table_rows() == before


def test_get_on_remove_changes_nothing(organiser_client, crowd, table_rows):
    ann = crowd.registrations.get(name="Ann Smith")
    before = table_rows()

    response = organiser_client.get(url(crowd, "registration_remove", registration=ann.pk))

    assert response.status_code == 405
    assert table_rows() == before


# --- add


def test_add_by_post_confirms_and_says_so(organiser_client, small, organiser):
    response = organiser_client.post(
        url(small, "registration_add"), {"name": "Ann", "email": "ann@example.org", "guests": "1"}
    )

    assert response.status_code == 302
    assert response["Location"] == url(small)
    ann = Registration.objects.get()
    assert (ann.name, ann.email, ann.guests, ann.status, ann.source, ann.added_by) == (
        "Ann",
        "ann@example.org",
        1,
        Status.CONFIRMED,
        Registration.Source.ORGANISER,
        organiser,
    )
    assert [e.to for e in outbox()] == [["ann@example.org"]]
    assert messages_shown(organiser_client.get(url(small))) == ["Ann is added."]


def test_add_a_walk_in_by_post_checks_them_in(organiser_client, small):
    response = organiser_client.post(
        url(small, "registration_add"), {"name": "Ann", "email": "", "guests": "0", "walk_in": "on"}
    )

    assert response.status_code == 302
    ann = Registration.objects.get()
    assert (ann.source, ann.guests, ann.email) == (Registration.Source.WALK_IN, 0, "")
    assert ann.attended_at is not None
    assert outbox() == []


def test_add_by_post_with_the_guests_box_emptied_adds_nobody_extra(organiser_client, small):
    response = organiser_client.post(url(small, "registration_add"), {"name": "Ann", "guests": ""})

    assert response.status_code == 302
    assert Registration.objects.get().guests == 0


def test_add_over_the_capacity_by_post_says_it_is_recorded(organiser_client, small):
    confirmed(small, "Bob", guests=2)

    response = organiser_client.post(url(small, "registration_add"), {"name": "Ann", "guests": "0"})

    assert response.status_code == 302
    assert Registration.objects.get(name="Ann").over_capacity
    assert seats(small) == (4, 4)
    page = organiser_client.get(url(small))
    assert messages_shown(page) == ["Ann is added, over the capacity (recorded)."]
    assert "1 seat over the capacity." in html(page)


def test_add_with_html_in_the_name_escapes_it_in_the_message(organiser_client, small):
    organiser_client.post(url(small, "registration_add"), {"name": HOSTILE_NAME, "guests": "0"})

    text = html(organiser_client.get(url(small)))

    assert "<script>alert" not in text
    assert messages_shown_raw(text) == [
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;Ann is added."
    ]


def messages_shown_raw(text: str) -> list[str]:
    return re.findall(r'<li class="message [a-z]+">(.*?)</li>', text)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "  ", "guests": "0"}, "Give your name."),
        (
            {"name": "Ann", "guests": "two"},
            "Give the number of guests as a whole number, like 0 or 2.",
        ),
        ({"name": "Ann", "guests": "51"}, "Give between 0 and 50 guests."),
        (
            {"name": "Ann", "email": "bob@example.org", "guests": "0"},
            "This address is registered already: confirmed.",
        ),
    ],
)
def test_add_refused_shows_why_and_changes_nothing(
    organiser_client, small, table_rows, data, message
):
    confirmed(small, "Bob")
    before, sent = table_rows(), len(outbox())

    response = organiser_client.post(url(small, "registration_add"), data)

    assert response.status_code == 200
    assert message in html(response)
    assert table_rows() == before
    assert len(outbox()) == sent


def test_add_to_a_cancelled_meeting_by_post_shows_why(organiser_client, small, table_rows):
    events.cancel_event(event=small)
    before = table_rows()

    response = organiser_client.post(url(small, "registration_add"), {"name": "Ann", "guests": "0"})

    assert response.status_code == 200
    assert "This meeting was cancelled; nobody can be added." in html(response)
    assert table_rows() == before


# --- capacity


def test_change_the_capacity_by_post_promotes_and_says_so(organiser_client, small):
    confirmed(small, "Ann", guests=2)
    bob = confirmed(small, "Bob")

    response = organiser_client.post(url(small, "registration_capacity"), {"capacity": "4"})

    assert response.status_code == 302
    assert response["Location"] == url(small)
    small.refresh_from_db()
    assert small.capacity == 4
    assert Registration.objects.get(pk=bob.pk).status == Status.CONFIRMED
    page = organiser_client.get(url(small))
    assert messages_shown(page) == ["The capacity is changed."]
    assert "4 of 4 seats taken." in html(page)


def test_empty_capacity_by_post_removes_the_limit(organiser_client, small):
    response = organiser_client.post(url(small, "registration_capacity"), {"capacity": ""})

    assert response.status_code == 302
    small.refresh_from_db()
    assert small.capacity is None


@pytest.mark.parametrize(
    ("capacity", "message"),
    [
        ("ten", "Enter the capacity as a whole number, like 40, or leave it empty."),
        ("-1", "Give a capacity between 0 and 1,000,000, or leave it empty."),
    ],
)
def test_wrong_capacity_by_post_shows_why_and_changes_nothing(
    organiser_client, small, table_rows, capacity, message
):
    before = table_rows()

    response = organiser_client.post(url(small, "registration_capacity"), {"capacity": capacity})

    assert response.status_code == 200
    assert message in html(response)
    assert f'value="{capacity}"' in html(response)  # what was typed, to correct
    assert table_rows() == before


# --- remove


def test_remove_by_post_frees_the_seats_and_says_so(organiser_client, small):
    ann = confirmed(small, "Ann", guests=2)
    bob = confirmed(small, "Bob")

    response = organiser_client.post(url(small, "registration_remove", registration=ann.pk))

    assert response.status_code == 302
    assert response["Location"] == url(small)
    assert Registration.objects.get(pk=ann.pk).status == Status.CANCELLED
    assert Registration.objects.get(pk=bob.pk).status == Status.CONFIRMED
    assert seats(small) == (1, 1)
    assert messages_shown(organiser_client.get(url(small))) == ["Ann is removed."]


def test_remove_by_post_twice_is_harmless(organiser_client, small):
    ann = confirmed(small, "Ann", guests=2)
    address = url(small, "registration_remove", registration=ann.pk)
    organiser_client.post(address)

    response = organiser_client.post(address)

    assert response.status_code == 302
    assert seats(small) == (0, 0)


def test_remove_a_registration_of_another_groups_meeting_is_not_found(
    organiser_client, small, outsider, table_rows
):
    theirs = make_event(group=Group.objects.get(slug="another"), capacity=3)
    registration = confirmed(theirs, "Zed")
    before, sent = table_rows(), len(outbox())

    response = organiser_client.post(
        url(small, "registration_remove", registration=registration.pk)
    )

    assert response.status_code == 404
    assert table_rows() == before
    assert len(outbox()) == sent


def test_remove_a_registration_of_another_meeting_of_the_same_group_is_not_found(
    organiser_client, small, group, venue, table_rows
):
    other = make_event(group=group, venue=venue)
    registration = confirmed(other, "Zed")
    before = table_rows()

    response = organiser_client.post(
        url(small, "registration_remove", registration=registration.pk)
    )

    assert response.status_code == 404
    assert table_rows() == before
