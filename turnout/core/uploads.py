"""Every upload stops at its limit while it streams in.

``UploadLimitHandler`` is the first of ``FILE_UPLOAD_HANDLERS``: once the files of one
request pass ``TURNOUT_UPLOAD_MAX_BYTES`` it stops reading the request there, so a
60 MB file costs at most the limit, never a temporary file of 60 MB. The fields sent
before the file (the CSRF token comes first in every form) are kept; the file and
whatever followed it are not. The view passes ``too_large(request)`` to its form, a
``turnout.core.forms.UploadForm``, which then says the file is too large instead of
asking for one. Each form still checks its own, smaller limits on what it reads.

The rest of the request is left unread (``StopUpload(connection_reset=True)``): a
reverse proxy in front (which should refuse such bodies itself, see the admin guide)
or gunicorn closes the connection.

A view that takes larger files than the site's limit (pictures: 10 MB) says so with
``@accepts_up_to(bytes)``: the handler reads the limit from the view the URL resolved
to, since the CSRF check reads the request before the view runs.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

TOO_LARGE = "turnout_upload_too_large"
OWN_LIMIT = "turnout_upload_limit"
MB = 1024 * 1024


def limit_bytes(own: int | None = None) -> int:
    """What one upload may weigh: the site's limit (TURNOUT_UPLOAD_MAX_MB), or a form's
    own limit ``own`` if that is smaller."""
    site = settings.TURNOUT_UPLOAD_MAX_BYTES
    return min(own, site) if own else site


def limit_mb(own: int | None = None) -> int:
    """The same in whole megabytes, as the forms' messages say it."""
    return limit_bytes(own) // MB


def accepts_up_to(limit: int) -> Callable:
    """Let the view's uploads stream in up to ``limit`` bytes, whatever the site's limit."""

    def mark(view: Callable) -> Callable:
        setattr(view, OWN_LIMIT, limit)
        return view

    return mark


def _limit(request: HttpRequest | None) -> int:
    view = getattr(getattr(request, "resolver_match", None), "func", None)
    return getattr(view, OWN_LIMIT, settings.TURNOUT_UPLOAD_MAX_BYTES)


class UploadLimitHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > _limit(self.request):
            setattr(self.request, TOO_LARGE, self.field_name)
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the handlers after this one keep the file


def too_large(request: HttpRequest) -> str | None:
    """The name of the file field whose upload passed the limit, if one did."""
    request.POST  # noqa: B018 - reading the body is what sets it
    return getattr(request, TOO_LARGE, None)
