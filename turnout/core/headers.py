"""Headers every response gets: the Content-Security-Policy, and ``no-store`` on private pages.

The policy allows scripts, styles, fonts and frames from the site itself only, so a
script that found its way into a page (an escaping bug) does not run: no page has
inline script, ``<style>`` or ``style=""``, and so no per-request nonce is needed and
cached pages stay cacheable. Images may also be ``data:`` URLs (the QR codes).

Only the embeddable widget (``xframe_options_exempt``) may be framed, by any site.

Pages under ``TURNOUT_NO_STORE_PATHS`` (the organiser's side, an attendee's own page,
the mailing list's secret links) show personal data or are reached by a secret link:
they are sent with ``Cache-Control: no-store`` so no browser or proxy keeps a copy.
"""

import base64
import hashlib
import html
import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    " ".join(["img-src 'self' data:", *settings.TURNOUT_MEDIA_ORIGINS]),
    "base-uri 'self'",
    "form-action 'self'",
)
HEADER = "Content-Security-Policy"
STYLE_HASHES = "csp_style_hashes"
STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')


def policy(*, framable: bool, style_hashes: tuple[str, ...] = ()) -> str:
    parts = list(POLICY)
    if style_hashes:
        # Hashes of inline style attributes one page shows on purpose (an email's
        # preview, turnout.core.headers.allow_style_attributes); nothing else inline.
        parts[2] += " 'unsafe-hashes' " + " ".join(f"'{h}'" for h in style_hashes)
    parts.append("frame-ancestors *" if framable else "frame-ancestors 'none'")
    return "; ".join(parts)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.framed = policy(framable=True)
        self.unframed = policy(framable=False)
        self.no_store = tuple(settings.TURNOUT_NO_STORE_PATHS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response:
            framable = getattr(response, "xframe_options_exempt", False)
            hashes = getattr(response, STYLE_HASHES, ())
            if hashes:
                response[HEADER] = policy(framable=framable, style_hashes=hashes)
            else:
                response[HEADER] = self.framed if framable else self.unframed
        if request.path_info.startswith(self.no_store):
            patch_cache_control(response, private=True, no_store=True)
        return response


def allow_style_attributes(response: HttpResponse, document: str) -> HttpResponse:
    """Let ``response`` show the ``style=""`` attributes of ``document``, and no others.

    For an email's preview: an email needs its styles inline, and the sandboxed
    ``srcdoc`` frame that shows it inherits the page's policy. Each attribute is allowed
    by the hash of its value ('unsafe-hashes'), so text injected into the page still
    cannot style it, let alone run.
    """
    values = {html.unescape(value) for value in STYLE_ATTRIBUTE.findall(document)}
    hashes = sorted(
        "sha256-" + base64.b64encode(hashlib.sha256(value.encode()).digest()).decode()
        for value in values
    )
    setattr(response, STYLE_HASHES, tuple(hashes))
    return response
