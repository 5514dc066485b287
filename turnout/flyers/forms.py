"""Forms of the organiser's block pages. They only carry the typed text: every check
(a speaker, an http(s) source, no date in the future, the lengths) is the services'
(``turnout.flyers.services``), whose messages the views put on these fields."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from turnout.core.formats import grouped_lazy
from turnout.flyers.models import QUOTE_MAX_LENGTH, STATEMENT_TITLE_MAX_LENGTH

DATE_HELP = _("Like 2024-03-31; not in the future.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


def _date(label, *, help_text=DATE_HELP) -> forms.CharField:
    # A CharField: the service reads the date, so a typed "31/03" gets its message.
    return forms.CharField(label=label, required=False, widget=DateInput(), help_text=help_text)


def _required(widget: forms.Widget) -> forms.Widget:
    """Marked required (the forms are ``novalidate``: the service says what is missing)."""
    widget.attrs["required"] = True
    return widget


class StatementForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        required=False,
        widget=_required(
            forms.Textarea(attrs={"maxlength": STATEMENT_TITLE_MAX_LENGTH, "rows": 2})
        ),
        help_text=_("The heading, as on the flyer: press Enter where a new line should start."),
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=_required(forms.Textarea(attrs={"rows": 10})),
        help_text=_(
            "Markdown: **bold**, *italic*, [a link](https://example.org), lists with “- ”. "
            "Up to 10,000 characters. It is signed with the group's name."
        ),
    )
    dated = _date(_("Date"), help_text=_("The date it is signed with. Like 2024-03-31."))


class QuoteForm(forms.Form):
    text = forms.CharField(
        label=_("Quotation"),
        required=False,
        widget=_required(forms.Textarea(attrs={"rows": 4})),
        # Formatted when shown, in the reader's language (a lazy string's % would not wait).
        help_text=format_lazy(
            _("Their words, without quotation marks. Up to {limit} characters."),
            limit=grouped_lazy(QUOTE_MAX_LENGTH),
        ),
    )
    speaker = forms.CharField(
        label=_("Who said it"),
        required=False,
        widget=_required(forms.TextInput(attrs={"maxlength": 200})),
    )
    role = forms.CharField(
        label=_("Their role"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 200}),
        help_text=_("Optional, like “trade union organiser, Kharkiv”."),
    )
    said_on = _date(_("Date said"), help_text=_("Optional. Like 2024-03-31; not in the future."))
    source_title = forms.CharField(
        label=_("Source"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 300}),
        help_text=_("Optional: where it was reported, like a newspaper or a speech."),
    )
    source_url = forms.CharField(
        label=_("Source web address"),
        required=False,
        widget=forms.URLInput(attrs={"maxlength": 500}),
        help_text=_("Optional, starting with https:// or http://."),
    )


class AttachForm(forms.Form):
    """Pick one of the group's statements, quotes or tables not shown with the meeting.

    Each choice's value is "<kind>-<id>", as built by the view from what it may offer.
    """

    content = forms.ChoiceField(label=_("Statement, quote or table"))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content"].choices = choices
