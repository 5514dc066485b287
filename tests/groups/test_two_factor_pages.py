"""Setting two-factor up, turning it off, new recovery codes, "log out my other
sessions", and a group that requires two-factor of its organisers."""

import re
from base64 import b32decode
from urllib.parse import urlencode

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, make_user
from tests.groups.twofactor_helpers import code_for, enrol, next_code
from turnout.groups import selectors, twofactor
from turnout.groups.models import Group

SETUP = "/organise/account/two-factor/set-up/"


def key_on_page(html: str) -> str:
    """The secret as the set-up page shows it, back to hex (what an app would store)."""
    (shown,) = re.findall(r'<code class="secret" id="two-factor-key" dir="ltr">([A-Z2-7 ]+)<', html)
    text = shown.replace(" ", "")
    return b32decode(text + "=" * (-len(text) % 8)).hex()


def test_the_set_up_page_shows_the_key_as_text_and_as_an_inline_qr_code(organiser_client):
    first = organiser_client.get(SETUP).content.decode()
    again = organiser_client.get(SETUP).content.decode()

    assert key_on_page(first) == key_on_page(again)  # reloading keeps what was scanned
    assert "<svg" in first
    assert "<img" not in first
    assert TOTPDevice.objects.count() == 0  # nothing stored until it is confirmed


def test_the_code_turns_it_on_and_shows_ten_recovery_codes_once(organiser, organiser_client):
    key = key_on_page(organiser_client.get(SETUP).content.decode())

    response = organiser_client.post(SETUP, {"code": code_for(key)})

    html = response.content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>", html)
    assert len(set(codes)) == 10
    device = TOTPDevice.objects.get(user=organiser)
    assert (device.confirmed, device.key) == (True, key)
    assert StaticToken.objects.filter(device__user=organiser).count() == 10
    assert organiser_client.get("/organise/").status_code == 200  # this session stays
    assert organiser_client.get(SETUP).status_code == 302  # and the codes are not shown again


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("12345", "The code from your app has 6 digits; you typed 5."),
        ("1234567", "The code from your app has 6 digits; you typed 7."),
        ("abcdef", "Type the 6 digits your app shows."),
        ("wrong", "That code does not match."),
        ("expired", "That code does not match."),
    ],
)
def test_a_bad_set_up_code_turns_nothing_on(organiser, organiser_client, code, message):
    key = key_on_page(organiser_client.get(SETUP).content.decode())
    code = {
        "wrong": f"{(int(code_for(key)) + 1) % 1_000_000:06d}",
        "expired": code_for(key, steps=-3),
    }.get(code, code)

    response = organiser_client.post(SETUP, {"code": code})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TOTPDevice.objects.exists()
    assert not StaticToken.objects.exists()


def test_turning_it_on_logs_out_the_other_sessions(organiser, organiser_client):
    other = Client()
    other.force_login(organiser)
    key = key_on_page(organiser_client.get(SETUP).content.decode())

    organiser_client.post(SETUP, {"code": code_for(key)})

    assert other.get("/organise/").status_code == 302
    assert organiser_client.get("/organise/").status_code == 200


def test_log_out_my_other_sessions(organiser, organiser_client):
    other = Client()
    other.force_login(organiser)
    assert other.get("/organise/").status_code == 200

    response = organiser_client.post("/organise/account/sessions/log-out-others/")

    assert (response.status_code, response["Location"]) == (302, "/organise/account/two-factor/")
    assert other.get("/organise/")["Location"] == "/organise/login/?next=/organise/"
    assert "_auth_user_id" not in other.session
    assert organiser_client.get("/organise/").status_code == 200


@pytest.fixture
def enrolled(organiser, client):
    """A client logged in to an account with two-factor on; its key and recovery codes."""
    key, _used, codes = enrol(organiser)  # this logs out sessions made before
    client.force_login(organiser)
    return client, key, codes


