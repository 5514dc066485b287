import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from turnout.core.forms import LongSelect, PictureForm
from turnout.core.slugs import SLUG_MESSAGE
from turnout.core.timezones import (
    available_time_zones,
    resolve_zone,
    searchable_zones,
    to_aware,
    zone_menu,
)
from turnout.events.models import (
    AREA_MAX_LENGTH,
    REMINDER_MAX_HOURS,
    Event,
    PublicCounts,
    Topic,
)
from turnout.events.services import REMINDER_INVALID, REMINDER_TOO_EARLY, REMINDER_TOO_SOON
from turnout.groups.models import Group

MAX_GUESTS_LIMIT = 20


def local_naive(value, zone: str):
    """An instant as the wall-clock time in ``zone``, for a datetime-local input."""
    return value.astimezone(ZoneInfo(zone)).replace(tzinfo=None) if value else None


class LocalDateTimeField(forms.DateTimeField):
    """A date and time in the event's own zone (the form's ``clean`` attaches it)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "error_messages",
            {"invalid": _("Enter a date and time, like 2026-12-01 19:00.")},
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        # Django made it aware in the server's zone; keep the wall-clock time only.
        return timezone.make_naive(value) if value and timezone.is_aware(value) else value


class PlainTextField(forms.CharField):
    """Text whose every rule lives in the service (its length, its characters), so that
    the form and any other caller give the same message."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = []  # not Django's null-character and length messages


class TimeZoneField(forms.ChoiceField):
    """A menu of common zones (set by the form) that still accepts any other IANA name
    posted: one typed, or a meeting's own zone from before the menu was short."""

    def valid_value(self, value) -> bool:
        return value in available_time_zones()


# The form's sections: (legend, fields shown, summary of the folded ones, fields folded).
# The folded ones are rarely changed; a <details> holding an error is shown open.
SECTIONS = (
    (_("What"), ("title", "tagline", "description", "topics"),
     _("Language, web address and listing"), ("language", "slug", "unlisted")),
    (_("When"), ("start_date", "all_day", "start_time", "end_date", "end_time", "time_zone",
                  "time_zone_typed"), None, ()),
    (_("Where"), ("venue", "address_private", "address_area", "online_url"), None, ()),
    (_("Registration"), ("capacity",),
     _("Guests, confirmation, approval, dates and numbers shown"),
     ("max_guests", "confirmation_required", "approval_required", "registration_opens_at",
      "registration_closes_at", "public_counts")),
    (_("Reminders"), (), _("The reminder email"), ("reminder_hours",)),
)  # fmt: skip


