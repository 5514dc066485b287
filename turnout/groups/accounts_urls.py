from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from turnout.groups.forms import PasswordResetForm
from turnout.groups.views import organise_accounts as accounts

app_name = "accounts"

urlpatterns = [
    path("signup/", accounts.sign_up, name="signup"),
    path("verify/<str:uidb64>/<str:token>/", accounts.verify, name="verify"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
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
