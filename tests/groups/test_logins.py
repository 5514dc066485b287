"""Logins that resist guessing and say nothing about who has an account (issue 15,
findings 4 to 7): each attack as the issue tried it, then the rules around it."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import PASSWORD, make_user
from tests.groups.hashers import CountingHasher
from tests.groups.test_views_accounts import THROTTLED, link_path, log_in, logged_in
from tests.mail import outbox
from turnout.core import outbox as the_outbox
from turnout.core.models import Message
from turnout.groups.models import User

STRANGER = "203.0.113.66"
ORGANISERS_OWN = "198.51.100.7"
NEW_PASSWORD = "a brand new passphrase"


def csrf_free(html: str) -> str:
    """The page without its CSRF tokens, which differ on every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


# --- finding 4: the admin's login is throttled like everyone's ---


def admin_login_form(client: Client) -> str:
    """Where /admin/login/ leads a visitor to type their password (path and query)."""
    page = client.get("/admin/login/?next=/admin/", follow=True)
    assert page.status_code == 200
    query = page.request.get("QUERY_STRING", "")
    return page.request["PATH_INFO"] + (f"?{query}" if query else "")


def test_twenty_wrong_admin_passwords_then_the_right_one_is_refused(db):
    User.objects.create_superuser(email="admin@example.org", name="Admin", password=PASSWORD)
    client = Client()
    form = admin_login_form(client)
    for _ in range(20):
        client.post(form, {"username": "admin@example.org", "password": "guess", "next": "/admin/"})

    response = client.post(
        form, {"username": "admin@example.org", "password": PASSWORD, "next": "/admin/"}
    )

    assert not logged_in(client)
    assert response.status_code == 200
    assert THROTTLED in response.content.decode()


