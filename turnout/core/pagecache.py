"""A cache of public pages for anonymous visitors that follows changes.

A meeting shared widely is opened by many people at once; each of them would
otherwise cost queries and a template. The event page, a group's page and ``/`` are
kept as HTML. Where a page has a form, the cached HTML holds a placeholder where its
CSRF token goes, and every response gets its own token (and cookie) in its place; a
page without a form sets no cookie. Only visitors with no session and no pending
messages get the cached page: anyone logged in, or about to see a message, gets it
rendered for them, and what they see is never kept for others.

A page is kept under a key that holds the versions of what it shows (``follows``): a
meeting page and a group's page follow their group's version, ``/`` the listings'. Every
save of what those pages show (the meeting, its group, its venue, its blocks, its
tables, their slugs) gives its group and the listings a new version, at once and again
once committed (turnout.pages.receivers), so an organiser's change is seen at once;
only the seat counts, written without a save, may be ``TURNOUT_PAGE_CACHE_SECONDS`` old
(0 turns the cache off; the tests run with it off). Why the group, not each meeting: a
statement, a quote, a venue or a table is the group's and shown on several of its
meetings, and every row the pages show knows its group in one step; a group's pages are
few, and changes are rare beside views. A version is a random token (a version lost
from the cache becomes a new one, so copies kept before cannot come back), read with
the generation in one ``get_many`` (one round trip to Redis).

The cache is Django's (settings: ``TURNOUT_CACHE_URL``): each process's own memory by
default, or Redis shared by several servers. With memory, a new version in one worker
cannot reach the others' memory, so it also touches the stamp file below, as
``drop_all`` does (one server: every copy goes, which costs one render per page). A
cache that fails (Redis down) is left alone for ``RETRY_SECONDS`` and pages are built
uncached meanwhile, with a warning in the log.

A change that must reach everything at once, such as a meeting taken off the listings
or its address made private, drops every cached page with ``drop_all``: every key holds
a generation, kept in the cache (for a cache shared by several servers) and as the time
stamp of a file in ``VAR_DIR`` (for the worker processes of one server, whose local
caches it cannot reach). A new generation leaves every copy behind; a ``stat`` a
request is its cost.

Pages built for one visitor (logged in, or the cached copy expired) reuse ``fragment``s:
the pieces that are the same for everyone, kept longer under the same versions (see
there), so that such a page costs little more than its one or two queries.

Only HTML is kept. A page that answers something else under content negotiation (the
group and meeting pages answer ActivityPub clients with JSON or a redirect) decides that
before calling ``anonymous_page`` and never passes the other answer through it, and
sends ``Vary: Accept`` on both, so that neither this cache nor one on the way serves
one for the other.
"""

import contextlib
import hashlib
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

CSRF_PLACEHOLDER = "turnout-csrf-token-placeholder"
GENERATION = "pagecache:generation"
VERSION = "pagecache:version:"  # + a scope: LISTINGS, or group_scope(slug)
LISTINGS = "listings"  # what "/" lists: every group's upcoming meetings
RETRY_SECONDS = 5  # a cache that failed is left alone this long
LOCAL_BACKENDS = ("LocMemCache", "DummyCache")

logger = logging.getLogger(__name__)
_failed_until = 0.0  # this process's: until when the cache is left alone


# The versions this thread's request has read (``_versions``): a page built from a dozen
# fragments of one group asks Redis once, not a dozen times. Emptied when a request
# starts and when this process changes a version; None outside a request (a worker, a
# command), which reads them each time.
_read = threading.local()


def request_started(**kwargs) -> None:
    _read.versions = {}


def request_finished(**kwargs) -> None:
    _read.versions = None


def _forget_read() -> None:
    if getattr(_read, "versions", None) is not None:
        _read.versions = {}


class Unavailable(Exception):
    """The cache failed (Redis down) or did a moment ago: build the page uncached."""


def group_scope(slug: str) -> str:
    """The scope of what a group's pages show: the group, its meetings and their blocks."""
    return f"group:{slug}"


def _key(prefix: str, key: str, follows: Iterable[str] = ()) -> str:
    # Every key holds the generation and the versions it follows, so that a new one
    # leaves every copy behind.
    text = f"{_versions(follows)}:{get_language()}:{key}"
    return f"{prefix}:" + hashlib.sha256(text.encode()).hexdigest()


