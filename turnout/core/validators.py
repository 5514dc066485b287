import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

_web_url = URLValidator(schemes=["http", "https"])


def validate_web_url(value: str) -> None:
    """Only http(s) links: never javascript:, data: or file: URLs."""
    try:
        _web_url(value)
    except ValidationError:
        raise ValidationError(
            _("Enter a web address starting with https:// or http://."), code="invalid_url"
        ) from None


def normalise_email(email: str) -> str:
    """The address as stored (registrations, subscribers): stripped and lower-cased;
    ValidationError if it is no address."""
    if "\n" in email or "\r" in email:
        raise ValidationError(
            gettext("An email address cannot contain a line break."), code="line_break"
        )
    email = email.strip().lower()
    validate_email(email)
    return email


def has_control_characters(text: str) -> bool:
    """Characters below space other than newline and tab, or DEL: never in typed text."""
    return any(ord(c) < 32 and c not in "\n\t" for c in text) or "\x7f" in text


def clean_past_date(value, *, required: bool, field: str) -> dt.date | None:
    """A date typed as year-month-day (or a date), not after today; ``field`` names the
    form field in the error."""
    if value in (None, ""):
        if required:
            raise ValidationError({field: gettext("Enter the date, like 2024-03-31.")})
        return None
    if isinstance(value, dt.date):
        date = value
    else:
        try:
            date = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError(
                {field: gettext("Enter the date as year-month-day, like 2024-03-31.")}
            ) from None
    if date > timezone.localdate():
        raise ValidationError({field: gettext("This date is in the future.")})
    return date
