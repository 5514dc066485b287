from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from turnout.comparisons import services as comparisons
from turnout.comparisons.models import CELL_MAX_LENGTH, LABEL_MAX_LENGTH, Comparison
from turnout.core import forms as core_forms
from turnout.core.forms import add_service_errors
from turnout.core.slugs import SLUG_MAX_LENGTH


class ComparisonForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        help_text=Comparison._meta.get_field("introduction").help_text,
    )


class NewComparisonForm(ComparisonForm):
    slug = forms.CharField(
        label=_("Web address"),
        required=False,
        max_length=SLUG_MAX_LENGTH,
        help_text=_("Leave empty to make one from the title."),
    )


class LabelForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=LABEL_MAX_LENGTH)


class CellForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=CELL_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Up to 1,000 characters. Leave empty for “not yet assessed”."),
    )


class CitationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    publisher = forms.CharField(label=_("Publisher"), max_length=200, required=False)
    url = forms.CharField(label=_("Web address"), max_length=500, required=False)
    date_published = forms.CharField(
        label=_("Date published"), required=False, help_text=_("Like 2024-03-31.")
    )
    date_accessed = forms.CharField(
        label=_("Date accessed"), required=False, help_text=_("Like 2024-03-31.")
    )

    def clean(self):
        data = super().clean()
        if not any(data.values()):
            return {}  # an unused row
        try:
            return comparisons.clean_citation(data)
        except ValidationError as error:
            add_service_errors(self, error)
        return data


CitationFormSet = forms.formset_factory(
    CitationForm, extra=2, max_num=20, absolute_max=20, validate_max=True
)


class UploadForm(core_forms.UploadForm):
    too_large_message = _("The file is over 1 MB; a table holds at most 100 criteria and 20 cases.")

    file = forms.FileField(
        label=_("Table"),
        help_text=_(
            "A CSV file (a row per criterion, a column per case, the first row "
            "“criterion” then the cases) or a JSON file exported from Turnout. "
            "Up to 100 criteria and 20 cases. It replaces the whole table."
        ),
    )
    citations_file = forms.FileField(
        label=_("Citations (CSV)"),
        required=False,
        help_text=_(
            "With a CSV table only: columns criterion, case, title, publisher, url, "
            "date_published, date_accessed."
        ),
    )