def _versions(follows: Iterable[str]) -> str:
    """A name for the cache's present contents and the versions in ``follows``: one
    ``get_many``; any missing (never set, or lost) becomes a new random one, so that
    copies kept before cannot come back; and the stamp of the file that every process
    on this server sees. Within a request, a version is read once (``_read``)."""
    names = [GENERATION, *(VERSION + scope for scope in follows)]
    found = getattr(_read, "versions", None)
    if found is None:  # outside a request: nothing is remembered
        found = {}
    unread = [name for name in names if name not in found]
    if unread:
        found.update(_guarded(lambda: cache.get_many(unread)))
    missing = [name for name in names if name not in found]
    if missing:
        _guarded(lambda: [cache.add(name, secrets.token_hex(8), timeout=None) for name in missing])
        found.update(_guarded(lambda: cache.get_many(missing)))
    try:
        stamp = os.stat(settings.TURNOUT_PAGE_CACHE_STAMP).st_mtime_ns
    except OSError:
        stamp = 0
    return ":".join([*(str(found.get(name, "")) for name in names), str(stamp)])


def _guarded(use: Callable):
    """``use()`` of the cache; Unavailable if it fails, or failed less than
    RETRY_SECONDS ago (one warning a failure, not one a request)."""
    global _failed_until
    if time.monotonic() < _failed_until:
        raise Unavailable
    try:
        return use()
    except Exception as exc:  # the backend's own (redis.ConnectionError, TimeoutError...)
        _failed_until = time.monotonic() + RETRY_SECONDS
        logger.warning("Page cache unavailable, pages built uncached %ss: %r", RETRY_SECONDS, exc)
        raise Unavailable from exc


def _write(use: Callable) -> None:
    """``use()`` to write to the cache, if it works: if not, nothing is served from it
    meanwhile, and what it holds expires within TURNOUT_PAGE_CACHE_SECONDS."""
    with contextlib.suppress(Unavailable):
        _guarded(use)


def _stamp_now() -> None:
    """A new time stamp on the file every process on this server reads."""
    stamp = settings.TURNOUT_PAGE_CACHE_STAMP
    stamp.parent.mkdir(parents=True, exist_ok=True)
    try:
        before = os.stat(stamp).st_mtime_ns
    except OSError:
        stamp.touch()
        before = 0
    now = max(time.time_ns(), before + 1)  # a new stamp even within one clock tick
    os.utime(stamp, ns=(now, now))


def _local() -> bool:
    """Whether each process has a cache of its own (memory), which others cannot reach."""
    return settings.CACHES["default"]["BACKEND"].endswith(LOCAL_BACKENDS)


def drop_all() -> None:
    """Forget every cached page and ``recent`` value, at once, in every process."""
    _write(lambda: cache.set(GENERATION, secrets.token_hex(8), timeout=None))
    _forget_read()
    _stamp_now()


def changed(*scopes: str) -> None:
    """What ``scopes`` name has changed: their pages are built again, now and once the
    change is committed (a page built meanwhile, from what was there before, is kept
    under the version of now)."""
    _new_versions(scopes)
    transaction.on_commit(lambda: _new_versions(scopes))


def _new_versions(scopes: Iterable[str]) -> None:
    tokens = {VERSION + scope: secrets.token_hex(8) for scope in scopes}
    _write(lambda: cache.set_many(tokens, timeout=None))
    _forget_read()
    if _local():
        _stamp_now()


def recent(key: str, compute: Callable[[], object], *, follows: Iterable[str] = ()):
    """``compute()``, or what it gave in the last few seconds (a None is not kept), or
    since what ``follows`` names last changed, whichever is shorter.

    For data a POST may read a few seconds old, as the cached page shows it. Whatever
    must be exact is checked again by the database.
    """
    seconds = settings.TURNOUT_PAGE_CACHE_SECONDS
    return _followed("recent", key, compute, follows, seconds)


