"""Organiser accounts: sign up, verify the email, log in (throttled), log out; the
instance admin logs in here too."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from turnout.core import ratelimit
from turnout.groups import services as groups
from turnout.groups import twofactor
from turnout.groups.forms import LoginForm, SignUpForm
from turnout.groups.models import User
from turnout.groups.tokens import email_verification_token
from turnout.groups.views.organise_twofactor import start_code_step


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        groups.sign_up(**form.cleaned_data, client=ratelimit.client_address(request))
        context = {"email": form.cleaned_data["email"]}
        return render(request, "groups/accounts/check_inbox.html", context)
    return render(request, "groups/accounts/sign_up.html", {"form": form})


def _user_from(uidb64: str, token: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None or not email_verification_token.check_token(user, token):
        return None
    return user


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The emailed link shows a button; only its POST verifies (mail scanners open links)."""
    user = _user_from(uidb64, token)
    if user is None:
        return render(request, "groups/accounts/verify_invalid.html", status=400)
    if request.method == "POST":
        groups.verify_email(user=user)
        messages.success(request, _("Your email address is confirmed. Log in to start."))
        return redirect("accounts:login")
    # "account", not "user": that name is the visitor, whom the page's header shows.
    return render(request, "groups/accounts/verify.html", {"account": user})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "groups/accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        """An account with two-factor is not logged in yet: the code step comes next."""
        if twofactor.has_two_factor(user=form.get_user()):
            return start_code_step(
                self.request, user=form.get_user(), next_url=self.get_success_url()
            )
        return super().form_valid(form)

    def form_invalid(self, form):
        if form.has_error(NON_FIELD_ERRORS, "unverified"):
            groups.send_verification_email(
                user=form.get_user(), client=ratelimit.client_address(self.request)
            )
        return super().form_invalid(form)


def admin_login(request: HttpRequest) -> HttpResponse:
    """Django admin's own login page, replaced: the instance admin logs in through the
    organisers' login, throttled the same way (turnout.groups.logins), then goes on to
    the admin. Whatever is POSTed here is ignored. A logged-in account that is not
    staff is refused here, not sent back to the login (which would send it here again)."""
    if request.user.is_authenticated:
        if not request.user.is_staff:
            raise PermissionDenied
        return redirect("admin:index")
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")
