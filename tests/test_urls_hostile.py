"""Hostile values in every URL of the site and every form field: never a 5xx.

The URL patterns are read from the resolver, so a new route is covered the day it is
added; a route with a keyword argument this file cannot fill fails the test.
"""

import datetime as dt
import io
import re
from urllib.parse import quote, unquote, urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, resolve
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.comparisons.helpers import make_table
from tests.factories import make_event, make_user
from tests.mail import outbox
from turnout.comparisons.models import Cell
from turnout.feeds import imports
from turnout.flyers import services as flyers
from turnout.groups import services as groups
from turnout.groups.tokens import email_verification_token
from turnout.mailing.services import announcements, subscriptions
from turnout.pages import urls
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import check_in_url, token_for
from turnout.rsvp.models import MeetingMessage

HOSTILE = [
    "..",
    "%2e%2e",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "a" * 500,
    "' OR 1=1 --",
    "ü",
    "київ",
    "0",
    "-1",
    "99999999999999999999",
    "%00",
    "",
]
KWARG = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def patterns(resolvers=urls.urlpatterns, prefix: str = "") -> list[tuple[str, str]]:
    """(name, route) of every URL pattern in the project, the admin's left out."""
    found = []
    for entry in resolvers:
        if not isinstance(entry.pattern, RoutePattern):
            pytest.fail(f"{entry.pattern!r} is not a path(); teach {__name__} about it")
        route = prefix + str(entry.pattern)
        if route.startswith("admin/"):
            continue
        if isinstance(entry, URLResolver):
            found += patterns(entry.url_patterns, route)
        else:
            assert isinstance(entry, URLPattern)
            found.append((entry.name, route))
    return found


PATTERNS = patterns()


