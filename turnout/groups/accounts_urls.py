from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from turnout.groups.forms import PasswordResetForm
from turnout.groups.views import organise_accounts as accounts
from turnout.groups.views import organise_notifications as notifications
from turnout.groups.views import organise_twofactor as twofactor

app_name = "accounts"

urlpatterns = [
    path("signup/", accounts.sign_up, name="signup"),
    path("verify/<str:uidb64>/<str:token>/", accounts.verify, name="verify"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("login/code/", twofactor.login_code, name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/", twofactor.two_factor, name="two_factor"),
    path("account/two-factor/set-up/", twofactor.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/recovery-codes/", twofactor.recovery_codes, name="recovery_codes"),
    path("account/two-factor/turn-off/", twofactor.two_factor_off, name="two_factor_off"),
    path("account/notifications/", notifications.notification_settings, name="notifications"),
    path("account/sessions/log-out-others/", twofactor.other_sessions, name="other_sessions"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="groups/accounts/password_reset.html",
            form_class=PasswordResetForm,
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="groups/accounts/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="groups/accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="groups/accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
