"""Choosing a language (issue 18, item 3): a switcher on every page, each language named
in itself, working without JavaScript; the choice kept in a cookie and, for a logged-in
organiser, in their account; ``Accept-Language`` otherwise. Only languages offered can
be chosen, and a bad cookie or a bad ``next`` leads back to English on this site."""

import re

import pytest
from django.conf import settings
from django.test import Client

from turnout.groups.models import User

COOKIE = settings.LANGUAGE_COOKIE_NAME
SWITCH = "/language/"


def lang_of(response) -> str:
    return re.search(r'<html lang="([^"]*)" dir="([^"]*)"', response.content.decode()).group(1)


def group_page(event) -> str:
    return f"/{event.group.slug}/"


def meeting_page(event) -> str:
    return f"/{event.group.slug}/events/{event.slug}/"


def test_every_page_offers_each_language_named_in_itself(client, event):
    for path in ("/", group_page(event), meeting_page(event), "/organise/login/"):
        html = client.get(path, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
        for code, name in (("en", "English"), ("uk", "Українська"), ("ar", "العربية")):
            assert f'hreflang="{code}" lang="{code}"' in html, path
            assert f">{name}</a>" in html or f">{name}</button>" in html, path


def test_the_switcher_links_back_to_the_page_it_is_on(client, event):
    html = client.get(meeting_page(event)).content.decode()

    assert f'href="{SWITCH}?language=uk&amp;next={meeting_page(event)}"' in html


def test_choosing_a_language_keeps_it_in_a_cookie_over_the_browsers(client, event):
    response = client.get(SWITCH, {"language": "uk", "next": meeting_page(event)})

    assert response.status_code == 302
    assert response["Location"] == meeting_page(event)
    assert client.cookies[COOKIE].value == "uk"
    assert client.cookies[COOKIE]["samesite"] == "Lax"
    assert lang_of(client.get(meeting_page(event), HTTP_ACCEPT_LANGUAGE="ar")) == "uk"


def test_choosing_a_language_by_post_works_too(client, event):
    response = client.post(SWITCH, {"language": "ar", "next": group_page(event)})

    assert (response.status_code, response["Location"]) == (302, group_page(event))
    assert lang_of(client.get(group_page(event))) == "ar"


@pytest.mark.parametrize("code", ["xx", "de", "", "../", "en-GB" * 1000, "pseudo"])
def test_a_language_not_offered_is_refused_and_nothing_is_set(client, db, code):
    response = client.get(SWITCH, {"language": code, "next": "/"})

    assert response.status_code == 400
    assert "This language is not offered here" in response.content.decode()
    assert COOKIE not in client.cookies


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http://testserver@evil.example/",
        "",
        "uig/",
        "/uig/\r\nSet-Cookie: x=1",
        "/uig/\x00",
        "/" + "a" * 5000,
    ],
)
def test_the_way_back_is_only_ever_a_path_on_this_site(client, db, next_url):
    response = client.get(SWITCH, {"language": "uk", "next": next_url})

    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.cookies[COOKIE].value == "uk"


def test_the_way_back_keeps_a_path_of_this_site(client, event):
    response = client.get(SWITCH, {"language": "uk", "next": "/organise/?x=1"})

    assert response["Location"] == "/organise/?x=1"


@pytest.mark.parametrize("cookie", ["xx", "../", "a" * 5000, "ar;q=abc", "uk\x00"])
def test_a_bad_cookie_falls_back_to_english(client, db, cookie):
    client.cookies[COOKIE] = cookie

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="xx")

    assert response.status_code == 200
    assert lang_of(response) == "en"


def test_the_cookie_comes_before_the_browsers_header(client, db):
    client.cookies[COOKIE] = "ar"

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="uk")

    assert lang_of(response) == "ar"
    assert "Cookie" in response["Vary"]


def test_an_organiser_who_switches_keeps_it_in_their_account(organiser_client, organiser):
    response = organiser_client.post(SWITCH, {"language": "ar", "next": "/organise/"})

    assert response["Location"] == "/organise/"
    organiser.refresh_from_db()
    assert organiser.language == "ar"
    # On another device, with no cookie and an English browser: their language.
    other = Client()
    other.force_login(organiser)
    assert lang_of(other.get("/organise/", HTTP_ACCEPT_LANGUAGE="en", follow=True)) == "ar"


def test_a_link_followed_while_logged_in_changes_the_cookie_not_the_account(
    organiser_client, organiser
):
    organiser_client.get(SWITCH, {"language": "uk", "next": "/"})

    organiser.refresh_from_db()
    assert organiser.language == ""
    assert organiser_client.cookies[COOKIE].value == "uk"


def test_logged_in_the_switcher_is_a_form_with_its_csrf_token(organiser_client):
    html = organiser_client.get("/organise/", follow=True).content.decode()

    form = re.search(r'<form[^>]*action="/language/"[^>]*>.*?</form>', html, re.S).group(0)
    assert 'method="post"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'name="next" value="/organise/"' in form


def test_the_account_language_is_not_taken_from_a_post_without_csrf(organiser):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(organiser)

    response = strict.post(SWITCH, {"language": "ar", "next": "/"})

    assert response.status_code == 403
    assert User.objects.get(pk=organiser.pk).language == ""


@pytest.mark.parametrize("path", ["/", "group", "meeting"])
def test_a_page_cached_in_one_language_is_never_served_in_another(page_cache, event, path):
    path = {"/": "/", "group": group_page(event), "meeting": meeting_page(event)}[path]
    arabic = Client()
    arabic.cookies[COOKIE] = "ar"
    assert lang_of(arabic.get(path)) == "ar"  # now in the cache
    assert lang_of(Client().get(path, HTTP_ACCEPT_LANGUAGE="ar")) == "ar"

    for client, header in ((Client(), "en"), (Client(), ""), (Client(), "uk")):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=header)
        assert lang_of(response) == (header or "en")
    ukrainian = Client()
    ukrainian.cookies[COOKIE] = "uk"
    assert lang_of(ukrainian.get(path, HTTP_ACCEPT_LANGUAGE="ar")) == "uk"
