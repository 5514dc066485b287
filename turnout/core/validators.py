from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
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
