"""Which languages the site offers, and which one a request gets.

English, and each other language of ``LANGUAGES`` whose catalogue Turnout ships
(``<locale path>/<code>/LC_MESSAGES/django.mo``; CI refuses a catalogue that is not
complete). A language without one is never chosen, even though Django's own catalogues
translate a few of its words (dates, form errors): that gave a phone set to Arabic the
English interface mirrored right to left, with an Arabic date.

A request gets the language chosen in the switcher (its cookie), else the account's of a
logged-in organiser, else the first offered language of its ``Accept-Language`` header,
in the header's order of preference; otherwise English (``LANGUAGE_CODE``). A cookie or
an account naming a language not offered counts as none.
"""

import functools
from pathlib import Path

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

MAX_HEADER = 500  # a real Accept-Language is a few dozen characters


@functools.cache
def offered() -> tuple[str, ...]:
    """The default language, then every other with a compiled Turnout catalogue."""

    def has_catalogue(code: str) -> bool:
        return any(
            (Path(path) / code / "LC_MESSAGES" / "django.mo").is_file()
            for path in settings.LOCALE_PATHS
        )

    others = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    return (settings.LANGUAGE_CODE, *[code for code in others if has_catalogue(code)])


OWN_NAMES = {"en": "English", "uk": "Українська", "ar": "العربية"}


def own_name(code: str) -> str:
    """The language's name in itself, as the switcher shows it: never translated."""
    if code in OWN_NAMES:
        return OWN_NAMES[code]
    try:
        return translation.get_language_info(code)["name_local"]
    except KeyError:  # a code Django does not know (the tests' pseudo-language)
        return dict(settings.LANGUAGES)[code]


def for_header(header: str) -> str:
    """The language an ``Accept-Language`` header asks for, among those offered."""
    if len(header) <= MAX_HEADER:
        for code, _quality in parse_accept_lang_header(header):
            language = code.split("-")[0].lower()
            if language in offered():
                return language
    return settings.LANGUAGE_CODE


def is_offered(code: object) -> bool:
    """Whether ``code`` is exactly the code of a language offered (never a guess)."""
    return isinstance(code, str) and code in offered()


def for_request(request) -> str:
    """The language of this request: the switcher's cookie, the account's, the header's."""
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if is_offered(cookie):
        return cookie
    user = getattr(request, "user", None)  # after AuthenticationMiddleware: lazy
    if user is not None and user.is_authenticated and is_offered(user.language):
        return user.language
    return for_header(request.headers.get("Accept-Language", ""))


class OfferedLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (its ``Vary: Accept-Language`` included), choosing only
    among the languages offered, the switcher's cookie first (so ``Vary: Cookie`` too)."""

    def process_request(self, request):
        translation.activate(for_request(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response = super().process_response(request, response)
        patch_vary_headers(response, ("Cookie",))
        return response
