"""A language is offered only once Turnout has its whole catalogue (issue 18: "each
complete or not offered"). Django ships its own Ukrainian and Arabic catalogues (dates,
form errors), so without this a phone set to Arabic got the English interface mirrored
right to left, with an Arabic date."""

import shutil
import subprocess

import pytest

PAGE = "/"


def lang_and_dir(response) -> tuple[str, str]:
    head = response.content.decode().split(">", 2)[1]  # <html lang=… dir=…
    return head.split('lang="')[1].split('"')[0], head.split('dir="')[1].split('"')[0]


@pytest.fixture
def no_catalogues(tmp_path, settings):
    """Turnout as if it had no catalogue: only Django's own for these languages."""
    from turnout.core import languages

    settings.LOCALE_PATHS = [tmp_path]
    languages.offered.cache_clear()
    yield
    languages.offered.cache_clear()


@pytest.mark.parametrize("header", ["ar", "ar-SA,ar;q=0.9", "uk-UA,uk;q=0.9,en;q=0.5"])
def test_a_language_without_turnouts_catalogue_is_not_chosen(client, db, no_catalogues, header):
    response = client.get(PAGE, HTTP_ACCEPT_LANGUAGE=header)

    assert lang_and_dir(response) == ("en", "ltr")
    assert "Accept-Language" in response["Vary"]


@pytest.fixture
def ukrainian_catalogue(tmp_path, settings):
    """A catalogue for uk, compiled from a one-line .po file, in its own locale path."""
    messages = tmp_path / "uk" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Upcoming meetings"\nmsgstr "Найближчі зустрічі"\n',
        encoding="utf-8",
    )
    subprocess.run(
        [shutil.which("msgfmt"), "-o", messages / "django.mo", messages / "django.po"], check=True
    )
    from turnout.core import languages

    settings.LOCALE_PATHS = [tmp_path]
    languages.offered.cache_clear()
    yield
    languages.offered.cache_clear()


def test_a_language_with_its_catalogue_is_chosen(client, db, ukrainian_catalogue):
    from turnout.core import languages

    assert languages.offered() == ("en", "uk")

    response = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="ar,uk;q=0.8,en;q=0.5")

    assert lang_and_dir(response) == ("uk", "ltr")


@pytest.mark.parametrize(
    "header", ["xx", "../", "ar;q=abc", "a" * 5000, "uk;q=0,en;q=0.1", "*", ""]
)
def test_a_malformed_or_unknown_header_falls_back_to_english(client, db, header):
    # (the languages with a catalogue are offered: none of these headers asks for one)
    response = client.get(PAGE, HTTP_ACCEPT_LANGUAGE=header)

    assert response.status_code == 200
    assert lang_and_dir(response) == ("en", "ltr")


@pytest.mark.parametrize(
    ("header", "expected"), [("ar-SA,ar;q=0.9", ("ar", "rtl")), ("uk", ("uk", "ltr"))]
)
def test_the_shipped_catalogues_are_offered(client, db, header, expected):
    response = client.get(PAGE, HTTP_ACCEPT_LANGUAGE=header)

    assert lang_and_dir(response) == expected
    assert "Upcoming meetings" not in response.content.decode()
