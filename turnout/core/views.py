"""Error pages (plain words, the site's look, never a traceback) and security.txt."""

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import static
from django.views.decorators.http import require_GET

SECURITY_TXT_DAYS = 180
# turnout.core.pictures: 32 random hex digits; the storage may add "_" and 7 characters.
PICTURE_FILE = re.compile(r"pictures/[0-9a-f]{32}-(?:large|small|social)(?:_[0-9A-Za-z]{7})?\.jpg")


def error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    context = {"title": title, "message": message, "status": status}
    return render(request, "core/error.html", context, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
        return error_page(
            request,
            413,
            _("Too large to send"),
            _(
                "The form you sent is too large: this site accepts up to 1 MB. "
                "Shorten it and try again."
            ),
        )
    return error_page(
        request,
        400,
        _("Bad request"),
        _("This request could not be understood. Go back and try again."),
    )


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(
        request, 403, _("Not allowed"), _("You do not have permission to see this page.")
    )


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(
        request,
        404,
        _("Page not found"),
        _("There is nothing at this address. The meeting may have moved or not be public yet."),
    )


def too_many_requests(request: HttpRequest, message: str, retry_after: int) -> HttpResponse:
    response = error_page(request, 429, _("Too many requests"), message)
    response["Retry-After"] = str(retry_after)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the page must render even when the database is down.
    return HttpResponse(loader.render_to_string("core/500.html"), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(
        request,
        403,
        _("Form expired"),
        _(
            "This form could not be checked (its security token was missing or old). "
            "Go back, reload the page and send it again; cookies must be allowed."
        ),
    )


@require_GET
def security_txt(request: HttpRequest) -> HttpResponse:
    """/.well-known/security.txt (RFC 9116) from TURNOUT_SECURITY_CONTACT; 404 without one."""
    if not settings.TURNOUT_SECURITY_CONTACT:
        raise Http404
    expires = settings.TURNOUT_SECURITY_EXPIRES or (
        timezone.now().replace(microsecond=0) + dt.timedelta(days=SECURITY_TXT_DAYS)
    )
    lines = [f"Contact: {contact}" for contact in settings.TURNOUT_SECURITY_CONTACT]
    lines += [
        "Expires: " + expires.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        f"Canonical: {settings.BASE_URL}/.well-known/security.txt",
        "Preferred-Languages: " + ", ".join(code for code, _name in settings.LANGUAGES),
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def media(request: HttpRequest, path: str) -> HttpResponse:
    """The pictures under MEDIA_ROOT, when Turnout serves them itself (``turnout demo``,
    debug; a production server leaves them to the web server in front): only files named
    as turnout.core.pictures names them; no listing, nothing else."""
    if not PICTURE_FILE.fullmatch(path):
        raise Http404
    return static.serve(request, path, document_root=settings.MEDIA_ROOT)
