"""Browsing the upcoming meetings on "/": what a visitor may filter by, what they asked
for, and the meetings that match.

Every choice comes from the listed meetings (``Event.objects.listed()``: published or
cancelled, never a draft nor an unlisted one), so no filter or choice shows what the
listings hide. A place is a venue's town, and only of meetings whose address is public:
a private address's town is neither offered nor matched (turnout.events.places). The
text search is turnout.core.search over the meeting's title and tagline and its group's
name. A value nobody could have picked from the page (an unknown town, a date that is
not one, a range ending before it starts) is left out with a message saying so, and the
rest of the filters still apply. Cancelled meetings stay in, marked, as on the plain
"/". Constant queries, however many meetings there are: the choices (one for towns and
groups, one for topics; a group not among them costs one more), then the page's count
and rows.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from turnout.core import search
from turnout.core.slugs import SLUG_PATTERN
from turnout.events import selectors
from turnout.events.models import Event, Topic
from turnout.groups.models import Group

# The query parameters that filter (turnout.pages.views.browse decides what is cached).
PARAMETERS = ("q", "city", "group", "topic", "language", "mode", "from", "to")
ONLINE, IN_PERSON = "online", "in-person"
SHOWN_LENGTH = 60  # of a value repeated in a message
GROUPS_OFFERED = 200  # in the group menu: those with the most upcoming meetings


@dataclass(frozen=True)
class Choices:
    """What the filters offer: towns, groups with upcoming meetings (their id, address and
    name only), topics, languages."""

    cities: list[str]
    groups: list[Group]
    topics: list[Topic]

    @property
    def languages(self) -> list[tuple[str, str]]:
        # Not kept with the rest (a cached copy would unpickle each lazy name, slowly).
        return list(settings.LANGUAGES)


@dataclass
class Browse:
    """The filters a visitor asked for, as far as they make sense, and what did not."""

    q: str = ""
    city: str = ""
    group: Group | None = None
    topic: Topic | None = None
    language: str = ""
    mode: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def params(self) -> QueryDict:
        """The filters that apply, as the page's links carry them on (never the raw query
        string: a value that did not apply is not repeated)."""
        params = QueryDict(mutable=True)
        values = {
            "q": self.q,
            "city": self.city,
            "group": self.group.slug if self.group else "",
            "topic": self.topic.slug if self.topic else "",
            "language": self.language,
            "mode": self.mode,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
        }
        params.update({name: value for name, value in values.items() if value})
        return params

    @property
    def active(self) -> bool:
        return bool(self.params)


def asks_to_filter(params: QueryDict) -> bool:
    """Whether the request names any filter (even an empty or a wrong one)."""
    return any(name in params for name in PARAMETERS)


def choices() -> Choices:
    """Two queries: the towns and groups of the upcoming meetings, and the topics. The
    menu offers the ``GROUPS_OFFERED`` groups with the most upcoming meetings, by name
    (a site of 10,000 groups made "/" a 570 kB page); any other still filters by its
    address (``parse``)."""
    upcoming = selectors.upcoming_events().order_by()
    rows = upcoming.values_list("group_id", "group__slug", "group__name", "public_city")
    rows = rows.annotate(meetings=Count("*"))  # no column: the index alone answers
    cities, groups, planned = set(), {}, Counter()
    for group_id, slug, name, city, meetings in rows:
        groups[group_id] = Group(pk=group_id, slug=slug, name=name)
        planned[group_id] += meetings
        if city:
            cities.add(city)
    busiest = sorted(groups.values(), key=lambda group: (-planned[group.pk], group.pk))
    return Choices(
        cities=sorted(cities, key=str.casefold),
        groups=sorted(busiest[:GROUPS_OFFERED], key=lambda group: group.name.casefold()),
        topics=list(Topic.objects.order_by("name")),
    )


def _said(message: str, value: str) -> str:
    """``message`` (ours, from the catalogue) with the visitor's ``value`` escaped in it,
    cut short and in a ``<bdi>``, as HTML."""
    shown = format_html("<bdi>{}</bdi>", value[:SHOWN_LENGTH])
    return mark_safe(message % {"value": shown})  # noqa: S308 -- the value is escaped


def _date(params: QueryDict, name: str, problems: list[str]) -> dt.date | None:
    value = params.get(name, "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        message = _("“%(value)s” is not a date: use the calendar, or write it like 2026-12-31.")
        problems.append(_said(message, value))
        return None


def parse(params: QueryDict, *, choices: Choices) -> Browse:
    """The filters in ``params``, checked against ``choices``; no query."""
    problems: list[str] = []
    chosen = Browse(problems=problems)
    q = params.get("q", "").strip()
    if len(q) > search.MAX_QUERY_LENGTH:
        q = q[: search.MAX_QUERY_LENGTH]
        problems.append(
            _("Your search was long: only the first %(limit)s characters were searched.")
            % {"limit": search.MAX_QUERY_LENGTH}
        )
    chosen.q = q
    if q and not search.words(q):
        message = _("There is nothing to search for in %(value)s: type a word, or its start.")
        problems.append(_said(message, q))
    city = params.get("city", "").strip()
    if city:
        known = {c.casefold(): c for c in choices.cities}
        chosen.city = known.get(city.casefold(), "")
        if not chosen.city:
            message = _("No such place: %(value)s. Showing every place.")
            problems.append(_said(message, city))
    group = params.get("group", "").strip()
    if group:
        chosen.group = next((g for g in choices.groups if g.slug == group), None)
        if chosen.group is None and SLUG_PATTERN.fullmatch(group):  # none planned yet
            chosen.group = Group.objects.filter(slug=group).first()
        if chosen.group is None:
            message = _("No such group: %(value)s. Showing every group.")
            problems.append(_said(message, group))
    topic = params.get("topic", "").strip()
    if topic:
        chosen.topic = next((t for t in choices.topics if t.slug == topic), None)
        if chosen.topic is None:
            message = _("No such topic: %(value)s. Showing every topic.")
            problems.append(_said(message, topic))
    language = params.get("language", "").strip()
    if language:
        if language in dict(choices.languages):
            chosen.language = language
        else:
            message = _("No such language: %(value)s. Showing every language.")
            problems.append(_said(message, language))
    mode = params.get("mode", "").strip()
    if mode in (ONLINE, IN_PERSON):
        chosen.mode = mode
    elif mode:
        problems.append(_("Choose online or in person; showing both."))
    chosen.date_from = _date(params, "from", problems)
    chosen.date_to = _date(params, "to", problems)
    if chosen.date_from and chosen.date_to and chosen.date_to < chosen.date_from:
        problems.append(_("The end date is before the start date, so the dates were left out."))
        chosen.date_from = chosen.date_to = None
    return chosen


def meetings(chosen: Browse) -> QuerySet[Event]:
    """The upcoming listed meetings that match, soonest first."""
    found = selectors.upcoming_events()
    if chosen.q:  # a search without a word finds nothing (no title is only "%")
        words = search.lookups(chosen.q, "search_text", "group__search_name")
        found = found.filter(words) if words else found.none()
    if chosen.city:
        found = found.filter(public_city=chosen.city)
    if chosen.group:
        found = found.filter(group=chosen.group)
    if chosen.topic:
        found = found.filter(topics=chosen.topic)
    if chosen.language:
        found = found.filter(language=chosen.language)
    if chosen.mode == ONLINE:
        found = found.exclude(online_url="")
    elif chosen.mode == IN_PERSON:
        found = found.filter(venue__isnull=False)
    if chosen.date_from:
        found = found.filter(start_date__gte=chosen.date_from)
    if chosen.date_to:
        found = found.filter(start_date__lte=chosen.date_to)
    return found