def test_the_admin_logs_in_through_the_organisers_login_and_lands_in_the_admin(db):
    User.objects.create_superuser(email="admin@example.org", name="Admin", password=PASSWORD)
    client = Client()
    start = client.get("/admin/")
    form = admin_login_form(client)

    response = client.post(
        form, {"username": "admin@example.org", "password": PASSWORD, "next": "/admin/"}
    )

    assert (start.status_code, start["Location"]) == (302, "/admin/login/?next=/admin/")
    assert form == "/organise/login/?next=%2Fadmin%2F"
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_password_posted_to_the_admins_old_login_logs_nobody_in(db):
    User.objects.create_superuser(email="admin@example.org", name="Admin", password=PASSWORD)
    client = Client()

    response = client.post("/admin/login/", {"username": "admin@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/organise/login/?next=%2Fadmin%2F"
    assert not logged_in(client)


def test_an_organiser_who_is_not_staff_is_refused_the_admin_without_a_loop(organiser_client):
    response = organiser_client.get("/admin/", follow=True)

    assert response.status_code == 403
    assert [path for path, _status in response.redirect_chain] == ["/admin/login/?next=/admin/"]


def test_a_logged_in_admin_visiting_the_admin_login_goes_to_the_admin(db):
    admin = User.objects.create_superuser(
        email="admin@example.org", name="Admin", password=PASSWORD
    )
    client = Client()
    client.force_login(admin)

    response = client.get("/admin/login/?next=/admin/")

    assert (response.status_code, response["Location"]) == (302, "/admin/")


# --- finding 5: a stranger cannot lock an organiser out, and a reset lifts a lock ---


def test_five_wrong_passwords_from_elsewhere_do_not_lock_the_organiser_out(organiser):
    stranger = Client(REMOTE_ADDR=STRANGER)
    for _ in range(5):
        log_in(stranger, "olena@example.org", "guess")

    response = log_in(Client(REMOTE_ADDR=ORGANISERS_OWN), "olena@example.org")

    assert response.status_code == 302
    assert response["Location"] == "/organise/"


def reset_password(email: str, new_password: str) -> None:
    client = Client()
    client.post("/organise/password-reset/", {"email": email})
    form_page = client.get(link_path(outbox()[-1], "/organise/password-reset/"), follow=True)
    (set_password_path, _status) = form_page.redirect_chain[-1]
    saved = client.post(
        set_password_path, {"new_password1": new_password, "new_password2": new_password}
    )
    assert saved["Location"] == "/organise/password-reset/done/"


def test_a_password_reset_lifts_the_lock_on_the_account(organiser):
    own = Client(REMOTE_ADDR=ORGANISERS_OWN)
    for _ in range(5):
        log_in(own, "olena@example.org", "guess")
    assert THROTTLED in log_in(own, "olena@example.org").content.decode()

    reset_password("olena@example.org", NEW_PASSWORD)
    response = log_in(own, "olena@example.org", NEW_PASSWORD)

    assert response.status_code == 302
    assert logged_in(own)


def test_twenty_failures_from_one_address_refuse_every_account_from_there(organiser):
    stranger = Client(REMOTE_ADDR=STRANGER)
    for n in range(20):
        log_in(stranger, f"guess{n}@example.org", "guess")

    refused = log_in(Client(REMOTE_ADDR=STRANGER), "olena@example.org")
    elsewhere = log_in(Client(REMOTE_ADDR=ORGANISERS_OWN), "olena@example.org")

    assert THROTTLED in refused.content.decode()
    assert elsewhere.status_code == 302


def test_the_login_limits_and_window_are_settings(organiser, settings):
    settings.TURNOUT_LOGIN_FAILURES_PER_ACCOUNT = 2
    settings.TURNOUT_LOGIN_WINDOW_SECONDS = 60 * 60
    client = Client()
    for _ in range(2):
        log_in(client, "olena@example.org", "guess")

    response = log_in(client, "olena@example.org")

    assert not logged_in(client)
    assert (
        "Too many failed attempts. Wait 60 minutes, or reset your password by email."
        in response.content.decode()
    )


# --- finding 6: sign-up and reset never tell whether an account exists ---


def test_sign_up_with_an_existing_email_answers_as_for_a_new_one(db):
    new = Client().post("/organise/signup/", sign_up_data())
    queued_for_new = Message.objects.count()
    taken = Client().post("/organise/signup/", sign_up_data(name="Someone else"))

    assert taken.status_code == new.status_code == 200
    assert csrf_free(taken.content.decode()) == csrf_free(new.content.decode())
    assert User.objects.count() == 1
    assert Message.objects.count() == queued_for_new + 1
    assert [m.to for m in outbox()] == [["taras@example.org"], ["taras@example.org"]]


def test_sign_up_hashes_the_password_alike_whether_the_account_exists_or_not(db, settings):
    settings.PASSWORD_HASHERS = ["tests.groups.hashers.CountingHasher"]
    hashed = []
    for name in ("Taras", "Someone else"):  # a new account, then the same address again
        CountingHasher.encoded = 0
        Client().post("/organise/signup/", sign_up_data(name=name))
        hashed.append(CountingHasher.encoded)

    assert hashed == [1, 1]


def test_password_reset_does_the_same_work_whether_the_account_exists_or_not(organiser):
    answers, queries = [], []
    for email in ("olena@example.org", "nobody@example.org"):
        with CaptureQueriesContext(connection) as captured:
            answers.append(Client().post("/organise/password-reset/", {"email": email}))
        queries.append(len(captured))

    assert [(a.status_code, a["Location"]) for a in answers] == [
        (302, "/organise/password-reset/sent/")
    ] * 2
    assert queries[0] == queries[1]


@pytest.mark.parametrize(
    "email", ["nobody@example.org", "inactive@example.org", "no-password@example.org"]
)
def test_a_reset_for_an_address_without_a_usable_account_is_never_sent(db, email):
    make_user(email="inactive@example.org")
    User.objects.filter(email="inactive@example.org").update(is_active=False)
    no_password = make_user(email="no-password@example.org")
    no_password.set_unusable_password()
    no_password.save()
    Client().post("/organise/password-reset/", {"email": email})

    (message,) = Message.objects.filter(to_email=email)

    with pytest.raises(the_outbox.SubjectGone):
        the_outbox.render(message)


def test_a_reset_typed_in_another_case_reaches_the_account(organiser):
    Client().post("/organise/password-reset/", {"email": " OLENA@Example.org "})

    assert [(m.to, m.subject) for m in outbox()] == [
        (["olena@example.org"], "Reset your Turnout password")
    ]


def sign_up_data(**changes) -> dict:
    return {
        "name": "Taras",
        "email": "taras@example.org",
        "password": "solidarity across borders",
        **changes,
    }


# --- finding 7: the verification page does not look logged in to a stranger ---


def test_an_anonymous_visitor_of_a_verification_link_is_not_shown_as_logged_in(db):
    Client().post("/organise/signup/", sign_up_data())
    path = link_path(outbox()[0], "/organise/verify/")

    page = Client().get(path)

    html = page.content.decode()
    assert page.status_code == 200
    assert "Log out" not in html
    assert 'href="/organise/"' not in html
    assert "Organiser log in" in html


# --- bad input: any email at all, never a server error, nothing changed ---

SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
EMAILS = st.one_of(
    st.text(max_size=300),
    st.emails().map(str),
    st.sampled_from(
        [
            "",
            " ",
            "x" * 5000 + "@example.org",
            "olena@example.org\x00",
            "olena@example.org\nBcc: everyone@example.org",
            "<script>alert(1)</script>@example.org",
            "олена@приклад.укр",
            "o'lena@example.org",
            "@",
            "a@b",
        ]
    ),
)


@pytest.fixture
def unlimited(settings):
    """Many examples from one client: high limits, so every example reaches the form."""
    settings.TURNOUT_LOGIN_FAILURES_PER_ACCOUNT = 10_000
    settings.TURNOUT_LOGIN_FAILURES_PER_ADDRESS = 10_000


def accounts() -> list:
    return list(User.objects.order_by("pk").values())


@SETTINGS
@given(email=EMAILS)
def test_log_in_takes_any_email(client, organiser, unlimited, email):
    before = accounts()

    response = log_in(client, email, "guess")

    assert response.status_code == 200
    assert not logged_in(client)
    assert accounts() == before


@SETTINGS
@given(email=EMAILS)
def test_sign_up_takes_any_email(client, organiser, email):
    before = accounts()

    response = client.post("/organise/signup/", sign_up_data(email=email))

    assert response.status_code == 200
    html = response.content.decode()
    if response.context.get("form") is not None:  # refused: the reason beside the field
        assert list(response.context["form"].errors) == ["email"]
        assert 'id="id_email_error"' in html
        assert accounts() == before


@SETTINGS
@given(email=EMAILS)
def test_password_reset_takes_any_email(client, organiser, email):
    before = accounts()

    response = client.post("/organise/password-reset/", {"email": email})

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert list(response.context["form"].errors) == ["email"]
    assert accounts() == before
