"""The RSVP form on the event page and the attendee's own changes.

The fields are lenient on purpose: ``turnout.rsvp.services`` checks every value and
words each message, so the form and the service cannot disagree.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from turnout.core.forms import HoneypotForm
from turnout.events.models import Event
from turnout.rsvp.models import (
    ACCESS_NEEDS_MAX_LENGTH,
    NAME_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    Registration,
)


def _guests_field(most: int, **kwargs) -> forms.CharField:
    widget = forms.NumberInput(attrs={"min": 0, "max": most, "inputmode": "numeric"})
    return forms.CharField(required=False, widget=widget, **kwargs)


class RSVPForm(HoneypotForm):
    name = forms.CharField(
        label=_("Your name"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "name", "maxlength": NAME_MAX_LENGTH}),
    )
    email = forms.CharField(
        label=_("Your email address"),
        required=False,
        strip=False,
        help_text=_("We email you a link to your place: to confirm it, see it or cancel it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    access_needs = forms.CharField(
        label=_("Access needs (optional)"),
        required=False,
        help_text=_(
            "Anything the organisers should know so that you can take part: step-free "
            "access, a hearing loop, somewhere to sit near the door…"
        ),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": ACCESS_NEEDS_MAX_LENGTH}),
    )
    access_consent = forms.BooleanField(
        label=_(
            "I agree that the organisers keep what I wrote about my access needs, only to "
            "make the meeting accessible. It is deleted with the rest of my registration."
        ),
        required=False,
    )
    keep_posted = forms.BooleanField(
        label=_("Keep me posted about this group’s meetings"),
        required=False,
        help_text=_("We email you a link to confirm that first."),
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        if event.max_guests:
            self.fields["guests"] = _guests_field(
                event.max_guests,
                label=_("Guests you are bringing"),
                initial=0,
                help_text=_("Each guest takes a seat. At most %(n)s.") % {"n": event.max_guests},
            )
            self.order_fields(["name", "email", "guests"])
        if event.approval_required:  # for the organisers, who confirm each place
            self.fields["note"] = forms.CharField(
                label=_("How do you know the group? (optional)"),
                required=False,
                strip=False,
                help_text=_("A few words for the organisers, who confirm each place."),
                widget=forms.TextInput(attrs={"maxlength": NOTE_MAX_LENGTH}),
            )
            self.order_fields(["name", "email", "guests", "note"])

    def registration_fields(self) -> dict:
        """The cleaned values as ``services.register`` takes them ("keep me posted" is the
        mailing list's, asked by the page that shows the form)."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "email": data["email"],
            "guests": data.get("guests") or 0,
            "access_needs": data["access_needs"],
            "access_consent": data["access_consent"],
            "note": data.get("note", ""),
        }


class DetailsForm(forms.Form):
    """The attendee corrects their name or changes how many guests they bring: more while
    seats are free (``full`` says they are not), fewer at any time."""

    name = forms.CharField(label=_("Your name"), required=False, strip=False)

    def __init__(self, *args, registration: Registration, full: bool, **kwargs):
        kwargs.setdefault("initial", {"name": registration.name, "guests": registration.guests})
        super().__init__(*args, **kwargs)
        event = registration.event
        can_add = registration.takes_seats and not full and event.max_guests > 0
        if registration.takes_seats and full:
            help_text = _("The meeting is full: you can bring fewer guests, not more.")
        elif not registration.takes_seats:
            help_text = _("While you wait, you can bring fewer guests, not more.")
        else:
            help_text = _("Each guest takes a seat. At most %(n)s.") % {"n": event.max_guests}
        if registration.guests or event.max_guests:
            most = max(registration.guests, event.max_guests if can_add else 0)
            self.fields["guests"] = _guests_field(
                most, label=_("Guests you are bringing"), help_text=help_text
            )


class AddForm(forms.Form):
    """An organiser adds someone; ``turnout.rsvp.services.add_by_organiser`` checks it."""

    name = forms.CharField(label=_("Name"), required=False, strip=False)
    email = forms.CharField(
        label=_("Email address (optional)"),
        required=False,
        help_text=_("With one, they get the confirmation and the link to their place."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    guests = forms.CharField(
        label=_("Guests"),
        required=False,
        initial=0,
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
    )
    walk_in = forms.BooleanField(label=_("Here now: check them in"), required=False)


class CapacityForm(forms.Form):
    capacity = forms.CharField(
        label=_("Capacity"),
        required=False,
        help_text=_(
            "Raising it gives the freed seats to the waitlist. Lowering it below the seats "
            "taken removes nobody: new registrations wait until enough people cancel."
        ),
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
    )
