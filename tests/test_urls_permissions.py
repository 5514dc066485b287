"""Every /organise/ route, read from the URL resolver, as three people.

Anonymous visitors are sent to the login page; another group's organiser gets a 404
and learns nothing; this group's organiser gets the page. A route added without a
way to build its URL here fails ``test_every_route_can_be_built``.
"""

import io
import re
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLResolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.comparisons.helpers import make_table
from tests.factories import make_event, make_user
from tests.mail import outbox
from turnout.comparisons.models import Cell
from turnout.feeds import imports
from turnout.flyers import services as flyers
from turnout.groups import accounts_urls
from turnout.groups import services as groups
from turnout.groups.models import Group
from turnout.groups.tokens import email_verification_token
from turnout.mailing.services import announcements
from turnout.pages import organise_urls
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import check_in_url
from turnout.rsvp.models import MeetingMessage

# Routes whose secret token is the credential: whoever holds the emailed link may open
# it, logged in or not (only the invited account accepts an invitation). Every other
# /organise/ route needs a logged-in organiser.
TOKEN_ROUTES = {"invitation"}
# Routes only the group's owners open: a co-organiser gets 404, as a stranger does.
OWNER_ONLY = {"audit", "group_edit", "invite", "group_picture"}


def routes(patterns, namespace: str, outer: tuple = ()) -> list[tuple[str, list[str]]]:
    """(view name, its URL keyword arguments) for every pattern, includes followed."""
    found = []
    for pattern in patterns:
        kwargs = [*outer, *pattern.pattern.converters]
        if isinstance(pattern, URLResolver):
            found += routes(pattern.url_patterns, namespace, tuple(kwargs))
        else:
            found.append((f"{namespace}:{pattern.name}", kwargs))
    return found


ORGANISE = routes(organise_urls.urlpatterns, organise_urls.app_name)
ACCOUNTS = routes(accounts_urls.urlpatterns, accounts_urls.app_name)
LOGIN_REQUIRED = [route for route in ORGANISE if route[0].split(":")[1] not in TOKEN_ROUTES]
BY_TOKEN = [route for route in ORGANISE if route[0].split(":")[1] in TOKEN_ROUTES]


ALLIED_ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALNAME:Allied picnic calendar\r\n"
    b"BEGIN:VEVENT\r\nUID:picnic@allies.example\r\nSUMMARY:Picnic\r\n"
    b"DTSTART:20300612T170000Z\r\nDTEND:20300612T190000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


class World:
    """One group with a venue, a published meeting, a draft, an open invitation, a
    draft announcement, a message to the people registered, a calendar import, a
    comparison table, and a statement and a quote the meeting shows."""

    def __init__(self, *, organiser, group, venue, event):
        self.group, self.venue, self.event = group, venue, event
        self.draft = make_event(group=group, venue=venue, published=False, title="Draft plans")
        groups.invite_organiser(group=group, email="taras@example.org", invited_by=organiser)
        (self.invitation_token,) = re.findall(
            r"/organise/invitations/([^/\s]+)/", outbox()[-1].body
        )
        self.newcomer = make_user(email="newcomer@example.org", verified=False)
        self.announcement = announcements.create(
            group=group, subject="Plans for Tuesday", body="Come along.", created_by=organiser
        )
        self.registration, _created = rsvp.register(
            event=event, name="Ann Attendee", email="ann.attendee@example.org"
        )
        self.meeting_message = MeetingMessage.objects.create(
            event=event,
            subject="Our secret message",
            body="Secret words.",
            audience="all",
            send_key="world",
        )
        self.import_source = imports.create_from_file(
            group=group, file=io.BytesIO(ALLIED_ICS), mode="allied"
        )
        self.comparison = make_table(
            group=group, criteria=["Cost"], cases=["A"], title="Our secret comparison"
        )
        self.statement_block = flyers.add_statement(
            event=event, title="Our secret statement", body="Not yet.", dated="2024-03-01"
        )
        self.quote = flyers.add_quote(
            event=event, text="Secret words.", speaker="Secret Speaker", said_on=""
        ).quote


@pytest.fixture
def world(organiser, group, venue, event):
    return World(organiser=organiser, group=group, venue=venue, event=event)


