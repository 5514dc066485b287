"""Forms of the two-factor pages: the set-up code, the login code step, turning it off."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from turnout.core import ratelimit
from turnout.groups import twofactor
from turnout.groups.models import User

DIGITS = 6
PASSWORD_FAILURES = 5  # wrong passwords on the turn-off form per account in 15 minutes
PASSWORD_WINDOW_SECONDS = 15 * 60


def _digits(text: str) -> str:
    """Any script's digits (Arabic-Indic too) as ASCII ones."""
    return "".join(str(int(c)) for c in text)


def _clean_app_code(text: str) -> str:
    code = "".join(text.split())
    if not code.isdecimal():
        raise ValidationError(
            _("Type the 6 digits your app shows, or one of your recovery codes."),
            code="not_digits",
        )
    if len(code) != DIGITS:
        raise ValidationError(
            ngettext(
                "The code from your app has 6 digits; you typed %(count)d.",
                "The code from your app has 6 digits; you typed %(count)d.",
                len(code),
            )
            % {"count": len(code)},
            code="digits",
        )
    return _digits(code)


def _code_field(label, help_text) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=32,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class SetUpForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code your app shows now"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if code.isdecimal():
            return _clean_app_code(code)
        raise ValidationError(_("Type the 6 digits your app shows."), code="not_digits")


class CodeForm(forms.Form):
    """A code from the app, or a recovery code."""

    code = _code_field(_("Code"), _("The 6 digits your app shows, or one of your recovery codes."))

    def clean_code(self) -> str:
        text = self.cleaned_data["code"]
        recovery = twofactor.clean_recovery_code(text)
        return recovery if recovery is not None else _clean_app_code(text)


class TurnOffForm(forms.Form):
    """Turning two-factor off needs the password or a current code: a session left open
    on a shared computer is not enough."""

    password = forms.CharField(
        label=_("Your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = _code_field(
        _("Or a code"), _("The 6 digits your app shows, or one of your recovery codes.")
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["code"].required = False

    def clean_code(self) -> str:
        text = self.cleaned_data["code"]
        if not text:
            return ""
        recovery = twofactor.clean_recovery_code(text)
        return recovery if recovery is not None else _clean_app_code(text)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        password, code = cleaned.get("password"), cleaned.get("code")
        if password:
            counter = {
                "action": "two-factor-off-password",
                "subject": str(self.user.pk),
                "window_seconds": PASSWORD_WINDOW_SECONDS,
            }
            if ratelimit.peek(**counter) >= PASSWORD_FAILURES:
                self.add_error("password", _("Too many wrong passwords. Wait 15 minutes."))
            elif not self.user.check_password(password):
                ratelimit.hit(**counter)
                self.add_error("password", _("That is not your password."))
        elif code:
            try:
                twofactor.check_code(user=self.user, code=code)
            except ValidationError as exc:
                self.add_error("code", exc)
        else:
            raise ValidationError(_("Give your password or a code from your app."), code="required")
        return cleaned
