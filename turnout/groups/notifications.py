"""An organiser's notification settings: which emails about their meetings they want
(sent by turnout.rsvp.notify). Always the logged-in organiser's own: nothing here takes
a user from a form."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from turnout.groups.models import WAITLIST_THRESHOLD_MAX, NotificationSettings, User

__all__ = ["ValidationError", "settings_for", "update_settings"]
FIELDS = ("daily_digest", "meeting_full", "waitlist", "waitlist_threshold", "late_cancellation")


def settings_for(*, user: User) -> NotificationSettings:
    """The organiser's settings; the defaults (not saved) if they never changed them."""
    return NotificationSettings.objects.filter(user=user).first() or NotificationSettings(user=user)


def threshold_error() -> str:
    return _("Give a number of people from 1 to %(max)s.") % {"max": WAITLIST_THRESHOLD_MAX}


def update_settings(*, user: User, **changes) -> NotificationSettings:
    """Change the organiser's settings (only the fields given); ValidationError for a
    number of people waiting that is not from 1 to WAITLIST_THRESHOLD_MAX."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"Not a notification setting: {sorted(unknown)}")
    threshold = changes.get("waitlist_threshold")
    if threshold is not None and not (
        isinstance(threshold, int) and 1 <= threshold <= WAITLIST_THRESHOLD_MAX
    ):
        raise ValidationError({"waitlist_threshold": threshold_error()})
    with transaction.atomic():
        settings, _created = NotificationSettings.objects.select_for_update().get_or_create(
            user=user
        )
        for field, value in changes.items():
            setattr(settings, field, value)
        settings.save(update_fields=list(changes) or None)
    return settings
