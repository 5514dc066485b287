"""Public pages of a group's mailing list: follow by email, confirm, unsubscribe.

Links in emails only show a page with a button; only the button's POST acts (mail
scanners open links). The one exception is RFC 8058's one-click unsubscribe, a POST
from the mail client that its token authenticates, without a CSRF token.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from turnout.core import ratelimit
from turnout.core.views import too_many_requests
from turnout.groups.models import Group
from turnout.mailing.forms_subscriptions import SubscribeForm
from turnout.mailing.services import subscriptions

# (action, limit, window in seconds): attempts from one client address, then
# confirmation requests for one address to one group.
PER_CLIENT = ("subscribe-address", settings.TURNOUT_SUBSCRIBE_PER_CLIENT, 60)
PER_EMAIL = ("subscribe-email", settings.TURNOUT_SUBSCRIBE_PER_EMAIL, 60 * 60)


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest, group: str) -> HttpResponse:
    """The same "check your inbox" page whatever the address's state: it reveals nothing."""
    found = get_object_or_404(Group, slug=group)
    if request.method == "GET":
        context = {"group": found, "follow_form": SubscribeForm()}
        return render(request, "mailing/subscriptions/subscribe.html", context)
    if ratelimit.over_limit(request, PER_CLIENT, ratelimit.client_address(request)):
        message = _("Too many requests from your connection. Wait a minute and try again.")
        return too_many_requests(request, message, PER_CLIENT[2])
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        context = {"group": found, "follow_form": form}
        return render(request, "mailing/subscriptions/subscribe.html", context)
    email = form.cleaned_data["email"]
    if not form.is_bot():
        if ratelimit.over_limit(request, PER_EMAIL, f"{found.pk}:{email}"):
            message = _("Too many requests for this email address. Wait an hour and try again.")
            return too_many_requests(request, message, PER_EMAIL[2])
        subscriptions.request_subscription(group=found, email=email, source="form")
    context = {"group": found, "email": email, "days": subscriptions.CONFIRM_VALID_FOR.days}
    return render(request, "mailing/subscriptions/check_inbox.html", context)


def _link_invalid(request: HttpRequest, exc: subscriptions.LinkInvalid) -> HttpResponse:
    context = {"expired": exc.reason == "expired", "days": subscriptions.CONFIRM_VALID_FOR.days}
    return render(request, "mailing/subscriptions/link_invalid.html", context, status=400)


@require_http_methods(["GET", "POST"])
def confirm_subscription(request: HttpRequest, token: str) -> HttpResponse:
    try:
        pending = subscriptions.check_confirmation(token=token)
        if request.method == "POST":
            subscriber = subscriptions.confirm_subscription(token=token)
            context = {"group": subscriber.group, "email": subscriber.email}
            return render(request, "mailing/subscriptions/confirmed.html", context)
    except subscriptions.LinkInvalid as exc:
        return _link_invalid(request, exc)
    context = {"group": pending.group, "email": pending.email}
    return render(request, "mailing/subscriptions/confirm.html", context)


@csrf_exempt  # only for RFC 8058's one-click POST; everything else goes through the check
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
        return _unsubscribe(request, token)
    return _unsubscribe_page(request, token)


@csrf_protect
def _unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        return _unsubscribe(request, token)
    try:
        target = subscriptions.check_unsubscribe(token=token)
    except subscriptions.LinkInvalid as exc:
        return _link_invalid(request, exc)
    return render(request, "mailing/subscriptions/unsubscribe.html", {"group": target.group})


def _unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        target = subscriptions.check_unsubscribe(token=token)
        subscriptions.unsubscribe(token=token)
    except subscriptions.LinkInvalid as exc:
        return _link_invalid(request, exc)
    return render(request, "mailing/subscriptions/unsubscribed.html", {"group": target.group})