KWARGS = {
    "group": lambda world, name: world.group.slug,
    "event": lambda world, name: world.event.slug,
    "venue": lambda world, name: world.venue.pk,
    "announcement": lambda world, name: world.announcement.pk,
    "registration": lambda world, name: world.registration.pk,
    "message": lambda world, name: world.meeting_message.pk,
    "source": lambda world, name: world.import_source.pk,
    "comparison": lambda world, name: world.comparison.slug,
    "kind": lambda world, name: "statement" if name == "organise:block_new" else "criterion",
    "block": lambda world, name: world.statement_block.pk,
    "statement": lambda world, name: world.statement_block.statement_id,
    "quote": lambda world, name: world.quote.pk,
    "item": lambda world, name: world.comparison.criteria.get().pk,
    "cell": lambda world, name: Cell.objects.get(criterion__comparison=world.comparison).pk,
    "token": lambda world, name: {
        "organise:invitation": world.invitation_token,
        "organise:check_in": check_in_url(world.registration).rsplit("/", 2)[-2],
        "accounts:verify": email_verification_token.make_token(world.newcomer),
        "accounts:password_reset_confirm": default_token_generator.make_token(world.newcomer),
    }[name],
    # A draft's key from "New venue…" (a stale one: the page then says it is gone).
    "key": lambda world, name: "a-draft-key",
    "uidb64": lambda world, name: urlsafe_base64_encode(force_bytes(world.newcomer.pk)),
}


def url(world: World, name: str, kwargs: list[str]) -> str:
    missing = [kwarg for kwarg in kwargs if kwarg not in KWARGS]
    if missing:
        pytest.fail(f"{name} takes {missing}: add them to KWARGS in {__name__}")
    return reverse(name, kwargs={kwarg: KWARGS[kwarg](world, name) for kwarg in kwargs})


METHODS = ("GET", "POST")


def send(client: Client, method: str, path: str):
    return client.get(path) if method == "GET" else client.post(path, {})


def ids(route) -> str:
    return route[0]


def test_every_route_is_listed():
    assert LOGIN_REQUIRED, "the resolver walk found no routes"
    assert {name for name, _kwargs in BY_TOKEN} == {f"organise:{n}" for n in TOKEN_ROUTES}


@pytest.mark.parametrize("route", ORGANISE + ACCOUNTS, ids=ids)
def test_every_route_can_be_built(world, route):
    name, kwargs = route

    assert url(world, name, kwargs).startswith("/organise/")


# --- anonymous ---


@pytest.mark.parametrize("route", LOGIN_REQUIRED, ids=ids)
def test_anonymous_is_sent_to_log_in(world, table_rows, route):
    path = url(world, *route)
    before = table_rows()

    for method in METHODS:
        response = send(Client(), method, path)

        assert response.status_code == 302, method
        assert response["Location"] == f"/organise/login/?next={quote(path)}"
    assert table_rows() == before


@pytest.mark.parametrize("route", BY_TOKEN, ids=ids)
def test_anonymous_with_the_token_sees_the_page_and_changes_nothing(world, table_rows, route):
    path = url(world, *route)
    before = table_rows()

    for method in METHODS:
        response = send(Client(), method, path)

        assert response.status_code == 200, method
        assert f'href="/organise/login/?next={path}"' in response.content.decode()
    assert table_rows() == before


# --- another group's organiser ---


def assert_no_peek(response, world: World) -> None:
    html = response.content.decode()
    for secret in (
        world.group.name,
        world.event.title,
        world.draft.title,
        world.venue.name,
        world.announcement.subject,
        world.registration.name,
        world.registration.email,
        world.import_source.name,
        world.comparison.title,
        world.statement_block.statement.title,
        world.quote.speaker,
    ):
        assert secret not in html


@pytest.mark.parametrize("route", LOGIN_REQUIRED, ids=ids)
def test_another_groups_organiser_learns_nothing(world, outsider_client, table_rows, route):
    name, kwargs = route
    path = url(world, name, kwargs)
    before = table_rows()

    for method in METHODS:
        response = send(outsider_client, method, path)

        if response.status_code == 405:  # refused for any address alike, so it tells nothing
            assert response["Allow"] == {"GET": "POST", "POST": "GET"}[method]
        elif "group" in kwargs or "token" in kwargs:  # a group's page, or a QR check-in link
            assert response.status_code == 404, method
        else:  # their own dashboard or a new group of their own
            assert response.status_code == 200, method
        assert_no_peek(response, world)
    assert table_rows() == before


