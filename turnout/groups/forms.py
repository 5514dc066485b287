from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from turnout.core import ratelimit
from turnout.core.forms import LongSelect
from turnout.core.slugs import SLUG_MESSAGE
from turnout.core.timezones import time_zone_choices
from turnout.groups import addresses, logins, notifications
from turnout.groups import services as groups
from turnout.groups.models import WAITLIST_THRESHOLD_MAX, Group, User, Venue

# Group.anonymise_after_days's validators, repeated here to word their messages.
ANONYMISE_MIN_DAYS, ANONYMISE_MAX_DAYS = 1, 3650


class SignUpForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )

    def clean_email(self) -> str:
        # Whether the address has an account is never said here (groups.sign_up).
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            candidate = User(email=cleaned.get("email", ""), name=cleaned.get("name", ""))
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class LoginForm(AuthenticationForm):
    """Django's login form, refusing unverified emails and throttling failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("That email and password do not match an account."),
        "unverified": _("Confirm your email address first: we have just sent you a new link."),
    }

    def clean(self):
        attempt = logins.Attempt(
            email=self.cleaned_data.get("username") or "",
            address=ratelimit.client_address(self.request) if self.request else "",
        )
        if attempt.refused():
            raise ValidationError(logins.refused_message(), code="throttled")
        try:
            return super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login":
                attempt.failed()
            raise

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.email_verified:
            raise ValidationError(self.error_messages["unverified"], code="unverified")


class GroupForm(forms.ModelForm):
    website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", max_length=200
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        widget=LongSelect,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a time zone. Pick one from the list, e.g. Europe/London."
            )
        },
    )

    anonymise_after_days = forms.IntegerField(
        label=_("Anonymise attendees after (days)"),
        min_value=ANONYMISE_MIN_DAYS,
        max_value=ANONYMISE_MAX_DAYS,
        required=False,  # left empty (or not sent): as it is, 90 for a new group
        help_text=_(
            "Attendees’ names, emails and access needs are erased this many days after "
            "each meeting; only counts are kept. From 1 to 3650 days; 90 unless you "
            "change it."
        ),
        error_messages={
            "invalid": _("Give a whole number of days, for example 90."),
            "min_value": _(
                "Give at least 1 day: attendees’ details are kept until the meeting is "
                "over, and erased at the earliest the day after."
            ),
            "max_value": _("Give at most 3650 days (ten years)."),
        },
        widget=forms.NumberInput(
            attrs={"min": ANONYMISE_MIN_DAYS, "max": ANONYMISE_MAX_DAYS, "inputmode": "numeric"}
        ),
    )

    class Meta:
        model = Group
        fields = [
            "name", "slug", "about", "contact_email", "website", "time_zone", "language",
            "anonymise_after_days", "require_two_factor", "manually_approves_followers",
        ]  # fmt: skip
        widgets = {"about": forms.Textarea(attrs={"rows": 8})}
        error_messages = {
            "slug": {
                "invalid": SLUG_MESSAGE,
                "unique": _("Another group has this web address; choose another."),
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["anonymise_after_days"].initial = self.instance.anonymise_after_days
        if self.instance.pk is None:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _(
                "Leave empty to make one from the name. Lower-case letters, digits and hyphens."
            )

    def clean_anonymise_after_days(self) -> int:
        days = self.cleaned_data["anonymise_after_days"]
        return self.instance.anonymise_after_days if days is None else days

    def clean(self):
        cleaned = super().clean()
        try:  # another group's address, now or before: theirs for good
            addresses.check(slug=cleaned.get("slug", ""), group=self.instance)
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Their email address"), max_length=254)


class VenueForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = [
            "name", "address_line1", "address_line2", "city", "postcode", "country",
            "accessibility", "latitude", "longitude",
        ]  # fmt: skip
        widgets = {"accessibility": forms.Textarea(attrs={"rows": 4})}

    def clean(self):
        cleaned = super().clean()
        if "latitude" in cleaned and "longitude" in cleaned:  # each valid or empty
            empty = [name for name in ("latitude", "longitude") if cleaned[name] is None]
            if len(empty) == 1:
                # On the empty field, which also spares the model's constraint message.
                message = _("Give both latitude and longitude, or leave both empty.")
                self.add_error(empty[0], ValidationError(message, code="coordinates"))
        return cleaned


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, with the email sent through Turnout's outbox whether or not
    the address has an account (groups.request_password_reset)."""

    def save(self, *args, request=None, **kwargs) -> None:
        client = ratelimit.client_address(request) if request is not None else ""
        groups.request_password_reset(email=self.cleaned_data["email"], client=client)


class NotificationSettingsForm(forms.Form):
    """The organiser's own notification settings (turnout.groups.notifications)."""

    daily_digest = forms.BooleanField(
        label=_("A daily summary of registrations"),
        required=False,
        help_text=_(
            "Once a day, when there is something new: for each of your meetings to come, "
            "the new registrations and the numbers confirmed, held and waiting."
        ),
    )
    meeting_full = forms.BooleanField(label=_("When a meeting is full"), required=False)
    waitlist = forms.BooleanField(
        label=_("When a meeting's waitlist reaches this many people"), required=False
    )
    waitlist_threshold = forms.IntegerField(
        label=_("People waiting"),
        error_messages={
            "required": _("Give the number of people as a whole number, like 5."),
            "invalid": _("Give the number of people as a whole number, like 5."),
        },
        help_text=_("Sent once per meeting, when the waitlist first reaches this number."),
        widget=forms.NumberInput(attrs={"min": 1, "max": WAITLIST_THRESHOLD_MAX}),
    )
    late_cancellation = forms.BooleanField(
        label=_("When someone cancels within a day of a meeting"), required=False
    )

    def clean_waitlist_threshold(self) -> int:
        value = self.cleaned_data["waitlist_threshold"]
        if not 1 <= value <= WAITLIST_THRESHOLD_MAX:
            raise ValidationError(notifications.threshold_error())
        return value
