"""Sends an organiser whose group requires two-factor authentication to set it up."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from turnout.groups.selectors import TwoFactorRequired


class TwoFactorRequiredMiddleware:
    """Turn TwoFactorRequired, raised by any organiser page of such a group, into a
    redirect to the set-up page, which comes back to the page asked for (a GET of it;
    a refused POST changed nothing)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, TwoFactorRequired):
            return None
        messages.info(
            request,
            _(
                "%(group)s asks its organisers to use two-factor authentication. Set it "
                "up to continue: it takes a minute with an authenticator app."
            )
            % {"group": exception.group.name},
        )
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse('accounts:two_factor_setup')}?{query}")