class EventForm(forms.ModelForm):
    address_area = PlainTextField(
        label=_("Area shown to the public"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": AREA_MAX_LENGTH}),
        help_text=Event._meta.get_field("address_area").help_text,
    )
    online_url = forms.URLField(
        label=_("Online meeting link"),
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text=Event._meta.get_field("online_url").help_text,
    )
    time_zone = TimeZoneField(
        label=_("Time zone"),
        widget=LongSelect,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a time zone. Pick one from the list, e.g. Europe/London."
            )
        },
    )
    # The search of the zones: without JavaScript the browser suggests the names of the
    # <datalist> as one types; the server finds the zone (turnout.core.timezones).
    time_zone_typed = forms.CharField(
        label=_("Or type a time zone"),
        required=False,
        help_text=_(
            "Any zone, by its name or its city: “Kyiv” or “Europe/Kyiv”. "
            "What you type here is used instead of the list."
        ),
        widget=forms.TextInput(
            attrs={
                "list": "time-zone-names",
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
                "dir": "auto",
            }
        ),
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

    max_guests = forms.IntegerField(
        label=_("Guests per person"),
        required=False,
        min_value=0,
        max_value=MAX_GUESTS_LIMIT,
        initial=0,
        help_text=Event._meta.get_field("max_guests").help_text,
        error_messages={
            "invalid": _("Enter the number of guests as a whole number, like 0 or 2."),
            "min_value": _("The number of guests cannot be negative; 0 means none."),
            "max_value": _("Each person may bring at most %(limit_value)s guests."),
        },
    )
    reminder_hours = forms.IntegerField(
        label=_("Reminder, hours before the start"),
        required=False,
        min_value=1,
        max_value=REMINDER_MAX_HOURS,
        initial=Event._meta.get_field("reminder_hours").default,
        help_text=_(
            "Confirmed attendees are emailed a reminder this many hours before the meeting "
            "starts, with the place, the online link and their link to cancel: 24 is a day "
            "before, 168 (the most) a week before. Leave empty for no reminder. A meeting "
            "created less than this many hours ahead gets none."
        ),
        error_messages={
            "invalid": REMINDER_INVALID,
            "min_value": REMINDER_TOO_SOON,
            "max_value": REMINDER_TOO_EARLY,
        },
    )
    registration_opens_at = LocalDateTimeField(
        label=_("Registration opens"),
        help_text=_(
            "In the meeting’s time zone. Leave empty to open registration when the "
            "meeting is published."
        ),
    )
    registration_closes_at = LocalDateTimeField(
        label=_("Registration closes"),
        help_text=_(
            "In the meeting’s time zone. Leave empty to close registration when the meeting starts."
        ),
    )

    class Meta:
        model = Event
        fields = [
            "title", "tagline", "description", "start_date", "all_day", "start_time", "end_date",
            "end_time", "time_zone", "language", "venue", "address_private", "address_area",
            "online_url", "capacity", "max_guests", "confirmation_required", "approval_required",
            "registration_opens_at", "registration_closes_at", "reminder_hours", "public_counts",
            "topics", "unlisted", "slug",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 10}),
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "topics": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "end_date": _("Leave empty if it ends on the same day."),
            "all_day": _(
                "For a meeting that takes the whole day, like a fair or a weekend school: "
                "the times are then left out, and the end date is its last day."
            ),
        }
        error_messages = {"slug": {"invalid": SLUG_MESSAGE}}

    def __init__(self, *args, group: Group, typed: tuple | None = None, **kwargs):
        """``typed``: what was typed before “New venue…” and the venue then added
        (turnout.events.venue_drafts), shown as it was, not yet checked."""
        super().__init__(*args, **kwargs)
        values, new_venue = typed or (self.data, None)
        # The meeting's own zone and one typed stay selectable when the form is shown again.
        keep = (self.instance.time_zone, values.get("time_zone", ""))
        self.fields["time_zone"].choices = zone_menu(first=group.time_zone, keep=keep)
        self.fields["venue"].queryset = group.venues.all()
        self.fields["venue"].empty_label = _("No venue (online only)")
        self.fields["end_date"].required = False
        # Required unless the meeting is all day (checked in clean()).
        self.fields["start_time"].required = self.fields["end_time"].required = False
        self.fields["slug"].required = False
        self.fields["public_counts"].required = False
        if not Topic.objects.exists():  # the instance admin has made no list of topics
            del self.fields["topics"]
        self.fields["slug"].help_text = _(
            "Leave empty to make one from the title and date. "
            "Lower-case letters, digits and hyphens. An unlisted meeting gets a random one."
        )
        if self.instance.pk is None:
            self.initial.setdefault("time_zone", group.time_zone)
            self.initial.setdefault("language", group.language)
        else:
            last_day = self.instance.end_date
            if self.instance.all_day:  # stored as the day after, shown as the last day
                last_day -= dt.timedelta(days=1)
                self.initial["end_date"] = last_day
                self.initial["start_time"] = self.initial["end_time"] = None
            if last_day == self.instance.start_date:
                # Shown empty, so moving a one-day meeting to another day moves its end too.
                self.initial["end_date"] = None
            for name in ("registration_opens_at", "registration_closes_at"):
                self.initial[name] = local_naive(
                    getattr(self.instance, name), self.instance.time_zone
                )
        if typed:
            for name, field in self.fields.items():
                self.initial[name] = field.widget.value_from_datadict(
                    values, {}, self.add_prefix(name)
                )
            if new_venue:
                self.initial["venue"] = new_venue

    def sections(self) -> list[dict]:
        """The fields by section, for the template; a field no section names (one added
        later) is folded into the last, so that none is ever left out."""
        placed = {name for _l, shown, _s, folded in SECTIONS for name in (*shown, *folded)}
        rest = tuple(f.name for f in self.visible_fields() if f.name not in placed)
        result = []
        for i, (legend, shown, summary, folded) in enumerate(SECTIONS):
            if i == len(SECTIONS) - 1:
                folded += rest
            result.append(
                {
                    "legend": legend,
                    "fields": [self[name] for name in shown if name in self.fields],
                    "summary": summary,
                    "folded": [self[name] for name in folded if name in self.fields],
                    "open": any(name in self.errors for name in folded),
                }
            )
        return result

    def zone_names(self) -> list[str]:
        return searchable_zones()

    def clean_time_zone_typed(self) -> str:
        typed = self.cleaned_data["time_zone_typed"]
        return resolve_zone(typed) if typed else ""

    def clean_max_guests(self) -> int:
        return self.cleaned_data["max_guests"] or 0

    def clean_public_counts(self) -> str:
        return self.cleaned_data["public_counts"] or PublicCounts.CAPACITY

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("all_day"):
            # The times are ignored; the last day shown becomes the day after, as stored.
            cleaned["start_time"] = cleaned["end_time"] = None
            first, last = cleaned.get("start_date"), cleaned.get("end_date")
            if first and last and last < first:
                self.add_error("end_date", _("The last day cannot be before the first."))
            elif last:
                cleaned["end_date"] = last + dt.timedelta(days=1)
        else:
            for name in ("start_time", "end_time"):
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Enter a time, like 19:00, or tick “All day”."))
        if typed := cleaned.pop("time_zone_typed", ""):  # used instead of the menu
            cleaned["time_zone"] = typed
        zone = cleaned.get("time_zone")
        for name in ("registration_opens_at", "registration_closes_at"):
            if cleaned.get(name) and zone:
                cleaned[name] = to_aware(cleaned[name].date(), cleaned[name].time(), zone)
        return cleaned

    def _post_clean(self):
        # The service runs the model's validation, with the group set (views/organise.py).
        pass


class EventPictureForm(PictureForm):
    on_flyer = forms.BooleanField(
        label=_("Show the picture on the A4 flyer"),
        required=False,
        help_text=_("The image for social media always shows it."),
    )
