"""Pieces shared by forms: the public forms' honeypot, and showing a service's errors."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class HoneypotForm(forms.Form):
    """A form with a trap for bots: a field hidden from people (and screen readers), which
    scripts fill in. A bot's submission is answered as if it worked, and does nothing.

    Templates render ``website`` inside ``<div class="trap" aria-hidden="true">``.
    """

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: each message under its field when
    the form has that field, otherwise above the form."""
    for field, messages in getattr(error, "message_dict", {None: error.messages}).items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
