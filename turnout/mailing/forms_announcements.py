"""The organiser's announcement form: field-level messages for every way it can be wrong."""

from django import forms
from django.utils.translation import gettext_lazy as _

from turnout.core.outbox import one_line
from turnout.mailing.models import ANNOUNCEMENT_MAX_LENGTH, SUBJECT_MAX_LENGTH
from turnout.mailing.services import announcements


class AnnouncementForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX_LENGTH,
        error_messages={
            "required": _("Give the announcement a subject."),
            "max_length": _(
                "Keep the subject to %(limit_value)d characters or fewer (it has %(show_value)d)."
            ),
        },
    )
    body = forms.CharField(
        label=_("Message"),
        required=False,  # a draft may wait for its text; sending refuses an empty one
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Markdown: **bold**, *italic*, [a link](https://example.org), lists with “- ”. "
            "Up to 20,000 characters."
        ),
    )

    def clean_subject(self) -> str:
        subject = one_line(self.cleaned_data["subject"])  # a subject is one header line
        if not subject:
            raise forms.ValidationError(self.fields["subject"].error_messages["required"])
        return subject

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].replace("\r\n", "\n")  # as typed, not as sent
        if len(body) > ANNOUNCEMENT_MAX_LENGTH:
            raise forms.ValidationError(
                announcements.body_too_long_message(len(body)), code="max_length"
            )
        return body
