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
off; the tests run with it off). A change that must not wait for that, such as a
meeting taken off the listings or its address made private, drops every cached page
at once with ``drop_all``: every key holds a generation, kept in the cache (for a cache
shared by several servers) and as the time stamp of a file in ``VAR_DIR`` (for the
worker processes of one server, whose local caches it cannot reach). A new generation
leaves every copy behind; a ``stat`` a request is its cost.

Only HTML is kept. A page that answers something else under content negotiation (the
group and meeting pages answer ActivityPub clients with JSON or a redirect) decides that
before calling ``anonymous_page`` and never passes the other answer through it, and
sends ``Vary: Accept`` on both, so that neither this cache nor one on the way serves
one for the other.
"""

import hashlib
import os
import secrets
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

CSRF_PLACEHOLDER = "turnout-csrf-token-placeholder"
GENERATION = "pagecache:generation"


def _key(prefix: str, key: str) -> str:
    # Every key holds the generation, so that a new one leaves every copy behind.
    text = f"{_generation()}:{get_language()}:{key}"
    return f"{prefix}:" + hashlib.sha256(text.encode()).hexdigest()


def _generation() -> str:
    """A name for the cache's present contents: the cache's random one (if the cache
    lost it, a new one, so that copies kept before cannot come back) and the stamp of
    the file that every process on this server sees."""
    generation = cache.get(GENERATION)
    if generation is None:
        cache.add(GENERATION, secrets.token_hex(8), timeout=None)
        generation = cache.get(GENERATION, "")
    try:
        stamp = os.stat(settings.TURNOUT_PAGE_CACHE_STAMP).st_mtime_ns
    except OSError:
        stamp = 0
    return f"{generation}:{stamp}"


def drop_all() -> None:
    """Forget every cached page and ``recent`` value, at once, in every process."""
    cache.set(GENERATION, secrets.token_hex(8), timeout=None)
    stamp = settings.TURNOUT_PAGE_CACHE_STAMP
    stamp.parent.mkdir(parents=True, exist_ok=True)
    try:
        before = os.stat(stamp).st_mtime_ns
    except OSError:
        stamp.touch()
        before = 0
    now = max(time.time_ns(), before + 1)  # a new stamp even within one clock tick
    os.utime(stamp, ns=(now, now))


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
    request: HttpRequest,
    key: str | Callable[[], str],
    render: Callable[[dict], str | tuple[str, dict[str, str]]],
) -> HttpResponse:
    """The page ``render(extra_context)`` makes, from the cache when the visitor allows it.

    ``render`` receives context to add to the template's (the CSRF placeholder) and
    returns the HTML, or the HTML and response headers kept with it (``X-Robots-Tag``);
    an exception it raises (``Http404``) leaves nothing in the cache. ``key`` names the
    page among the others; a callable is asked only for visitors who may get the cached
    copy. Whatever goes into the key must take few values (a page number that exists,
    not the raw query string), so that visitors cannot fill the cache.
    """
    if not cacheable(request):
        html, headers = _with_headers(render({}))
        return HttpResponse(html, headers=headers)
    key = _key("page", key() if callable(key) else key)
    page = cache.get(key)
    if page is None:
        page = _with_headers(render({"csrf_token": CSRF_PLACEHOLDER}))
        cache.set(key, page, settings.TURNOUT_PAGE_CACHE_SECONDS)
    html, headers = page
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    response = HttpResponse(html, headers=headers)
    # As the rendered page says (it read the session to see who is logged in).
    patch_vary_headers(response, ("Cookie",))
    return response


def _with_headers(rendered: str | tuple[str, dict[str, str]]) -> tuple[str, dict[str, str]]:
    return rendered if isinstance(rendered, tuple) else (rendered, {})
