"""Bad input to the RSVP form and the attendee's page: a clear message, nothing changed
wrongly, never a server error; and whatever arrives, the seat counter stays true."""

import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_event
from tests.mail import outbox
from tests.rsvp.helpers import seats
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import token_for
from turnout.rsvp.models import Registration

Status = Registration.Status
HTML_NAME = '<script>alert("hi")</script><b>Ann</b>'
ESCAPED_NAME = "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;&lt;b&gt;Ann&lt;/b&gt;"
WHOLE_NUMBER = "Give the number of guests as a whole number, like 0 or 2."


@pytest.fixture
def meeting(group, venue):
    """Three seats, up to two guests each."""
    return make_event(group=group, venue=venue, capacity=3, max_guests=2)


def page(event) -> str:
    return f"/{event.group.slug}/events/{event.slug}/"


def html(response) -> str:
    return response.content.decode()


def field_errors(response, field: str) -> list[str]:
    found = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html(response))
    return re.findall(r"<li>(.*?)</li>", found.group(1)) if found else []


# --- the RSVP form, one bad field at a time


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "not an email"}, "email", "Enter a valid email address."),
        ({"email": "ann@"}, "email", "Enter a valid email address."),
        ({"email": "ann@@example.org"}, "email", "Enter a valid email address."),
        ({"email": "<script>@example.org"}, "email", "Enter a valid email address."),
        ({"email": ""}, "email", "Enter a valid email address."),
        (
            {"email": "ann@example.org\nBcc: all@example.org"},
            "email",
            "An email address cannot contain a line break.",
        ),
        (
            {"email": "ann@example.org\r\n"},
            "email",
            "An email address cannot contain a line break.",
        ),
        (
            {"email": "a" * 288 + "@example.org"},
            "email",
            "An email address can be at most 254 characters.",
        ),
        ({"name": ""}, "name", "Give your name."),
        ({"name": " \t\n "}, "name", "Give your name."),
        (
            {"name": "x" * 10_000},
            "name",
            "A name can be at most 200 characters; this one has 10000.",
        ),
        ({"guests": "-1"}, "guests", "The number of guests cannot be negative."),
        ({"guests": "99"}, "guests", "Each person may bring at most 2 guests."),
        ({"guests": "99999999999999999999"}, "guests", "Each person may bring at most 2 guests."),
        ({"guests": "two"}, "guests", WHOLE_NUMBER),
        ({"guests": "1.5"}, "guests", WHOLE_NUMBER),
        ({"guests": "1e3"}, "guests", WHOLE_NUMBER),
        (
            {"access_needs": "x" * 1001, "access_consent": "on"},
            "access_needs",
            "Describe your access needs in at most 1000 characters.",
        ),
        ({"name": "Ann\x00"}, "name", "Null characters are not allowed."),
        ({"email": "ann\x00@example.org"}, "email", "Null characters are not allowed."),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 20 else None,
)
def test_rsvp_with_bad_input_says_what_is_wrong_by_the_field_and_stores_nothing(
    client, meeting, table_rows, changes, field, message
):
    before = table_rows()
    data = {"name": "Ann", "email": "ann@example.org", "guests": "0", **changes}

    response = client.post(page(meeting), data)

    assert response.status_code == 200
    assert field_errors(response, field) == [message]
    assert "Check your inbox" not in html(response)
    assert Registration.objects.count() == 0
    assert outbox() == []
    assert table_rows() == before
    assert seats(meeting) == (0, 0)


def test_rsvp_with_every_field_bad_lists_every_message(client, meeting):
    response = client.post(page(meeting), {"name": "", "email": "nope", "guests": "two"})

    assert field_errors(response, "name") == ["Give your name."]
    assert field_errors(response, "email") == ["Enter a valid email address."]
    assert field_errors(response, "guests") == [WHOLE_NUMBER]


