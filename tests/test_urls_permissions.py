"""Every /organise/ route, read from the URL resolver, as three people.

Anonymous visitors are sent to the login page; another group's organiser gets a 404
and learns nothing; this group's organiser gets the page. A route added without a
way to build its URL here fails ``test_every_route_can_be_built``.

Where a visitor can change nothing, one test walks every route in one world and names
each route that answers wrongly (a world per route cost a fifth of the suite's time on
PostgreSQL); where the organiser's POST changes the world, each route has its own.
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


def walk(routes, check, table_rows) -> list[str]:
    """``check(route)`` for each route: the problems it returns, each named by its route,
    and a route after which Turnout's tables are not as they were."""
    before = table_rows()
    problems = []
    for route in routes:
        problems += [f"{route[0]}: {problem}" for problem in check(route)]
        if table_rows() != before:
            problems.append(f"{route[0]}: changed the tables")
            before = table_rows()
    return problems


def test_every_route_is_listed():
    assert LOGIN_REQUIRED, "the resolver walk found no routes"
    assert {name for name, _kwargs in BY_TOKEN} == {f"organise:{n}" for n in TOKEN_ROUTES}


def test_every_route_can_be_built(world):
    for name, kwargs in ORGANISE + ACCOUNTS:
        assert url(world, name, kwargs).startswith("/organise/"), name


# --- anonymous ---


def test_anonymous_is_sent_to_log_in(world, table_rows):
    def check(route):
        path = url(world, *route)
        for method in METHODS:
            response = send(Client(), method, path)
            answer = (response.status_code, response.get("Location"))
            if answer != (302, f"/organise/login/?next={quote(path)}"):
                yield f"{method} answered {answer}"

    assert walk(LOGIN_REQUIRED, check, table_rows) == []


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


def peeks(response, world: World) -> list[str]:
    """What of the group's the response shows."""
    html = response.content.decode()
    return [
        secret
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
        )
        if secret in html
    ]


def assert_no_peek(response, world: World) -> None:
    assert peeks(response, world) == []


def test_another_groups_organiser_learns_nothing(world, outsider_client, table_rows):
    def check(route):
        name, kwargs = route
        path = url(world, name, kwargs)
        for method in METHODS:
            response = send(outsider_client, method, path)
            if response.status_code == 405:  # refused for any address alike: tells nothing
                expected = (405, {"GET": "POST", "POST": "GET"}[method])
                answer = (405, response["Allow"])
            elif "group" in kwargs or "token" in kwargs:  # a group's page, a QR check-in link
                expected, answer = 404, response.status_code
            else:  # their own dashboard or a new group of their own
                expected, answer = 200, response.status_code
            if answer != expected:
                yield f"{method} answered {answer}, not {expected}"
            if peeks(response, world):
                yield f"{method} shows {peeks(response, world)}"

    assert walk(LOGIN_REQUIRED, check, table_rows) == []


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


def account_page_answer(world: World, name: str, kwargs: list[str]) -> tuple:
    """(status, where it sends or what it allows) for an anonymous GET, and the same as
    expected."""
    path = url(world, name, kwargs)
    response = Client().get(path)
    answer = (response.status_code, response.get("Location") or response.get("Allow"))
    if name.split(":")[1] in ACCOUNT_SETTINGS:
        return answer, (302, f"/organise/login/?next={quote(path)}")
    if name == "accounts:login_code":
        return answer, (302, "/organise/login/")
    if name == "accounts:password_reset_confirm":  # the link moves its token out of the URL
        return answer, (302, path.rsplit("/", 2)[0] + "/set-password/")
    if name == "accounts:logout":
        return answer, (405, "POST, OPTIONS")
    return answer, (200, None)


def test_account_pages_are_open_to_anonymous(world):
    wrong = {}
    for name, kwargs in ACCOUNTS:
        answer, expected = account_page_answer(world, name, kwargs)
        if answer != expected:
            wrong[name] = (answer, expected)

    assert wrong == {}


# --- a group that requires two-factor authentication ---

# Every organiser route of one group: those under /organise/groups/<group>/, and the
# door's QR check-in link (its token names a registration of the group).
GROUP_ROUTES = [route for route in LOGIN_REQUIRED if "group" in route[1]] + [
    route for route in LOGIN_REQUIRED if route[0] == "organise:check_in"
]


def test_an_organiser_without_two_factor_is_sent_to_set_it_up_when_the_group_requires_it(
    world, organiser_client, table_rows
):
    Group.objects.filter(pk=world.group.pk).update(require_two_factor=True)

    def check(route):
        path = url(world, *route)
        set_up = "/organise/account/two-factor/set-up/?" + urlencode({"next": path})
        for method in METHODS:
            response = send(organiser_client, method, path)
            if response.status_code == 405:  # the wrong method is refused before any read
                expected = (405, {"GET": "POST", "POST": "GET"}[method])
                answer = (405, response["Allow"])
            else:
                expected, answer = (302, set_up), (response.status_code, response.get("Location"))
            if answer != expected:
                yield f"{method} answered {answer}, not {expected}"

    assert walk(GROUP_ROUTES, check, table_rows) == []