def fragment(key: str, render: Callable[[], str], *, follows: Iterable[str]) -> str:
    """The HTML ``render()`` makes, kept ``TURNOUT_FRAGMENT_CACHE_SECONDS`` under the
    versions of what it shows (``follows``) and the language: a piece of a page that is
    the same for every visitor (a meeting's statements and tables, a meeting's card in a
    list), reused by the pages built for each request (a logged-in organiser, the page
    cache off or expired) until what it shows changes. What goes into ``key`` must take
    few values (a row's id, a choice from a fixed list). A form inside is rendered with
    ``CSRF_PLACEHOLDER`` for its token (the template tag ``fragment`` does it), never
    with a visitor's own; nothing else of one visitor may go inside."""
    seconds = settings.TURNOUT_FRAGMENT_CACHE_SECONDS
    return _followed("fragment", key, render, follows, seconds)


def lasting(key: str, compute: Callable[[], object], *, follows: Iterable[str]):
    """``compute()``, kept as long as a ``fragment``: data for a page that may be that
    old where no save changes it (the towns of the meetings to come, as one ends)."""
    seconds = settings.TURNOUT_FRAGMENT_CACHE_SECONDS
    return _followed("lasting", key, compute, follows, seconds)


def keeps_lasting() -> bool:
    """Whether ``lasting`` keeps anything (``TURNOUT_FRAGMENT_CACHE_SECONDS`` above 0).
    A value that only saves work when kept (a bound for a query) is better left out than
    computed for every request when it is not."""
    return settings.TURNOUT_FRAGMENT_CACHE_SECONDS > 0


def _followed(prefix: str, key: str, compute: Callable, follows: Iterable[str], seconds: float):
    if seconds <= 0:
        return compute()
    try:
        key = _key(prefix, key, follows)
        value = _guarded(lambda: cache.get(key))
    except Unavailable:
        return compute()
    if value is None:
        value = compute()
        if value is not None:
            _write(lambda: cache.set(key, value, seconds))
    return value


def kept(key: str, compute: Callable[[], object], seconds: float):
    """``compute()``, kept ``seconds`` in the cache under ``key`` (a value that follows
    nothing: a count a crawler asks for); computed each time while the cache is down."""
    try:
        value = _guarded(lambda: cache.get(key))
    except Unavailable:
        return compute()
    if value is None:
        value = compute()
        _write(lambda: cache.set(key, value, seconds))
    return value


def cacheable(request: HttpRequest) -> bool:
    """Whether this visitor may get what another was shown: an anonymous GET."""
    return (
        settings.TURNOUT_PAGE_CACHE_SECONDS > 0 and request.method == "GET" and anonymous(request)
    )


def anonymous(request: HttpRequest) -> bool:
    """No session (nobody logged in) and no message waiting to be shown: the page this
    visitor is answered with shows nothing of theirs but what the view puts in."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


def anonymous_page(
    request: HttpRequest,
    key: str | Callable[[], str],
    render: Callable[[dict], str | tuple[str, dict[str, str]]],
    *,
    follows: Iterable[str] = (LISTINGS,),
) -> HttpResponse:
    """The page ``render(extra_context)`` makes, from the cache when the visitor allows it.

    ``render`` receives context to add to the template's (the CSRF placeholder) and
    returns the HTML, or the HTML and response headers kept with it (``X-Robots-Tag``);
    an exception it raises (``Http404``) leaves nothing in the cache. ``key`` names the
    page among the others; a callable is asked only for visitors who may get the cached
    copy. Whatever goes into the key must take few values (a page number that exists,
    not the raw query string), so that visitors cannot fill the cache. ``follows``: the
    scopes whose change makes the page be built again (``group_scope``, ``LISTINGS``).
    """
    if not cacheable(request):
        html, headers = _with_headers(render({}))
        return HttpResponse(html, headers=headers)
    try:
        key = _key("page", key() if callable(key) else key, follows)
        page = _guarded(lambda: cache.get(key))
    except Unavailable:
        key = page = None
    if page is None:
        page = _with_headers(render({"csrf_token": CSRF_PLACEHOLDER}))
        if key is not None:
            _write(lambda: cache.set(key, page, settings.TURNOUT_PAGE_CACHE_SECONDS))
    html, headers = page
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    response = HttpResponse(html, headers=headers)
    # As the rendered page says (it read the session to see who is logged in).
    patch_vary_headers(response, ("Cookie",))
    return response


def _with_headers(rendered: str | tuple[str, dict[str, str]]) -> tuple[str, dict[str, str]]:
    return rendered if isinstance(rendered, tuple) else (rendered, {})
