"""The language switcher's one view: keep the chosen language, then back to the page.

Anonymous visitors follow a link (``GET``: the pages the cache keeps carry no form, so
no CSRF cookie); it sets only the cookie. A logged-in organiser's switcher is a small
form (``POST``, with its CSRF token), which also keeps the choice in their account, for
their pages on any device and their emails. Either way the way back is a path on this
site, never another address (no open redirect).
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from turnout.core import languages
from turnout.core.views import error_page
from turnout.groups import services as groups

NEXT_MAX_LENGTH = 2000


def way_back(next_url: str) -> str:
    """``next_url`` if it is a path of this site, else the home page."""
    safe = (
        len(next_url) <= NEXT_MAX_LENGTH
        and next_url.startswith("/")
        and not next_url.startswith("//")
        and "\\" not in next_url
        and next_url.isprintable()  # no newline (a header), no NUL
        and url_has_allowed_host_and_scheme(next_url, allowed_hosts=set())
    )
    return next_url if safe else "/"


@require_http_methods(["GET", "POST"])
def set_language(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    code = data.get("language", "")
    if not languages.is_offered(code):
        return error_page(request, 400, _("Bad request"), _("This language is not offered here."))
    if request.method == "POST" and request.user.is_authenticated:
        groups.set_account_language(user=request.user, language=code)
    response = HttpResponseRedirect(way_back(data.get("next", "")))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