def test_sessions_made_before_the_secret_existed_stay_logged_in(organiser):
    assert organiser.sessions_secret == ""
    assert organiser.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(organiser)


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"password": "not my password"}, "That is not your password."),
        ({}, "Give your password or a code from your app."),
        ({"code": "12345"}, "The code from your app has 6 digits; you typed 5."),
        ({"code": "abcde-fghij"}, "That recovery code is not one of yours"),
    ],
)
def test_turning_it_off_needs_the_password_or_a_code(organiser, enrolled, data, field_error):
    client, _key, _codes = enrolled

    response = client.post("/organise/account/two-factor/turn-off/", data)

    assert field_error in response.content.decode()
    assert twofactor.has_two_factor(user=organiser)
    assert StaticToken.objects.filter(device__user=organiser).count() == 10


@pytest.mark.parametrize("how", ["password", "code"])
def test_turning_it_off_with_the_password_or_a_code(enrolled, how):
    client, key, _codes = enrolled
    data = {"password": PASSWORD} if how == "password" else {"code": next_code(key)}

    response = client.post("/organise/account/two-factor/turn-off/", data)

    assert (response.status_code, response["Location"]) == (302, "/organise/account/two-factor/")
    assert not TOTPDevice.objects.exists()
    assert not StaticToken.objects.exists()


def test_new_recovery_codes_replace_the_old_ones(organiser, enrolled):
    client, _key, old = enrolled

    response = client.post("/organise/account/two-factor/recovery-codes/")

    new = re.findall(r"<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    twofactor.check_code(user=organiser, code=new[0].replace("-", ""))
    with pytest.raises(ValidationError, match="not one of yours"):
        twofactor.check_code(user=organiser, code=old[0].replace("-", ""))


# --- a group that requires it ---


def test_an_owner_can_require_two_factor_in_the_group_settings(group, organiser_client):
    page = organiser_client.get(f"/organise/groups/{group.slug}/edit/").content.decode()
    assert 'name="require_two_factor"' in page
    data = {
        "name": group.name, "slug": group.slug, "contact_email": group.contact_email,
        "time_zone": group.time_zone, "language": group.language, "require_two_factor": "on",
    }  # fmt: skip

    organiser_client.post(f"/organise/groups/{group.slug}/edit/", data)

    assert Group.objects.get(pk=group.pk).require_two_factor


def test_an_organiser_is_sent_to_set_it_up_and_then_back(organiser, group, organiser_client):
    Group.objects.filter(pk=group.pk).update(require_two_factor=True)
    page = f"/organise/groups/{group.slug}/"

    response = organiser_client.get(page)

    assert response["Location"] == f"{SETUP}?{urlencode({'next': page})}"
    setup = organiser_client.get(response["Location"]).content.decode()
    assert "Ukraine Information Group asks its organisers to use two-factor" in setup
    key = key_on_page(setup)
    done = organiser_client.post(SETUP, {"code": code_for(key), "next": page})
    assert f'href="{page}"' in done.content.decode()
    assert organiser_client.get(page).status_code == 200


def test_the_requirement_sends_nobody_off_site(organiser, organiser_client):
    key = key_on_page(organiser_client.get(SETUP).content.decode())

    done = organiser_client.post(SETUP, {"code": code_for(key), "next": "https://evil.example/"})

    assert 'href="/organise/account/two-factor/"' in done.content.decode()
    assert "evil.example" not in done.content.decode()


def test_a_group_that_does_not_require_it_asks_nothing(group, organiser_client):
    assert organiser_client.get(f"/organise/groups/{group.slug}/").status_code == 200


def test_another_user_cannot_use_my_codes(db):
    mine, theirs = make_user(email="a@example.org"), make_user(email="b@example.org")
    key, _used, codes = enrol(mine)
    enrol(theirs)

    with pytest.raises(ValidationError, match="not one of yours"):
        twofactor.check_code(user=theirs, code=codes[0].replace("-", ""))
    with pytest.raises(ValidationError, match="not right"):
        twofactor.check_code(user=theirs, code=next_code(key))


def test_owner_only_pages_obey_it_too(organiser, group):
    Group.objects.filter(pk=group.pk).update(require_two_factor=True)

    with pytest.raises(selectors.TwoFactorRequired):
        selectors.group_for_owner(user=organiser, slug=group.slug)
    enrol(organiser)
    assert selectors.group_for_owner(user=organiser, slug=group.slug) == group