@pytest.mark.parametrize("route", BY_TOKEN, ids=ids)
def test_another_groups_organiser_without_the_token_gets_a_400(
    world, outsider_client, table_rows, route
):
    path = url(world, *route).replace(world.invitation_token, "guessed-token")
    before = table_rows()

    for method in METHODS:
        response = send(outsider_client, method, path)

        assert response.status_code == 400, method
        assert_no_peek(response, world)
    assert table_rows() == before


def test_another_groups_organiser_gets_404_for_the_groups_objects_under_their_own_group(
    world, outsider_client, table_rows
):
    before = table_rows()

    for path in (
        f"/organise/groups/another/events/{world.event.slug}/",
        f"/organise/groups/another/events/{world.draft.slug}/cancel/",
        f"/organise/groups/another/venues/{world.venue.pk}/",
    ):
        assert outsider_client.get(path).status_code == 404
        assert outsider_client.post(path).status_code == 404

    assert table_rows() == before


# --- this group's organiser ---


@pytest.mark.parametrize("route", ORGANISE, ids=ids)
def test_this_groups_organiser_gets_the_page(world, organiser_client, route):
    for method in METHODS:  # GET first: a POST may change what the GET would show
        response = send(organiser_client, method, url(world, *route))

        if route[0] == "organise:invitation" and method == "POST":
            # Sent to taras@: only that account may accept it, the group's own owner included.
            assert response.status_code == 403
        elif response.status_code == 405:  # a button's action (POST only) or a page (GET only)
            assert response["Allow"] == {"GET": "POST", "POST": "GET"}[method]
        else:
            assert response.status_code in (200, 302), method


def test_a_co_organiser_gets_the_same_pages_but_the_owners(world, table_rows):
    co = Client()
    co.force_login(make_user(email="taras@example.org"))
    co.post(f"/organise/invitations/{world.invitation_token}/")

    for name, kwargs in LOGIN_REQUIRED:
        response = co.get(url(world, name, kwargs))
        expected = (404,) if name.split(":")[1] in OWNER_ONLY else (200, 405)
        assert response.status_code in expected, name


# --- account pages are for people not logged in yet ---

# ... except the account's own security settings, and the login's code step (which
# needs the password step first).
ACCOUNT_SETTINGS = {"two_factor", "two_factor_setup", "recovery_codes", "two_factor_off"}
ACCOUNT_SETTINGS |= {"other_sessions", "notifications"}


@pytest.mark.parametrize("route", ACCOUNTS, ids=ids)
def test_account_pages_are_open_to_anonymous(world, route):
    path = url(world, *route)
    response = Client().get(path)

    if route[0].split(":")[1] in ACCOUNT_SETTINGS:
        assert (response.status_code, response["Location"]) == (
            302,
            f"/organise/login/?next={quote(path)}",
        )
    elif route[0] == "accounts:login_code":
        assert (response.status_code, response["Location"]) == (302, "/organise/login/")
    elif response.status_code == 302:  # the reset link moves its token out of the URL
        assert route[0] == "accounts:password_reset_confirm"
        assert response["Location"].endswith("/set-password/")
    elif response.status_code == 405:
        assert route[0] == "accounts:logout"
        assert response["Allow"] == "POST, OPTIONS"
    else:
        assert response.status_code == 200


# --- a group that requires two-factor authentication ---

# Every organiser route of one group: those under /organise/groups/<group>/, and the
# door's QR check-in link (its token names a registration of the group).
GROUP_ROUTES = [route for route in LOGIN_REQUIRED if "group" in route[1]] + [
    route for route in LOGIN_REQUIRED if route[0] == "organise:check_in"
]


@pytest.mark.parametrize("route", GROUP_ROUTES, ids=ids)
def test_an_organiser_without_two_factor_is_sent_to_set_it_up_when_the_group_requires_it(
    world, organiser_client, table_rows, route
):
    Group.objects.filter(pk=world.group.pk).update(require_two_factor=True)
    path = url(world, *route)
    before = table_rows()

    for method in METHODS:
        response = send(organiser_client, method, path)

        if response.status_code == 405:  # the wrong method is refused before anything is read
            assert response["Allow"] == {"GET": "POST", "POST": "GET"}[method]
        else:
            assert response.status_code == 302, method
            assert response["Location"] == "/organise/account/two-factor/set-up/?" + urlencode(
                {"next": path}
            )
    assert table_rows() == before
