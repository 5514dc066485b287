"""Pieces shared by the public forms."""

from django import forms
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