@pytest.fixture
def valid(organiser, group, venue, event):
    """A value for each URL keyword argument that finds something real."""
    groups.invite_organiser(group=group, email="taras@example.org", invited_by=organiser)
    (invitation,) = re.findall(r"/organise/invitations/([^/\s]+)/", outbox()[-1].body)
    newcomer = make_user(email="newcomer@example.org", verified=False)
    follower = subscriptions.confirm_subscription(
        token=subscriptions.confirmation_token(group=group, email="follower@example.org")
    )
    announcement = announcements.create(
        group=group, subject="Meeting", body="Come along.", created_by=organiser
    )
    registration, _created = rsvp.register(event=event, name="Ann", email="ann@example.org")
    attendee = token_for(registration)
    message = MeetingMessage.objects.create(
        event=event, subject="Moved", body="Upstairs.", audience="all", send_key="hostile"
    )
    table = make_table(group=group, criteria=["Cost"], cases=["A"])
    block = flyers.add_statement(event=event, title="Ours", body="Words.", dated="2024-03-01")
    quote = flyers.create_quote(group=group, text="Words.", speaker="Someone")
    source = imports.create_from_file(
        group=group,
        file=io.BytesIO(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"),
        mode="allied",
    )
    return {
        "group": group.slug,
        "event": event.slug,
        "federation_id": str(group.federation_id),  # a group's: the actor and its collections
        "venue": str(venue.pk),
        "announcement": str(announcement.pk),
        "registration": str(registration.pk),
        "message": str(message.pk),
        "source": str(source.pk),
        "comparison": table.slug,
        "path": "pictures/none.jpg",  # /media/: served in the tests, as in the demo
        "kind": {
            "comparison_add": "criterion",
            "comparison_move": "criterion",
            "block_new": "quote",
        },
        "block": str(block.pk),
        "statement": str(block.statement_id),
        "quote": str(quote.pk),
        "item": str(table.criteria.get().pk),
        "cell": str(Cell.objects.get(criterion__comparison=table).pk),
        "uidb64": urlsafe_base64_encode(force_bytes(newcomer.pk)),
        "key": "a-draft-key",  # "New venue…": a draft's key, stale (the page says so)
        "token": {
            "invitation": invitation,
            "verify": email_verification_token.make_token(newcomer),
            "password_reset_confirm": default_token_generator.make_token(newcomer),
            "confirm_subscription": subscriptions.confirmation_token(
                group=group, email="reader@example.org"
            ),
            "unsubscribe": subscriptions.unsubscribe_token(follower),
            "check_in": check_in_url(registration).rsplit("/", 2)[-2],
            **dict.fromkeys(
                ["registration", "confirm", "cancel", "details", "calendar", "erase"], attendee
            ),
        },
    }


def fill(route: str, values: dict[str, str]) -> str:
    return "/" + KWARG.sub(lambda m: values[m["name"]], route)


def hostile_paths(name: str, route: str, valid: dict) -> list[str]:
    """The route with each keyword argument in turn replaced by each hostile value."""
    kwargs = [m["name"] for m in KWARG.finditer(route)]
    known = {}
    for kwarg in kwargs:
        if kwarg not in valid:
            pytest.fail(f"{name} takes <{kwarg}>: add a valid value for it in {__name__}")
        value = valid[kwarg]
        known[kwarg] = value[name] if isinstance(value, dict) else value
    paths = [fill(route, known)]
    for kwarg in kwargs:
        for value in HOSTILE:
            for written in dict.fromkeys([value, quote(value, safe="")]):  # raw, then quoted
                paths.append(fill(route, {**known, kwarg: written}))
    query = "&".join(f"{key}={quote(value)}" for key in ("page", "next") for value in HOSTILE)
    return [*paths, paths[0] + "?" + query]


def hostile_form(value: str) -> dict[str, str]:
    fields = [
        "name", "slug", "title", "tagline", "description", "about", "email", "username",
        "password", "contact_email", "website", "time_zone", "language", "capacity",
        "start_date", "start_time", "end_date", "end_time", "venue", "online_url", "latitude",
        "longitude", "new_password1", "new_password2", "next", "page",
    ]  # fmt: skip
    return dict.fromkeys(fields, value)


def reaches_a_view(path: str) -> bool:
    """Whether the path resolves to a view (else both methods get the same 404 page)."""
    try:
        resolve(unquote(urlsplit(path).path))
    except Resolver404:
        return False
    except Exception:  # let the request itself show what happens
        return True
    return True


def server_errors(client: Client, paths: list[str]) -> list[tuple[str, str, int]]:
    """GET each path, and POST to it a form of hostile values (a different one each time)
    where the path reaches a view."""
    failures = []
    for n, path in enumerate(paths):
        responses = [("GET", client.get(path))]
        if reaches_a_view(path):
            responses.append(("POST", client.post(path, hostile_form(HOSTILE[n % len(HOSTILE)]))))
        for method, response in responses:
            if response.status_code >= 500:
                failures.append((method, path, response.status_code))
    return failures


@pytest.mark.parametrize(("name", "route"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_hostile_url_values_never_give_a_server_error(organiser, valid, name, route):
    """Without the CSRF check, so that the hostile form reaches each view (a form with
    the check on stops at the middleware: the test below). An anonymous visitor, then the
    organiser, each in the world as ``valid`` made it: what the first changed is rolled
    back (one world for both: making it is a third of the test's time)."""
    failures = {}
    for who in ("anonymous", "organiser"):
        client = Client(raise_request_exception=False)
        if who == "organiser":
            client.force_login(organiser)
        with transaction.atomic():
            failures[who] = server_errors(client, hostile_paths(name, route, valid))
            transaction.set_rollback(True)

    assert failures == {"anonymous": [], "organiser": []}


def test_every_pattern_is_walked():
    names = {name for name, _route in PATTERNS}

    assert {"home", "group", "event", "dashboard", "event_edit", "login", "verify"} <= names


# Other servers POST to the inboxes: a signature is their check, not a CSRF token (no
# session, no cookie: tests/federation/test_inbox.py).
CSRF_EXEMPT = {"shared_inbox", "group_inbox"}


@pytest.mark.parametrize("who", ["anonymous", "organiser"])
def test_posts_without_a_csrf_token_are_refused(organiser, valid, who):
    """Every route, with its real values and with hostile ones in the query."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if who == "organiser":
        client.force_login(organiser)

    for name, route in PATTERNS:
        if name in CSRF_EXEMPT:
            continue
        paths = hostile_paths(name, route, valid)
        for path in (paths[0], paths[-1]):
            response = client.post(path, hostile_form(HOSTILE[0]))
            assert response.status_code in (403, 405), path
            if response.status_code == 403:
                assert "<h1>Form expired</h1>" in response.content.decode()


# --- arbitrary text in every form field ---

TEXT = st.one_of(st.text(max_size=300), st.sampled_from(HOSTILE))
SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def fields(**valid: str) -> st.SearchStrategy[dict[str, str]]:
    """Each field either a valid value (so the rest gets past it) or arbitrary text."""
    return st.fixed_dictionaries({k: st.one_of(st.just(v), TEXT) for k, v in valid.items()})


GROUP_FIELDS = fields(
    name="Tenants Union",
    slug="",
    about="About us",
    contact_email="tenants@example.org",
    website="",
    time_zone="Europe/London",
    language="en",
)
VENUE_FIELDS = fields(
    name="Hall",
    address_line1="1 High St",
    address_line2="",
    city="London",
    postcode="N1 1AA",
    country="",
    accessibility="",
    latitude="51.5",
    longitude="-0.1",
)
DAY = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
EVENT_FIELDS = fields(
    title="Meeting",
    tagline="",
    slug="",
    description="",
    start_date=DAY,
    start_time="19:00",
    end_date="",
    end_time="21:00",
    time_zone="Europe/London",
    language="en",
    venue="",
    online_url="https://meet.example.org/x",
    capacity="",
)


def post_status(client: Client, path: str, data: dict) -> int:
    return client.post(path, data).status_code


@SETTINGS
@given(data=GROUP_FIELDS)
def test_group_forms_take_any_text(organiser_client, group, data):
    assert post_status(organiser_client, "/organise/new-group/", data) < 500
    assert (
        post_status(organiser_client, "/organise/groups/uig/edit/", {**data, "slug": "uig"}) < 500
    )


@SETTINGS
@given(data=VENUE_FIELDS)
def test_venue_forms_take_any_text(organiser_client, venue, data):
    assert post_status(organiser_client, "/organise/groups/uig/venues/new/", data) < 500
    assert post_status(organiser_client, f"/organise/groups/uig/venues/{venue.pk}/", data) < 500


@SETTINGS
@given(data=EVENT_FIELDS)
def test_event_forms_take_any_text(organiser_client, group, data):
    draft = make_event(group=group, published=False)

    assert post_status(organiser_client, "/organise/groups/uig/events/new/", data) < 500
    assert post_status(organiser_client, f"/organise/groups/uig/events/{draft.slug}/", data) < 500


@SETTINGS
@given(data=fields(name="Taras", email="taras@example.org", password="a long passphrase"))
def test_sign_up_form_takes_any_text(client, db, data):
    assert post_status(client, "/organise/signup/", data) < 500


@SETTINGS
@given(data=fields(username="olena@example.org", password="wrong"))
def test_log_in_form_takes_any_text(client, db, data):
    assert post_status(client, "/organise/login/", data) < 500
