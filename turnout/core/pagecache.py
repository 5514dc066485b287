"""A few seconds' cache of public pages for anonymous visitors, kept in each process.

A meeting shared widely is opened by many people at once; each of them would
otherwise cost queries and a template. The event page, a group's page and ``/`` are
kept as HTML. Where a page has a form, the cached HTML holds a placeholder where its
CSRF token goes, and every response gets its own token (and cookie) in its place; a
page without a form sets no cookie. Only visitors with no session and no pending
messages get the cached page: anyone logged in, or about to see a message, gets it
rendered for them, and what they see is never kept for others.

Each gunicorn worker keeps its own copy, so a change (a seat taken, a meeting
cancelled) shows everywhere within ``TURNOUT_PAGE_CACHE_SECONDS`` (0 turns the cache
off; the tests run with it off).
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

CSRF_PLACEHOLDER = "turnout-csrf-token-placeholder"


def _key(prefix: str, key: str, language: str | None = None) -> str:
    named = f"{language or get_language()}:{key}"
    return f"{prefix}:" + hashlib.sha256(named.encode()).hexdigest()


def forget(keys: list[str]) -> None:
    """Drop the pages and values kept under these keys, in every language, at once.

    For a change that must not wait for the copies to expire (a meeting's address made
    private). Django's cache is dropped from here; with the default local-memory cache
    that is this process's copy, and other worker processes keep theirs until they
    expire (``TURNOUT_PAGE_CACHE_SECONDS`` at most); a shared cache drops them for all.
    """
    cache.delete_many(
        [
            _key(prefix, key, language)
            for key in keys
            for prefix in ("page", "recent")
            for language, _name in settings.LANGUAGES
        ]
    )


def recent(key: str, compute: Callable[[], object]):
    """``compute()``, or what it gave in the last few seconds in this process.

    For data a POST may read a few seconds old, as the cached page shows it (a None is
    not kept). Whatever must be exact is checked again by the database.
    """
    if settings.TURNOUT_PAGE_CACHE_SECONDS <= 0:
        return compute()
    key = _key("recent", key)
    value = cache.get(key)
    if value is None:
        value = compute()
        if value is not None:
            cache.set(key, value, settings.TURNOUT_PAGE_CACHE_SECONDS)
    return value


def cacheable(request: HttpRequest) -> bool:
    """Whether this visitor may get what another was shown: an anonymous GET."""
    return (
        settings.TURNOUT_PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def anonymous_page(
    request: HttpRequest, key: str | Callable[[], str], render: Callable[[dict], str]
) -> HttpResponse:
    """The page ``render(extra_context)`` makes, from the cache when the visitor allows it.

    ``render`` receives context to add to the template's (the CSRF placeholder); an
    exception it raises (``Http404``) leaves nothing in the cache. ``key`` names the
    page among the others; a callable is asked only for visitors who may get the cached
    copy. Whatever goes into the key must take few values (a page number that exists,
    not the raw query string), so that visitors cannot fill the cache.
    """
    if not cacheable(request):
        return HttpResponse(render({}))
    key = _key("page", key() if callable(key) else key)
    html = cache.get(key)
    if html is None:
        html = render({"csrf_token": CSRF_PLACEHOLDER})
        cache.set(key, html, settings.TURNOUT_PAGE_CACHE_SECONDS)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    response = HttpResponse(html)
    # As the rendered page says (it read the session to see who is logged in).
    patch_vary_headers(response, ("Cookie",))
    return response
