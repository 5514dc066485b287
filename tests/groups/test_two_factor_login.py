"""Logging in with two-factor: the password step, then a code from the app or a
recovery code; and every bad code refused with its reason, nothing changed."""

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, make_user
from tests.groups.twofactor_helpers import code_for, enrol, next_code

REUSED = "That code has been used already. Wait for your app to show the next one."
EXPIRED = (
    "That code has expired. Type the one your app shows now; if this keeps happening, "
    "check that your phone&#x27;s clock is right."
)
WRONG = "That code is not right. Type the 6 digits your app shows for Turnout."
LETTERS = "Type the 6 digits your app shows, or one of your recovery codes."
RECOVERY_USED = (
    "That recovery code is not one of yours, or it has been used already: each works once."
)


@pytest.fixture
def enrolled(db):
    user = make_user(email="olena@example.org")
    key, used, codes = enrol(user)
    return user, key, used, codes


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def password_step(client, email="olena@example.org", next_url=""):
    data = {"username": email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/organise/login/", data)


def code_step(client, code: str):
    return client.post("/organise/login/code/", {"code": code})


def device_state(user) -> tuple:
    device = TOTPDevice.objects.get(user=user)
    return device.last_t, device.confirmed, StaticToken.objects.filter(device__user=user).count()


def test_the_right_password_asks_for_the_code_and_does_not_log_in(enrolled):
    client = Client()

    response = password_step(client)

    assert (response.status_code, response["Location"]) == (302, "/organise/login/code/")
    assert not logged_in(client)
    assert client.get("/organise/").status_code == 302  # still sent to log in


def test_a_code_from_the_app_logs_in_and_goes_on_to_next(enrolled):
    user, key, _used, _codes = enrolled
    client = Client()
    password_step(client, next_url="/organise/new-group/")

    response = code_step(client, next_code(key))

    assert (response.status_code, response["Location"]) == (302, "/organise/new-group/")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_an_account_without_two_factor_logs_in_with_the_password(db):
    make_user(email="olena@example.org")
    client = Client()

    response = password_step(client)

    assert (response.status_code, response["Location"]) == (302, "/organise/")
    assert logged_in(client)


def test_an_unconfirmed_device_does_not_count(db):
    user = make_user(email="olena@example.org")
    TOTPDevice.objects.create(user=user, name="half set up", confirmed=False)
    client = Client()

    password_step(client)

    assert logged_in(client)


def test_the_code_page_without_the_password_step_sends_to_log_in(enrolled):
    _user, key, _used, _codes = enrolled
    client = Client()

    response = code_step(client, next_code(key))

    assert (response.status_code, response["Location"]) == (302, "/organise/login/")
    assert not logged_in(client)


def test_a_wrong_password_never_reaches_the_code_step(enrolled):
    client = Client()

    response = client.post(
        "/organise/login/", {"username": "olena@example.org", "password": "wrong password"}
    )

    assert response.status_code == 200
    assert "two_factor_login" not in client.session


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("reused", REUSED),
        ("expired", EXPIRED),
        ("12345", "The code from your app has 6 digits; you typed 5."),
        ("1234567", "The code from your app has 6 digits; you typed 7."),
        ("abcdef", LETTERS),
        ("12 34a6", LETTERS),
        ("wrong", WRONG),
        ("", "This field is required."),
    ],
)
def test_a_bad_code_is_refused_with_its_reason_and_nothing_changes(enrolled, bad, message):
    user, key, used, _codes = enrolled
    code = {
        "reused": used,
        "expired": code_for(key, steps=-3),
        "wrong": f"{(int(next_code(key)) + 1) % 1_000_000:06d}",
    }.get(bad, bad)
    client = Client()
    password_step(client)
    before = device_state(user)

    response = code_step(client, code)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not logged_in(client)
    assert device_state(user) == before


def test_a_recovery_code_logs_in_once(enrolled):
    user, _key, _used, codes = enrolled
    first = Client()
    password_step(first)

    response = code_step(first, codes[3].upper())  # any case, with or without the hyphen

    assert first.session["_auth_user_id"] == str(user.pk)
    assert "You used a recovery code: it will not work again. You have 9 left" in (
        first.get(response["Location"]).content.decode()
    )
    assert StaticToken.objects.filter(device__user=user).count() == 9

    second = Client()
    password_step(second)
    response = code_step(second, codes[3])

    assert RECOVERY_USED in response.content.decode()
    assert not logged_in(second)
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_recovery_codes_are_not_stored_as_they_are_shown(enrolled):
    user, _key, _used, codes = enrolled

    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))

    assert len(codes) == len(stored) == 10
    assert not stored & {code.replace("-", "") for code in codes}


def test_wrong_codes_are_throttled_then_the_right_one_waits(enrolled):
    user, key, _used, _codes = enrolled
    client = Client()
    password_step(client)
    code_step(client, f"{(int(next_code(key)) + 1) % 1_000_000:06d}")

    response = code_step(client, next_code(key))

    assert "Too many wrong codes. Wait 1 second, then try again." in response.content.decode()
    assert not logged_in(client)
    assert TOTPDevice.objects.get(user=user).throttling_failure_count == 1


def test_arabic_indic_digits_are_read_as_digits(enrolled):
    _user, key, _used, _codes = enrolled
    client = Client()
    password_step(client)
    arabic = "".join("٠١٢٣٤٥٦٧٨٩"[int(d)] for d in next_code(key))

    code_step(client, arabic)

    assert logged_in(client)
