"""Pieces shared by forms: the public forms' honeypot, upload forms, and showing a
service's errors."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from turnout.core import pictures, uploads


class LongSelect(forms.Select):
    """A menu of hundreds of options (the time zones), drawn byte for byte as Django's own
    would be but with each option written in the one template: Django includes a
    template per option, and the 599 zones of a group's form took 34 ms to draw that
    way, 20 ms this way."""

    template_name = "core/widgets/long_select.html"


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


class UploadForm(forms.Form):
    """A form with a file field. When ``turnout.core.uploads`` stopped reading the request
    because its file passed the limit, the view passes that field's name as
    ``too_large``: the form shows ``too_large_message`` there and nothing else, since the
    fields after the file were never read. ``too_large_message`` may name the limit as
    ``%(mb)s``: the site's upload limit, or ``own_limit`` (bytes) if that is smaller."""

    too_large_message = _("The file is too large.")
    own_limit: int | None = None

    def __init__(self, *args, too_large: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        for field in self.fields.values():
            if isinstance(field, forms.FileField) and "%(mb)s" in str(field.help_text):
                field.help_text = field.help_text % {"mb": self.limit_mb}

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and self.too_large:
            self._errors = ErrorDict()
            self.cleaned_data = {}
            field = self.too_large if self.too_large in self.fields else None
            self.add_error(field, self.too_large_message % {"mb": self.limit_mb})

    @property
    def limit_mb(self) -> int:
        return uploads.limit_mb(self.own_limit)


class PictureForm(UploadForm):
    """A meeting's or group's picture and its description; the rules (formats, pixels,
    the description's length) are the service's (``turnout.core.pictures``)."""

    too_large_message = _(
        "The picture is larger than %(mb)s MB. Make it smaller and upload it again."
    )

    picture = forms.FileField(
        label=_("Picture"),
        required=False,
        help_text=_(
            "A JPEG, PNG or WebP photo of up to %(mb)s MB. Turnout keeps only its pixels: "
            "where it was taken, the camera and every other detail saved in the file are "
            "removed."
        ),
        widget=forms.FileInput(attrs={"accept": pictures.ACCEPT}),
    )
    alt_text = forms.CharField(
        label=_("Description for people who cannot see it"),
        required=False,
        help_text=_(
            "Read out by screen readers instead of the picture: say what it shows, in a "
            "sentence (up to 300 characters)."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto", "maxlength": 300}),
    )

    @property
    def limit_mb(self) -> int:
        return pictures.MAX_BYTES // uploads.MB


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: each message under its field when
    the form has that field, otherwise above the form."""
    for field, messages in getattr(error, "message_dict", {None: error.messages}).items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