def test_rsvp_with_guests_to_a_meeting_that_takes_none_registers_one(client, event):
    client.post(page(event), {"name": "Ann", "email": "ann@example.org", "guests": "5"})

    assert Registration.objects.get().guests == 0  # the form has no such field there


def test_rsvp_of_three_megabytes_gets_a_clear_page(client, meeting):
    response = client.post(page(meeting), {"name": "x" * 3_000_000, "email": "ann@example.org"})

    assert response.status_code == 413
    assert "The form you sent is too large" in html(response)
    assert Registration.objects.count() == 0


def test_rsvp_form_shows_hostile_values_back_harmless(client, meeting):
    response = client.post(page(meeting), {"name": HTML_NAME, "email": "<b>x</b>"})

    text = html(response)
    assert f'value="{ESCAPED_NAME}"' in text
    assert "<script>alert" not in text
    assert "<b>x</b>" not in text


# --- HTML in a name is text everywhere


def test_html_in_a_name_is_stored_as_text_and_shown_escaped(client, meeting):
    client.post(page(meeting), {"name": HTML_NAME, "email": "ann@example.org"})
    registration = Registration.objects.get()

    assert registration.name == HTML_NAME
    text = html(client.get(f"/rsvp/{token_for(registration)}/"))
    assert f"<h1>Your registration, <bdi>{ESCAPED_NAME}</bdi></h1>" in text
    assert "<script>alert" not in text
    assert f'value="{ESCAPED_NAME}"' in text  # the details form
    (email,) = outbox()
    body_html = email.alternatives[0][0]
    # The address has confirmed nothing yet: the email never repeats what was typed.
    assert "Hello, someone (probably you)" in body_html
    assert "alert" not in body_html
    assert "alert" not in email.body


def test_html_in_a_changed_name_is_shown_escaped(client, meeting):
    registration, _ = rsvp.register(event=meeting, name="Ann", email="ann@example.org")
    link = f"/rsvp/{token_for(registration)}/"

    client.post(f"{link}details/", {"name": HTML_NAME})

    assert Registration.objects.get().name == HTML_NAME
    text = html(client.get(link))
    assert f"<h1>Your registration, <bdi>{ESCAPED_NAME}</bdi></h1>" in text
    assert "<script>alert" not in text


# --- the attendee's page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "guests": "1"}, "Give your name."),
        ({"name": "Ann", "guests": "-1"}, "The number of guests cannot be negative."),
        ({"name": "Ann", "guests": "99"}, "Each person may bring at most"),
        ({"name": "Ann", "guests": "9" * 40}, "Each person may bring at most"),
        ({"name": "Ann", "guests": "two"}, WHOLE_NUMBER),
        ({"name": "Ann", "guests": "1.5"}, WHOLE_NUMBER),
        ({"name": "x" * 10_000, "guests": "1"}, "A name can be at most 200 characters"),
        ({"name": "Ann\x00", "guests": "1"}, "Null characters are not allowed."),
    ],
)
def test_change_details_with_bad_input_says_why_and_changes_nothing(
    client, meeting, table_rows, data, message
):
    registration, _ = rsvp.register(event=meeting, name="Ann", email="ann@example.org", guests=1)
    before = (table_rows(), list(Registration.objects.values()), len(outbox()))

    response = client.post(f"/rsvp/{token_for(registration)}/details/", data)

    assert response.status_code == 400
    assert message in html(response)
    assert (table_rows(), list(Registration.objects.values()), len(outbox())) == before


def test_change_details_of_a_cancelled_registration_changes_nothing(client, meeting):
    registration, _ = rsvp.register(event=meeting, name="Ann", email="ann@example.org", guests=1)
    rsvp.cancel(registration=registration)

    response = client.post(
        f"/rsvp/{token_for(registration)}/details/", {"name": "Bob", "guests": "0"}, follow=True
    )

    assert response.status_code < 500
    assert "This registration was cancelled; register again instead." in html(response)
    stored = Registration.objects.get()
    assert (stored.name, stored.guests, stored.status) == ("Ann", 1, Status.CANCELLED)
    assert seats(meeting) == (0, 0)


# --- anything at all, never a server error, and the counter stays true

TEXT = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["", "0", "1", "2", "-1", "99", "1.5", "two", "٣", "<script>alert(1)</script>", "a" * 500]
    ),
)
SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def fields(**valid: str) -> st.SearchStrategy[dict[str, str]]:
    """Each field either a valid value (so the rest gets past it) or arbitrary text."""
    return st.fixed_dictionaries({k: st.one_of(st.just(v), TEXT) for k, v in valid.items()})


EMAILS = st.one_of(st.just("ann@example.org"), st.emails().map(str), TEXT)
RSVP_FIELDS = st.fixed_dictionaries(
    {
        "name": st.one_of(st.just("Ann"), TEXT),
        "email": EMAILS,
        "guests": st.one_of(st.sampled_from(["0", "1", "2"]), TEXT),
        "access_needs": st.one_of(st.just(""), TEXT),
        "access_consent": st.one_of(st.just(""), st.just("on"), TEXT),
        "keep_posted": st.one_of(st.just(""), st.just("on"), TEXT),
        "website": st.one_of(st.just(""), TEXT),
    }
)


@pytest.fixture
def unlimited(settings):
    """Many examples from one client: let them past the rate limits (still counted)."""
    settings.TURNOUT_BEHIND_PROXY = False
    settings.TURNOUT_RATE_LIMIT_EXEMPT = ["127.0.0.1"]


@SETTINGS
@given(data=RSVP_FIELDS)
def test_rsvp_form_takes_any_text(client, meeting, unlimited, data):
    response = client.post(page(meeting), data)

    assert response.status_code < 500
    taken, counted = seats(meeting)
    assert taken == counted <= meeting.capacity


@SETTINGS
@given(data=fields(name="Ann", guests="1"), cancel=st.booleans())
def test_details_form_and_buttons_take_any_text(client, meeting, data, cancel):
    if not Registration.objects.filter(email="ann@example.org").exists():
        rsvp.register(event=meeting, name="Ann", email="ann@example.org", guests=2)
        for n in range(3):  # waiting, to be promoted when Ann brings fewer
            waiting, _ = rsvp.register(event=meeting, name="W", email=f"w{n}@example.org")
            rsvp.confirm(registration=waiting)
    ann = Registration.objects.get(email="ann@example.org")
    link = f"/rsvp/{token_for(ann)}/"

    statuses = [
        client.post(f"{link}details/", data).status_code,
        client.post(f"{link}confirm/", data).status_code,
        client.get(link).status_code,
        client.get(f"{link}event.ics").status_code,
    ]
    if cancel:
        statuses.append(client.post(f"{link}cancel/", data).status_code)

    assert max(statuses) < 500
    taken, counted = seats(meeting)
    assert taken == counted <= meeting.capacity


@SETTINGS
@given(token=st.text(min_size=1, max_size=200).filter(lambda t: "/" not in t))
def test_any_token_gives_a_page_not_an_error(client, meeting, token):
    # Registered once for all the examples: each RSVP counts towards its email domain's
    # hourly limit (turnout.rsvp.services.limits), and there are more examples than that.
    registration = (
        Registration.objects.filter(event=meeting).first()
        or rsvp.register(event=meeting, name="Ann", email="ann@example.org")[0]
    )
    path = f"/rsvp/{quote(token, safe='')}/"

    statuses = [
        client.get(path).status_code,
        client.post(f"{path}confirm/").status_code,
        client.post(f"{path}cancel/").status_code,
        client.get(f"{path}event.ics").status_code,
    ]

    assert max(statuses) < 500
    assert Registration.objects.get(pk=registration.pk).status == Status.HELD
