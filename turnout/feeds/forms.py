"""The organiser's ICS import form: a URL or a file, and what to do with its events."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from turnout.core.forms import UploadForm
from turnout.feeds.ics_reader import MAX_BYTES
from turnout.feeds.models import ImportSource


class ImportForm(UploadForm):
    too_large_message = _("The file is larger than %(mb)s MB. Import a smaller calendar.")
    own_limit = MAX_BYTES

    url = forms.CharField(
        label=_("Calendar address (ICS URL)"),
        required=False,
        max_length=2000,
        help_text=_("An address starting with https:// or http://, ending in .ics or not."),
        widget=forms.URLInput(attrs={"placeholder": "https://example.org/events.ics"}),
    )
    file = forms.FileField(
        label=_("…or an .ics file"),
        required=False,
        help_text=_("Up to %(mb)s MB and 1,000 events."),
        error_messages={"empty": _("The file is empty.")},
        widget=forms.FileInput(attrs={"accept": ".ics,text/calendar"}),
    )
    mode = forms.ChoiceField(
        label=_("What to do with the events"),
        choices=ImportSource.Mode.choices,
        initial=ImportSource.Mode.DRAFTS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what to do with the events.")},
    )
    subscribed = forms.BooleanField(
        label=_("Keep in sync"),
        required=False,
        help_text=_(
            "For a calendar address: fetch it again every six hours and apply the changes "
            "without asking."
        ),
    )

    def clean(self):
        data = super().clean()
        url, file = (data.get("url") or "").strip(), data.get("file")
        if "url" in data and "file" in data:
            if url and file:
                raise ValidationError(_("Give a calendar address or a file, not both."))
            if not url and not file and "file" not in self.errors:
                raise ValidationError(_("Give a calendar address or choose an .ics file."))
        data["url"] = url
        return data
