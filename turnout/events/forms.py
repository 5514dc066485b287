from django import forms
from django.utils.translation import gettext_lazy as _

from turnout.core.slugs import SLUG_MESSAGE
from turnout.core.timezones import time_zone_choices
from turnout.events.models import Event
from turnout.groups.models import Group


class EventForm(forms.ModelForm):
    online_url = forms.URLField(
        label=_("Online meeting link"),
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text=Event._meta.get_field("online_url").help_text,
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a time zone. Pick one from the list, e.g. Europe/London."
            )
        },
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        required=False,
        min_value=0,
        max_value=1_000_000,
        help_text=Event._meta.get_field("capacity").help_text,
        error_messages={
            "invalid": _("Enter the capacity as a whole number, like 40, or leave it empty."),
            "min_value": _("Capacity cannot be negative; leave it empty for no limit."),
        },
    )

    class Meta:
        model = Event
        fields = [
            "title", "tagline", "description", "start_date", "start_time", "end_date",
            "end_time", "time_zone", "language", "venue", "online_url", "capacity", "slug",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 10}),
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {"end_date": _("Leave empty if it ends on the same day.")}
        error_messages = {"slug": {"invalid": SLUG_MESSAGE}}

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = group.venues.all()
        self.fields["venue"].empty_label = _("No venue (online only)")
        self.fields["end_date"].required = False
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _(
            "Leave empty to make one from the title and date. "
            "Lower-case letters, digits and hyphens."
        )
        if self.instance.pk is None:
            self.initial.setdefault("time_zone", group.time_zone)
            self.initial.setdefault("language", group.language)
        elif self.instance.end_date == self.instance.start_date:
            # Shown empty, so moving a one-day meeting to another day moves its end too.
            self.initial["end_date"] = None

    def _post_clean(self):
        # The service runs the model's validation, with the group set (views/organise.py).
        pass
