"""Browsing with the demo and 1,000 generated meetings: each filter and the search find
exactly the meetings a plain Python reading of the same rules finds (on SQLite and on
PostgreSQL: run this file with TURNOUT_TEST_DATABASE=postgres too), and a filtered "/"
costs the same queries with 10 meetings as with 1,000."""

import datetime as dt
import random
import re
import unicodedata

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.test_public_queries import card_titles
from turnout.cli import DEMO_LOGIN
from turnout.core import search
from turnout.demo import load_demo
from turnout.events import browse
from turnout.events.models import Event, Topic
from turnout.groups.models import Group, Venue

pytestmark = pytest.mark.django_db

WORDS = ["Solidarity", "Київ", "ЛЬВІВ", "حقّك", "السكن", "Rent", "strike", "Straße", "O'Brien"]
CITIES = ["London", "Київ", "Manchester", "القاهرة"]
SEED_WITH_A_MATCH = 15  # 10 meetings of which one matches the query-count test's filters


def generate(n: int, *, seed: int = 19) -> None:
    """``n`` meetings, quickly (bulk_create, as no organiser would): every mix of place,
    language, status, listing, private address, online link and topics."""
    rng = random.Random(seed)
    groups = list(Group.objects.all())
    venues = {g.pk: [] for g in groups}
    for g in groups:
        for city in CITIES:
            venues[g.pk].append(Venue.objects.create(group=g, name=f"Hall {city}", city=city))
    topics = [
        Topic.objects.get_or_create(slug=name.lower(), defaults={"name": name})[0]
        for name in ("Housing", "Work")
    ]
    now, rows = timezone.now(), []
    for i in range(n):
        group = rng.choice(groups)
        start = now + dt.timedelta(days=rng.randint(-20, 60), hours=rng.randint(0, 23))
        online = rng.random() < 0.2
        private = not online and rng.random() < 0.1
        title = " ".join(rng.sample(WORDS, 2)) + f" {i}"
        tagline = rng.choice(["", "Monthly meeting", "Зустріч громади"])
        venue = None if online else rng.choice(venues[group.pk])
        rows.append(
            Event(
                group=group, slug=f"generated-{seed}-{i}", title=title, tagline=tagline,
                start_date=start.date(), start_time=start.time(), end_date=start.date(),
                end_time=start.time(), time_zone="UTC", starts_at=start,
                ends_at=start + dt.timedelta(hours=2), language=rng.choice(["en", "uk", "ar"]),
                venue=venue, public_city=venue.city if venue and not private else "",
                online_url="https://meet.example/x" if online else "",
                address_private=private, address_area="Near the park" if private else "",
                status=rng.choice(["published"] * 6 + ["draft", "cancelled"]),
                unlisted=False, search_text=search.text(title, tagline),
            )  # the derived columns as the services give them
        )  # fmt: skip
    created = Event.objects.bulk_create(rows)
    hidden = [e for e in created if rng.random() < 0.05]
    for event in hidden:  # unlisted ones get the random address the database demands
        event.unlisted, event.slug = True, f"{event.pk:016d}"
    Event.objects.bulk_update(hidden, ["unlisted", "slug"])
    links = [
        Event.topics.through(event_id=e.pk, topic_id=t.pk)
        for e in created
        for t in topics
        if rng.random() < 0.3
    ]
    Event.topics.through.objects.bulk_create(links)


def words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return re.findall(r"[^\W_]+", text)


def expected(params: dict) -> set[int]:
    """The same rules read in Python, one meeting at a time."""
    now = timezone.now()
    return {
        event.pk
        for event in Event.objects.select_related("group", "venue").prefetch_related("topics")
        if event.status != "draft" and not event.unlisted and event.ends_at > now
        and all(matches(event, name, value) for name, value in params.items())
    }  # fmt: skip


def matches(event: Event, name: str, value: str) -> bool:
    if name == "city":
        return bool(event.venue) and not event.address_private and event.venue.city == value
    if name == "group":
        return event.group.slug == value
    if name == "language":
        return event.language == value
    if name == "topic":
        return value in {topic.slug for topic in event.topics.all()}
    if name == "mode":
        return bool(event.online_url) if value == "online" else bool(event.venue)
    if name == "from":
        return event.start_date >= dt.date.fromisoformat(value)
    if name == "to":
        return event.start_date <= dt.date.fromisoformat(value)
    own, group = words(f"{event.title} {event.tagline}"), words(event.group.name)
    return all(any(w.startswith(q) for w in own + group) for q in words(value))


def found(params: dict) -> set[int]:
    query = QueryDict(mutable=True)
    query.update(params)
    chosen = browse.parse(query, choices=browse.choices())
    assert chosen.problems == []
    return set(browse.meetings(chosen).values_list("pk", flat=True))


@pytest.fixture
def thousand():
    email, password = DEMO_LOGIN
    assert load_demo(organiser_email=email, organiser_password=password)
    generate(1000)


def test_each_filter_and_the_search_find_exactly_the_right_meetings(thousand):
    today = timezone.now().date()
    cases = [
        {"city": "London"}, {"city": "Київ"}, {"city": "القاهرة"},
        {"group": "ukraine-information-group"}, {"language": "uk"}, {"language": "ar"},
        {"mode": "online"}, {"mode": "in-person"}, {"topic": "housing"},
        {"from": str(today + dt.timedelta(days=10)), "to": str(today + dt.timedelta(days=20))},
        {"q": "solid"}, {"q": "київ"}, {"q": "львів"}, {"q": "حقك"}, {"q": "strasse"},
        {"q": "o'brien"}, {"q": "riverside rent"}, {"q": "lidar"}, {"q": "зустріч"},
        {"q": "solid", "city": "Manchester", "language": "en", "topic": "work"},
    ]  # fmt: skip
    group_slugs = set(Group.objects.values_list("slug", flat=True))
    assert "ukraine-information-group" in group_slugs
    for params in cases:
        assert found(params) == expected(params), params
    assert len(found({"q": "solid"})) > 50  # the cases look at many meetings


def test_a_filtered_home_costs_the_same_queries_for_10_and_1000_meetings(client, db):
    email, password = DEMO_LOGIN
    load_demo(organiser_email=email, organiser_password=password)
    generate(10, seed=1)
    demo = Event.objects.get(title="What internationalism means")
    demo.topics.add(Topic.objects.get(slug="housing"))
    query = "/?q=unite&city=London&mode=in-person&topic=housing&language=en"
    with CaptureQueriesContext(connection) as few:
        assert card_titles(client.get(query)) == ["What internationalism means"]

    generate(1000, seed=2)
    with CaptureQueriesContext(connection) as many:
        assert card_titles(client.get(query)) == ["What internationalism means"]
    with CaptureQueriesContext(connection) as full:
        assert len(card_titles(client.get("/?q=solid&mode=in-person"))) == 20  # a full page

    # The choices (towns and groups; topics), how many match, this page of them.
    assert len(few) == len(many) == len(full) == 4
