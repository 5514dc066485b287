"""Forms of the group mailing list: follow by email, and the organiser's CSV import."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from turnout.core.forms import HoneypotForm, UploadForm

LINE_BREAK_MESSAGE = _("An email address cannot contain a line break.")


class SingleLineEmailField(forms.EmailField):
    """An email field that refuses line breaks anywhere, even where stripping would hide them."""

    def to_python(self, value):
        if isinstance(value, str) and ("\n" in value or "\r" in value):
            raise ValidationError(LINE_BREAK_MESSAGE, code="line_break")
        value = super().to_python(value)
        return value.lower() if value else value


class SubscribeForm(HoneypotForm):
    email = SingleLineEmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("We email you a link to confirm first. Unsubscribe with one click."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ImportForm(UploadForm):
    too_large_message = _(
        "The file is larger than %(mb)s MB. Split it into smaller files and import each."
    )

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One address a row, in a column headed “email” (a “name” column is ignored). "
            "Up to 10,000 rows and %(mb)s MB."
        ),
        error_messages={
            "required": _("Choose a CSV file to upload."),
            "empty": _("The file is empty."),
        },
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )
