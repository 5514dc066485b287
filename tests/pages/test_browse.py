"""Browsing "/": filters by place, group, online or in person, language, topic and dates,
and the text search; bad values get a message and the unfiltered choice, never a 5xx;
unlisted meetings and private addresses never show through a filter."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.factories import make_event, make_group, make_venue
from tests.test_public_queries import card_titles
from turnout.events import browse
from turnout.events.models import Event, Topic

pytestmark = pytest.mark.django_db
PROBLEMS = re.compile(r'<div class="panel notice" role="status">.*?</div>', re.S)


@pytest.fixture
def town(group, venue):
    """Meetings in London and Kyiv, online and in person, in three languages."""
    kyiv = make_venue(group=group, name="Будинок культури", city="Київ", postcode="")
    tenants = make_group(name="Riverside Tenants Union", slug="tenants")
    housing = Topic.objects.create(name="Housing", slug="housing")
    make_event(group=group, venue=venue, title="Solidarity evening", days_ahead=2)
    make_event(group=group, venue=kyiv, title="Зустріч: Київ і Лондон", language="uk", days_ahead=3)
    make_event(group=group, venue=None, online_url="https://meet.example/x", title="Online talk")
    rent = make_event(group=tenants, title="Rent strike", tagline="Ендшпіль", days_ahead=9)
    rent.topics.add(housing)
    make_event(group=tenants, title="حقّك في السكن", language="ar", days_ahead=12)
    return {"kyiv": kyiv, "tenants": tenants, "housing": housing}


def titles(client, query: str) -> list[str]:
    response = client.get("/" + query)
    assert response.status_code == 200
    return card_titles(response)


def test_filter_by_place(client, town):
    assert titles(client, "?city=Київ") == ["Зустріч: Київ і Лондон"]
    assert titles(client, "?city=London") == [
        "Solidarity evening", "Rent strike", "حقّك في السكن",
    ]  # fmt: skip


def test_filter_by_group(client, town):
    assert titles(client, "?group=tenants") == ["Rent strike", "حقّك في السكن"]


def test_the_group_filter_offers_the_busiest_groups_and_any_group_still_filters(
    client, town, monkeypatch
):
    """On a site of 10,000 groups "/" listed every one in its menu (570 kB a page,
    bench/scale.py): it offers the ``GROUPS_OFFERED`` with the most upcoming meetings, by
    name, and a group left out still filters by its address, as one with none planned."""
    monkeypatch.setattr(browse, "GROUPS_OFFERED", 1, raising=False)
    text = client.get("/").content.decode()

    menu = re.search(r'<select id="browse-group".*?</select>', text, re.S).group()
    assert re.findall(r'<option value="([^"]*)"', menu) == ["", "uig"]  # 3 meetings, not 2
    assert titles(client, "?group=tenants") == ["Rent strike", "حقّك في السكن"]
    assert not PROBLEMS.search(client.get("/?group=tenants").content.decode())


def test_filter_online_or_in_person(client, town):
    assert titles(client, "?mode=online") == ["Online talk"]
    assert "Online talk" not in titles(client, "?mode=in-person")
    assert len(titles(client, "?mode=in-person")) == 4


def test_filter_by_language(client, town):
    assert titles(client, "?language=uk") == ["Зустріч: Київ і Лондон"]
    assert titles(client, "?language=ar") == ["حقّك في السكن"]


def test_filter_by_topic(client, town):
    assert titles(client, "?topic=housing") == ["Rent strike"]


def test_filter_by_dates(client, town):
    today = timezone.localdate()
    start, end = today + dt.timedelta(days=3), today + dt.timedelta(days=9)
    assert titles(client, f"?from={start}&to={end}") == [
        "Зустріч: Київ і Лондон", "Online talk", "Rent strike",
    ]  # fmt: skip


def test_filters_combine(client, town):
    assert titles(client, "?group=tenants&language=en") == ["Rent strike"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("solid", ["Solidarity evening"]),
        ("SOLID", ["Solidarity evening"]),
        ("lidar", []),
        ("київ", ["Зустріч: Київ і Лондон"]),  # Cyrillic, any case
        ("лонд", ["Зустріч: Київ і Лондон"]),
        ("КИЇВ", ["Зустріч: Київ і Лондон"]),
        ("ендш", ["Rent strike"]),  # the tagline
        ("riverside", ["Rent strike", "حقّك في السكن"]),  # the group's name
        ("حقك", ["حقّك في السكن"]),  # Arabic: no case; the vowel marks are optional
        ("السكن", ["حقّك في السكن"]),
        ("rent riverside", ["Rent strike"]),  # every word, anywhere
        ("rent kyiv", []),
    ],
)
def test_search(client, town, q, expected):
    assert titles(client, f"?q={q}") == expected


@pytest.mark.parametrize("q", ["%", "_", "'; DROP TABLE events_event; --", ".*", "\\", "%_%"])
def test_search_takes_metacharacters_literally(client, town, q):
    response = client.get("/", {"q": q})

    assert response.status_code == 200
    assert card_titles(response) == []


def test_a_search_5_kb_long_is_cut_with_a_message(client, town):
    response = client.get("/", {"q": "solid " + "x" * 5000})

    assert response.status_code == 200
    assert "only the first 100 characters were searched" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?city=Atlantis", "No such place: <bdi>Atlantis</bdi>"),
        ("?group=nobody", "No such group: <bdi>nobody</bdi>"),
        ("?topic=knitting", "No such topic: <bdi>knitting</bdi>"),
        ("?language=xx", "No such language: <bdi>xx</bdi>"),
        ("?mode=teleport", "Choose online or in person"),
        ("?from=tomorrow", "“<bdi>tomorrow</bdi>” is not a date"),
    ],
)
def test_an_unknown_filter_says_so_and_shows_every_meeting(client, town, query, message):
    response = client.get("/" + query)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert len(card_titles(response)) == 5


@pytest.mark.parametrize("name", ["q", "city", "group", "topic", "language", "mode", "from", "to"])
@pytest.mark.parametrize("value", ["\x00", "a\x00b", "x" * 5000, "../etc", "%00"])
def test_control_characters_and_long_values_never_break_a_filter(client, town, name, value):
    response = client.get("/", {name: value})

    assert response.status_code == 200


def test_a_backwards_date_range_says_so(client, town):
    today = timezone.localdate()
    response = client.get(f"/?from={today + dt.timedelta(days=9)}&to={today}")

    assert response.status_code == 200
    assert "The end date is before the start date" in response.content.decode()
    assert len(card_titles(response)) == 5


def test_unknown_values_are_escaped(client, town):
    body = client.get("/", {"city": "<script>alert(1)</script>"}).content.decode()

    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_filters_are_plain_links_and_a_get_form(client, town):
    body = client.get("/").content.decode()

    assert '<form method="get"' in body
    assert 'href="?city=%D0%9A%D0%B8%D1%97%D0%B2"' in body  # Київ
    assert 'href="?topic=housing"' in body
    for name in ("q", "city", "group", "topic", "language", "mode", "from", "to"):
        assert re.search(rf'<label for="browse-{name}"', body), name


def test_pages_of_a_filtered_list_keep_the_filters(client, group, venue):
    for i in range(25):
        make_event(group=group, venue=venue, title=f"Solidarity {i}", days_ahead=i + 1)

    body = client.get("/", {"q": "solid"}).content.decode()

    assert 'href="?q=solid&amp;page=2"' in body


def test_no_filter_shows_an_unlisted_meeting_or_its_city(client, group, town):
    secret = make_venue(group=group, name="Safe house", city="Hiddenville")
    make_event(group=group, venue=secret, title="Refugee solidarity", unlisted=True)
    online = {"venue": None, "online_url": "https://meet.example/y"}
    make_event(group=group, title="Refugee talk", unlisted=True, **online)

    for query in ("", "?q=refugee", "?city=Hiddenville", "?mode=online", "?group=uig"):
        body = without_problems(client.get("/" + query).content.decode())
        assert "Refugee" not in body and "Hiddenville" not in body, query


def without_problems(body: str) -> str:
    """The page without the message that repeats what the visitor typed."""
    return PROBLEMS.sub("", body)


def test_a_private_address_s_city_is_never_offered_nor_filtered_by(client, group):
    secret = make_venue(group=group, name="Shelter", city="Hiddenville")
    make_event(
        group=group, venue=secret, title="Private meeting", address_private=True,
        address_area="North of the river",
    )  # fmt: skip

    assert "Hiddenville" not in client.get("/").content.decode()
    body = client.get("/?city=Hiddenville").content.decode()
    assert "No such place: <bdi>Hiddenville</bdi>" in body
    assert "Private meeting" in body  # the unfiltered list, with the area only
    assert "Hiddenville" not in without_problems(body)


def page_keys() -> set[str]:
    return {key for key in cache._cache if ":page:" in key}  # the local-memory store


def test_searched_or_wrong_filters_never_fill_the_page_cache(client, town, page_cache):
    client.get("/")
    client.get("/?page=1")
    size = len(page_keys())

    for i in range(50):
        for query in (f"?q=solid{i}", f"?city=x{i}", f"?from=2026-01-{i}", f"?q=&page={i}"):
            assert client.get("/" + query).status_code == 200

    assert len(page_keys()) == size


def test_the_first_page_of_one_valid_filter_is_cached_under_its_value(
    client, town, page_cache, django_assert_max_num_queries
):
    first = client.get("/?city=London")
    assert len(page_keys()) == 1

    for same in ("?city=london", "?city=%20LONDON%20", "?city=London&page=1", "?city=London&x=1"):
        with django_assert_max_num_queries(0):
            again = client.get("/" + same)
        assert again.content == first.content

    assert len(page_keys()) == 1  # one key for the value, whatever the query string said


def test_a_filtered_page_is_fresh_while_the_plain_one_is_cached(
    client, group, venue, page_cache, settings
):
    # The page cache alone: the cards' fragments follow saves, and this is no save.
    settings.TURNOUT_FRAGMENT_CACHE_SECONDS = 0
    meeting = make_event(group=group, venue=venue, title="A solidarity meeting")
    client.get("/")
    # Written without a save (no new version: turnout.core.pagecache), as seats are.
    Event.objects.filter(pk=meeting.pk).update(title="Brand new solidarity meeting")

    assert "Brand new" not in client.get("/").content.decode()  # a few seconds old
    assert "Brand new" in client.get("/?q=solidarity").content.decode()
