"""IANA time zones: validation, and the wall-clock ↔ UTC conversion of events."""

import datetime as dt
import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@cache
def available_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(available_time_zones())]


def validate_time_zone(value: str) -> None:
    if value not in available_time_zones():
        raise ValidationError(
            _("“%(zone)s” is not a time zone. Pick one from the list, e.g. Europe/London."),
            code="invalid_time_zone",
            params={"zone": value},
        )


def to_aware(day: dt.date, time: dt.time, zone: str) -> dt.datetime:
    """The instant a local date and time in ``zone`` stands for."""
    return dt.datetime.combine(day, time, tzinfo=zoneinfo.ZoneInfo(zone))
