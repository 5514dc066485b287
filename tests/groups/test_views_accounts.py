"""Organiser accounts through their pages: sign up, verify, log in (throttled), reset."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import PASSWORD, make_user
from tests.mail import outbox
from turnout.groups.models import User

UNVERIFIED = "Confirm your email address first: we have just sent you a new link."
THROTTLED = "Too many failed attempts. Wait 15 minutes, or reset your password by email."
WRONG = "That email and password do not match an account."


def sign_up_data(**changes) -> dict:
    return {
        "name": "Taras",
        "email": "taras@example.org",
        "password": "solidarity across borders",
        **changes,
    }


def link_path(message, pattern: str) -> str:
    (link,) = re.findall(rf"https?://\S+{pattern}\S*/", message.body)
    return urlsplit(link).path


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def log_in(client, email: str, password: str = PASSWORD):
    return client.post("/organise/login/", {"username": email, "password": password})


def non_field_errors(response) -> list[str]:
    return list(response.context["form"].non_field_errors())


# --- sign up ---


def test_sign_up_creates_an_unverified_account_and_emails_a_link(client, db):
    response = client.post("/organise/signup/", sign_up_data(email="Taras@Example.org"))

    assert response.status_code == 200
    assert (
        "We have sent a link to taras@example.org. Open it to confirm your address, then log in."
        in response.content.decode()
    )
    user = User.objects.get()
    assert (user.email, user.name, user.email_verified) == ("taras@example.org", "Taras", False)
    assert [m.to for m in outbox()] == [["taras@example.org"]]
    assert outbox()[0].subject == "Confirm your email address for Turnout"
    assert not logged_in(client)


@pytest.mark.parametrize(
    ("changes", "field", "messages"),
    [
        ({"email": "taras"}, "email", ["Enter a valid email address."]),
        ({"email": "taras@"}, "email", ["Enter a valid email address."]),
        ({"email": ""}, "email", ["This field is required."]),
        ({"name": ""}, "name", ["This field is required."]),
        (
            {"password": "12345678"},
            "password",
            ["This password is too common.", "This password is entirely numeric."],
        ),
        (
            {"password": "short"},
            "password",
            ["This password is too short. It must contain at least 8 characters."],
        ),
        (
            {"password": "taras@example.org"},
            "password",
            ["The password is too similar to the email address."],
        ),
    ],
    ids=["email-no-at", "email-no-domain", "email-empty", "name-empty", "weak", "short", "similar"],
)
def test_sign_up_with_bad_input_shows_the_message_and_creates_no_one(
    client, db, changes, field, messages
):
    response = client.post("/organise/signup/", sign_up_data(**changes))

    assert response.status_code == 200
    assert list(response.context["form"].errors[field]) == messages
    assert f'id="id_{field}_error"' in response.content.decode()
    assert User.objects.count() == 0
    assert outbox() == []


def test_sign_up_with_an_existing_email_says_check_your_inbox_and_emails_the_account(
    client, organiser
):
    response = client.post("/organise/signup/", sign_up_data(email="OLENA@example.org"))

    assert response.status_code == 200
    assert (
        "We have sent a link to olena@example.org. Open it to confirm your address, then log in."
        in response.content.decode()
    )
    assert list(User.objects.values_list("email", "name")) == [
        ("olena@example.org", "Olena Organiser")
    ]
    [email] = outbox()
    assert (email.to, email.subject) == (
        ["olena@example.org"],
        "Someone tried to sign up to Turnout with your address",
    )
    links = [
        f"{settings.BASE_URL}/organise/login/",
        f"{settings.BASE_URL}/organise/password-reset/",
    ]
    assert re.findall(r"https?://\S+/", email.body) == links
    (html, _type) = email.alternatives[0]
    assert re.findall(r'href="([^"]+)"', html) == links
    assert not logged_in(client)


def test_sign_up_form_never_echoes_the_password(client, db):
    response = client.post("/organise/signup/", sign_up_data(password="12345678"))

    assert "12345678" not in response.content.decode()


# --- verify ---


def test_verify_link_shows_a_button_and_only_the_post_verifies(client, db):
    client.post("/organise/signup/", sign_up_data())
    path = link_path(outbox()[0], "/organise/verify/")

    page = client.get(path)

    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Confirm your email address</h1>" in html
    assert '<button type="submit">Confirm my email address</button>' in html
    assert User.objects.get().email_verified is False

    response = client.post(path)

    assert response.status_code == 302
    assert response["Location"] == "/organise/login/"
    assert User.objects.get().email_verified is True
    login_page = client.get("/organise/login/").content.decode()
    assert "Your email address is confirmed. Log in to start." in login_page


def test_verify_link_works_once(client, db):
    client.post("/organise/signup/", sign_up_data())
    path = link_path(outbox()[0], "/organise/verify/")
    client.post(path)

    response = client.post(path)

    assert response.status_code == 400


def test_full_sign_up_then_log_in(client, db):
    client.post("/organise/signup/", sign_up_data())
    client.post(link_path(outbox()[0], "/organise/verify/"))

    response = log_in(client, "taras@example.org", "solidarity across borders")

    assert response.status_code == 302
    assert response["Location"] == "/organise/"
    assert logged_in(client)


@pytest.mark.parametrize(
    "path",
    [
        "/organise/verify/MQ/forged-token/",
        "/organise/verify/not-base64!/x/",
        "/organise/verify/OTk5OTk5OTk5OTk5OTk5OTk5OTk5/x/",
        "/organise/verify/%2e%2e/%2e%2e/",
    ],
)
def test_forged_verify_link_shows_a_400_page(client, db, path):
    user = make_user(verified=False)
    before = list(User.objects.values())

    for response in (client.get(path), client.post(path)):
        assert response.status_code == 400
        assert "<h1>This link does not work</h1>" in response.content.decode()
    assert list(User.objects.values()) == before
    user.refresh_from_db()
    assert user.email_verified is False


def test_verify_link_of_one_user_does_not_verify_another(client, db):
    client.post("/organise/signup/", sign_up_data())
    path = link_path(outbox()[0], "/organise/verify/")
    other = make_user(verified=False)
    token = path.split("/")[-2]

    forged = f"/organise/verify/{urlsafe_base64_encode(force_bytes(other.pk))}/{token}/"

    assert client.post(forged).status_code == 400
    other.refresh_from_db()
    assert other.email_verified is False


# --- log in ---


def test_log_in_with_the_right_password(client, organiser):
    response = log_in(client, "olena@example.org")

    assert response.status_code == 302
    assert response["Location"] == "/organise/"
    assert logged_in(client)


def test_log_in_follows_a_safe_next_and_ignores_another_site(client, organiser):
    safe = client.post(
        "/organise/login/",
        {"username": "olena@example.org", "password": PASSWORD, "next": "/organise/new-group/"},
    )
    client.logout()
    unsafe = client.post(
        "/organise/login/",
        {"username": "olena@example.org", "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert safe["Location"] == "/organise/new-group/"
    assert unsafe["Location"] == "/organise/"


def test_log_in_with_the_wrong_password(client, organiser):
    response = log_in(client, "olena@example.org", "wrong password")

    assert response.status_code == 200
    assert non_field_errors(response) == [WRONG]
    assert not logged_in(client)


def test_log_in_of_an_unverified_user_is_refused_and_sends_a_new_link(client, db):
    make_user(email="taras@example.org", verified=False)

    response = log_in(client, "taras@example.org")

    assert response.status_code == 200
    assert non_field_errors(response) == [UNVERIFIED]
    assert not logged_in(client)
    assert [m.to for m in outbox()] == [["taras@example.org"]]
    assert outbox()[0].subject == "Confirm your email address for Turnout"
    client.post(link_path(outbox()[0], "/organise/verify/"))
    assert log_in(client, "taras@example.org").status_code == 302


def test_log_in_of_an_unverified_user_with_the_wrong_password_sends_nothing(client, db):
    make_user(email="taras@example.org", verified=False)

    response = log_in(client, "taras@example.org", "wrong password")

    assert non_field_errors(response) == [WRONG]
    assert outbox() == []


def test_log_in_is_throttled_after_five_failures_even_with_the_right_password(client, organiser):
    for _ in range(5):
        assert non_field_errors(log_in(client, "olena@example.org", "guess")) == [WRONG]

    response = log_in(client, "OLENA@example.org")

    assert response.status_code == 200
    assert non_field_errors(response) == [THROTTLED]
    assert not logged_in(client)


def test_log_in_throttle_counts_per_email(client, organiser):
    make_user(email="taras@example.org")
    for _ in range(5):
        log_in(client, "olena@example.org", "guess")

    assert log_in(client, "taras@example.org").status_code == 302


def test_four_failures_do_not_throttle(client, organiser):
    for _ in range(4):
        log_in(client, "olena@example.org", "guess")

    assert log_in(client, "olena@example.org").status_code == 302


def test_logged_in_organiser_visiting_log_in_goes_to_the_dashboard(organiser_client):
    response = organiser_client.get("/organise/login/")

    assert response.status_code == 302
    assert response["Location"] == "/organise/"


# --- log out ---


def test_log_out_by_get_is_refused(organiser_client):
    response = organiser_client.get("/organise/logout/")

    assert response.status_code == 405
    assert logged_in(organiser_client)


def test_log_out_by_post(organiser_client):
    response = organiser_client.post("/organise/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not logged_in(organiser_client)


def test_log_out_without_csrf_token_is_refused(organiser):
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)

    response = client.post("/organise/logout/")

    assert response.status_code == 403
    assert "<h1>Form expired</h1>" in response.content.decode()
    assert logged_in(client)


# --- password reset ---


def test_password_reset_emails_a_link_that_sets_a_new_password(client, organiser):
    response = client.post("/organise/password-reset/", {"email": "olena@example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/organise/password-reset/sent/"
    assert [m.to for m in outbox()] == [["olena@example.org"]]
    assert outbox()[0].subject == "Reset your Turnout password"
    path = link_path(outbox()[0], "/organise/password-reset/")

    form_page = client.get(path, follow=True)

    assert form_page.status_code == 200
    assert "<h1>Choose a new password</h1>" in form_page.content.decode()
    (set_password_path, _status) = form_page.redirect_chain[-1]
    saved = client.post(
        set_password_path,
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    assert saved.status_code == 302
    assert saved["Location"] == "/organise/password-reset/done/"
    assert non_field_errors(log_in(Client(), "olena@example.org")) == [WRONG]
    assert log_in(Client(), "olena@example.org", "a brand new passphrase").status_code == 302


def test_password_reset_for_an_unknown_email_says_the_same_and_sends_nothing(client, db):
    response = client.post("/organise/password-reset/", {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/organise/password-reset/sent/"
    assert outbox() == []


def test_password_reset_with_a_forged_link_says_it_does_not_work(client, organiser):
    response = client.get("/organise/password-reset/MQ/forged-token/", follow=True)

    assert response.status_code == 200
    assert "This link does not work any more. Ask for a new one." in response.content.decode()


def test_password_reset_refuses_a_weak_new_password(client, organiser):
    client.post("/organise/password-reset/", {"email": "olena@example.org"})
    form_page = client.get(link_path(outbox()[0], "/organise/password-reset/"), follow=True)
    (set_password_path, _status) = form_page.redirect_chain[-1]
    before = User.objects.get().password

    response = client.post(
        set_password_path, {"new_password1": "12345678", "new_password2": "12345678"}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors["new_password2"]) == [
        "This password is too common.",
        "This password is entirely numeric.",
    ]
    assert User.objects.get().password == before


def test_hostile_name_is_harmless_in_the_verification_email(client, db):
    client.post("/organise/signup/", sign_up_data(name="<script>alert(1)</script>"))

    (html, _type) = outbox()[0].alternatives[0]
    # The address has confirmed nothing yet: the email never repeats the typed name.
    assert "alert" not in html
    assert "alert" not in outbox()[0].body
    assert "Hello," in html


@pytest.mark.parametrize(
    "data",
    [{"username": "x" * 3 * 1024 * 1024}, {f"field{n}": "x" for n in range(600)}],
    ids=["3MB", "600-fields"],
)
def test_oversized_post_gets_a_clear_413_page(db, data):
    client = Client(enforce_csrf_checks=True)
    token = str(client.get("/organise/login/").context["csrf_token"])

    response = client.post("/organise/login/", {"csrfmiddlewaretoken": token, **data})

    assert response.status_code == 413
    html = response.content.decode()
    assert "<h1>Too large to send</h1>" in html
    assert "Traceback" not in html
