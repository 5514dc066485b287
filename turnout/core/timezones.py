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


# The zones offered in the meeting form's menu, by region: the cities most organisers
# live near, one per offset and country where we could. Any other IANA name is still
# accepted when typed or already stored (``zone_menu`` keeps it selectable).
COMMON_ZONES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (_("Europe"), (
        "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Madrid", "Europe/Paris",
        "Europe/Brussels", "Europe/Amsterdam", "Europe/Berlin", "Europe/Rome", "Europe/Vienna",
        "Europe/Warsaw", "Europe/Prague", "Europe/Stockholm", "Europe/Helsinki", "Europe/Athens",
        "Europe/Bucharest", "Europe/Kyiv", "Europe/Chisinau", "Europe/Istanbul", "Europe/Moscow",
    )),
    (_("Americas"), (
        "America/St_Johns", "America/Halifax", "America/Toronto", "America/New_York",
        "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
        "America/Anchorage", "America/Mexico_City", "America/Bogota", "America/Lima",
        "America/Santiago", "America/Sao_Paulo", "America/Argentina/Buenos_Aires",
    )),
    (_("Africa"), (
        "Africa/Casablanca", "Africa/Lagos", "Africa/Cairo", "Africa/Johannesburg",
        "Africa/Nairobi", "Africa/Addis_Ababa",
    )),
    (_("Asia"), (
        "Asia/Jerusalem", "Asia/Gaza", "Asia/Beirut", "Asia/Amman", "Asia/Baghdad",
        "Asia/Riyadh", "Asia/Tehran", "Asia/Dubai", "Asia/Karachi", "Asia/Kolkata",
        "Asia/Dhaka", "Asia/Bangkok", "Asia/Jakarta", "Asia/Manila", "Asia/Shanghai",
        "Asia/Hong_Kong", "Asia/Seoul", "Asia/Tokyo",
    )),
    (_("Oceania"), (
        "Australia/Perth", "Australia/Adelaide", "Australia/Brisbane", "Australia/Sydney",
        "Pacific/Auckland", "Pacific/Honolulu",
    )),
    (_("Other"), ("UTC",)),
)  # fmt: skip


_COMMON = frozenset(zone for _region, zones in COMMON_ZONES for zone in zones)


def _zone_label(zone: str) -> str:
    return zone.replace("_", " ")


def zone_menu(*, first: str, keep: tuple[str, ...] = ()) -> list:
    """The choices of a time-zone menu: ``first`` (the group's zone) and any zone in
    ``keep`` (the meeting's own, or one typed) at the top, then ``COMMON_ZONES`` by
    region. Names outside zoneinfo are never offered."""
    top = [z for z in dict.fromkeys((first, *keep)) if z in available_time_zones()]
    menu: list = [(z, _zone_label(z)) for z in top]
    for region, zones in COMMON_ZONES:
        menu.append((region, [(z, _zone_label(z)) for z in zones if z not in top]))
    return menu


def validate_time_zone(value: str) -> None:
    if value not in available_time_zones():
        raise ValidationError(
            _("“%(zone)s” is not a time zone. Pick one from the list, e.g. Europe/London."),
            code="invalid_time_zone",
            params={"zone": value},
        )


# Never a meeting's zone, even typed: whatever zone the server happens to be set to.
_NOT_A_PLACE = frozenset({"localtime"})
# What ``resolve_zone`` reads at most: the longest IANA name is 32 characters.
_TYPED_MAX = 64


def searchable_zones() -> list[str]:
    """The names offered while a zone is typed: every place's zone, and UTC; the odd
    ones (Factory, localtime, Etc/*, the old country names like "GB") only when typed
    in full."""
    return sorted(
        zone
        for zone in available_time_zones()
        if zone == "UTC" or ("/" in zone and not zone.startswith("Etc/"))
    )


def _folded(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).casefold()


@cache
def _by_name_and_city() -> tuple[dict[str, str], dict[str, list[str]]]:
    names, cities = {}, {}
    for zone in sorted(available_time_zones() - _NOT_A_PLACE):
        names[_folded(zone)] = zone
        if city(zone):
            cities.setdefault(_folded(city(zone)), []).append(zone)
    return names, cities


def resolve_zone(typed: str) -> str:
    """The zone someone typed: its full IANA name in any case ("etc/gmt+5"), or the city
    only one zone is named after ("kyiv" → Europe/Kyiv; where two are, the one in
    ``COMMON_ZONES``). Anything else is a ``ValidationError`` saying what to type."""
    names, cities = _by_name_and_city()
    key = _folded(typed) if len(typed) <= _TYPED_MAX else ""  # longer: no zone's name
    if key in names:
        return names[key]
    found = cities.get(key, [])
    common = [z for z in found if z in _COMMON]
    if len(found) == 1 or len(common) == 1:
        return (common or found)[0]
    if found:
        raise ValidationError(
            _("“%(typed)s” could be %(zones)s. Type the full name of the one you mean."),
            code="ambiguous_time_zone",
            params={"typed": typed.strip(), "zones": ", ".join(found)},
        )
    raise ValidationError(
        _(
            "“%(typed)s” is not a time zone we know. Type its full name, like "
            "Europe/Kyiv, or its city, like Kyiv; or pick one from the list."
        ),
        code="unknown_time_zone",
        params={"typed": typed.strip()[:_TYPED_MAX]},
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
