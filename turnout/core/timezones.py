"""IANA time zones: validation, the wall-clock ↔ UTC conversion of events, and the name
people give a zone ("London" for Europe/London, "UTC−5" for Etc/GMT+5)."""

import datetime as dt
import re
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


# Zones that are UTC under another name: named "UTC".
_UTC_NAMES = frozenset(
    {"UTC", "UCT", "GMT", "GMT0", "GMT+0", "GMT-0", "Greenwich", "Universal", "Zulu"}
)
_ETC_OFFSET = re.compile(r"GMT([+-])(\d{1,2})")


def city(zone: str) -> str:
    """The place a zone is named after, as its IANA name writes it: "London" for
    Europe/London, "New York" for America/New_York, "Buenos Aires" for
    America/Argentina/Buenos_Aires; "" for a zone named after no place (UTC, Etc/GMT+5,
    EST5EDT). In English: the tz database has no other language, and a name in Latin
    letters is still read right inside a Ukrainian or Arabic sentence."""
    area, _slash, rest = zone.partition("/")
    if not rest or area == "Etc":
        return ""
    return rest.rsplit("/", 1)[-1].replace("_", " ")


def is_utc(zone: str) -> bool:
    """Whether the zone is UTC under one of its names (UTC, Etc/UTC, GMT, Zulu…)."""
    return zone.removeprefix("Etc/") in _UTC_NAMES


def offset_name(zone: str) -> str:
    """How to name a zone with no city: "UTC", "UTC−5" for Etc/GMT+5 (whose sign is
    POSIX's, the other way round from what people say), else the name itself."""
    if is_utc(zone):
        return "UTC"
    name = zone.removeprefix("Etc/")
    offset = _ETC_OFFSET.fullmatch(name)
    if offset:
        sign = "−" if offset[1] == "+" else "+"
        return f"UTC{sign}{int(offset[2])}"
    return name.replace("_", " ")
