"""An organiser's account security: two-factor authentication, the login's code step,
and "log out my other sessions"."""

import time

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from turnout.groups import twofactor
from turnout.groups.models import User
from turnout.groups.twofactor_forms import CodeForm, SetUpForm, TurnOffForm

SETUP_KEY = "two_factor_setup_key"
PENDING_LOGIN = "two_factor_login"
PENDING_LOGIN_SECONDS = 10 * 60


def _next(request: HttpRequest) -> str:
    """Where to go afterwards: ``next`` if it is an address of this site, else "" """
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if allowed else ""


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    context = {
        "enabled": twofactor.has_two_factor(user=request.user),
        "codes_left": twofactor.recovery_codes_left(user=request.user),
    }
    return render(request, "groups/accounts/two_factor.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Offer a new secret (kept in the session until confirmed, so reloading the page
    shows the same one); a code from the app confirms it and shows the recovery codes."""
    if twofactor.has_two_factor(user=request.user):
        return redirect(_next(request) or "accounts:two_factor")
    key = request.session.get(SETUP_KEY) or twofactor.new_key()
    request.session[SETUP_KEY] = key
    form = SetUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.enable(user=request.user, key=key, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            del request.session[SETUP_KEY]
            update_session_auth_hash(request, request.user)  # the one session kept
            next_url = _next(request) or reverse("accounts:two_factor")
            context = {"codes": codes, "next": next_url, "new": True}
            return render(request, "groups/accounts/recovery_codes.html", context)
    context = {
        "form": form,
        "key_text": twofactor.key_text(key),
        "qr_svg": twofactor.setup_qr_svg(user=request.user, key=key),
        "next": _next(request),
    }
    return render(request, "groups/accounts/two_factor_setup.html", context)


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if not twofactor.has_two_factor(user=request.user):
        return redirect("accounts:two_factor")
    codes = twofactor.new_recovery_codes(user=request.user)
    context = {"codes": codes, "next": reverse("accounts:two_factor"), "new": False}
    return render(request, "groups/accounts/recovery_codes.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_off(request: HttpRequest) -> HttpResponse:
    if not twofactor.has_two_factor(user=request.user):
        return redirect("accounts:two_factor")
    form = TurnOffForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        twofactor.disable(user=request.user)
        messages.success(request, _("Two-factor authentication is off for your account."))
        return redirect("accounts:two_factor")
    return render(request, "groups/accounts/two_factor_off.html", {"form": form})


@login_required
@require_POST
def other_sessions(request: HttpRequest) -> HttpResponse:
    twofactor.log_out_other_sessions(user=request.user)
    update_session_auth_hash(request, request.user)
    messages.success(request, _("Your other sessions are logged out. This one stays logged in."))
    return redirect("accounts:two_factor")


def start_code_step(request: HttpRequest, *, user: User, next_url: str) -> HttpResponse:
    """After the right password for an account with two-factor: remember who it is for a
    few minutes (not logged in yet) and ask for the code."""
    request.session[PENDING_LOGIN] = {
        "user": user.pk,
        "backend": user.backend,
        "next": next_url,
        "until": time.time() + PENDING_LOGIN_SECONDS,
    }
    return redirect("accounts:login_code")


def _pending_user(request: HttpRequest) -> tuple[User | None, dict]:
    pending = request.session.get(PENDING_LOGIN) or {}
    if not pending or pending["until"] < time.time():
        return None, {}
    return User.objects.filter(pk=pending["user"], is_active=True).first(), pending


def _recovery_code_used(request: HttpRequest, *, left: int) -> None:
    text = ngettext(
        "You used a recovery code: it will not work again. You have %(count)d left; make "
        "new ones from Account security if you are running short.",
        "You used a recovery code: it will not work again. You have %(count)d left; make "
        "new ones from Account security if you are running short.",
        left,
    )
    messages.warning(request, text % {"count": left})


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    user, pending = _pending_user(request)
    if user is None:
        request.session.pop(PENDING_LOGIN, None)
        messages.info(request, _("Log in with your email and password first."))
        return redirect("accounts:login")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            kind = twofactor.check_code(user=user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            del request.session[PENDING_LOGIN]
            login(request, user, backend=pending["backend"])
            if kind == "recovery":
                _recovery_code_used(request, left=twofactor.recovery_codes_left(user=user))
            return redirect(pending["next"])
    return render(request, "groups/accounts/login_code.html", {"form": form})
