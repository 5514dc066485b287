"""Rate limits count in shared database rows that hold no personal data."""

import datetime as dt
import re

import pytest

from tests.concurrency import race
from turnout.core import ratelimit
from turnout.core.models import RateCounter

DAY = 24 * 60 * 60  # a long window, so a test never straddles two


@pytest.mark.django_db
def test_hit_counts_up_within_one_window():
    counts = [
        ratelimit.hit(action="login-email", subject="olena@example.org", window_seconds=DAY)
        for _ in range(3)
    ]

    assert counts == [1, 2, 3]
    assert RateCounter.objects.count() == 1


@pytest.mark.django_db
def test_hit_counts_each_subject_on_its_own():
    ratelimit.hit(action="login-email", subject="olena@example.org", window_seconds=DAY)
    ratelimit.hit(action="login-email", subject="olena@example.org", window_seconds=DAY)

    other = ratelimit.hit(action="login-email", subject="taras@example.org", window_seconds=DAY)

    assert other == 1
    olena = ratelimit.peek(action="login-email", subject="olena@example.org", window_seconds=DAY)
    assert olena == 2


@pytest.mark.django_db
def test_hit_counts_each_action_on_its_own():
    ratelimit.hit(action="login-email", subject="203.0.113.9", window_seconds=DAY)

    other = ratelimit.hit(action="login-address", subject="203.0.113.9", window_seconds=DAY)

    assert other == 1


@pytest.mark.django_db
def test_peek_does_not_count():
    assert ratelimit.peek(action="rsvp", subject="203.0.113.9", window_seconds=DAY) == 0
    ratelimit.hit(action="rsvp", subject="203.0.113.9", window_seconds=DAY)

    seen = [ratelimit.peek(action="rsvp", subject="203.0.113.9", window_seconds=DAY)] * 2
    ratelimit.peek(action="rsvp", subject="203.0.113.9", window_seconds=DAY)

    assert seen == [1, 1]
    assert ratelimit.hit(action="rsvp", subject="203.0.113.9", window_seconds=DAY) == 2


@pytest.mark.django_db
def test_peek_before_any_hit_creates_no_row():
    ratelimit.peek(action="rsvp", subject="203.0.113.9", window_seconds=DAY)

    assert RateCounter.objects.count() == 0


@pytest.mark.django_db
def test_counter_rows_hold_no_email_or_address():
    ratelimit.hit(action="login-email", subject="olena@example.org", window_seconds=DAY)
    ratelimit.hit(action="login-address", subject="203.0.113.9", window_seconds=DAY)

    keys = sorted(RateCounter.objects.values_list("key", flat=True))

    assert [key.split(":")[0] for key in keys] == ["login-address", "login-email"]
    for key in keys:
        assert re.fullmatch(r"login-(email|address):[0-9a-f]{64}", key)
        assert "olena" not in key
        assert "example.org" not in key
        assert "203.0.113" not in key


@pytest.mark.django_db
def test_counter_rows_start_on_a_window_boundary():
    ratelimit.hit(action="rsvp", subject="203.0.113.9", window_seconds=DAY)

    start = RateCounter.objects.get().window_start

    assert int(start.timestamp()) % DAY == 0
    assert (start.hour, start.minute, start.second) == (0, 0, 0)


def test_client_address_is_the_connecting_address(rf, settings):
    settings.TURNOUT_BEHIND_PROXY = False
    request = rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert ratelimit.client_address(request) == "198.51.100.7"


def test_client_address_behind_a_proxy_is_the_address_the_proxy_appended(rf, settings):
    settings.TURNOUT_BEHIND_PROXY = True
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.66, 203.0.113.9")

    assert ratelimit.client_address(request) == "203.0.113.9"


def test_client_address_behind_a_proxy_without_the_header_is_the_connecting_one(rf, settings):
    settings.TURNOUT_BEHIND_PROXY = True
    request = rf.get("/", REMOTE_ADDR="10.0.0.2")

    assert ratelimit.client_address(request) == "10.0.0.2"


@pytest.mark.parametrize(
    ("remote", "counted_as"),
    [
        ("2001:db8:5:7::1", "2001:db8:5:7::/64"),
        ("2001:db8:5:7:ffff:1:2:3", "2001:db8:5:7::/64"),
        ("2001:DB8:5:7::1", "2001:db8:5:7::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),  # IPv4 written as IPv6: the IPv4 address
        ("198.51.100.7", "198.51.100.7"),
        ("", ""),
        ("not an address", "not an address"),
    ],
)
def test_client_address_counts_an_ipv6_client_by_its_64(rf, settings, remote, counted_as):
    """One household or server gets a whole /64: its addresses count as one client."""
    settings.TURNOUT_BEHIND_PROXY = False

    assert ratelimit.client_address(rf.get("/", REMOTE_ADDR=remote)) == counted_as


def test_client_address_behind_a_proxy_counts_an_ipv6_client_by_its_64(rf, settings):
    settings.TURNOUT_BEHIND_PROXY = True
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="2001:db8::9:8:7:6")

    assert ratelimit.client_address(request) == "2001:db8::/64"


def test_exempt_matches_the_whole_ipv6_address_not_its_64(rf, settings):
    settings.TURNOUT_BEHIND_PROXY = False
    settings.TURNOUT_RATE_LIMIT_EXEMPT = ["::1"]

    assert ratelimit.exempt(rf.get("/", REMOTE_ADDR="::1")) is True
    assert ratelimit.exempt(rf.get("/", REMOTE_ADDR="::2")) is False


def test_exempt_matches_only_listed_addresses(rf, settings):
    settings.TURNOUT_BEHIND_PROXY = False
    settings.TURNOUT_RATE_LIMIT_EXEMPT = ["127.0.0.1"]

    assert ratelimit.exempt(rf.get("/", REMOTE_ADDR="127.0.0.1")) is True
    assert ratelimit.exempt(rf.get("/", REMOTE_ADDR="127.0.0.2")) is False


@pytest.mark.django_db(transaction=True)
def test_hits_at_the_same_moment_from_many_connections_each_count_once():
    def hit(_i: int) -> int:
        return ratelimit.hit(action="login", subject="1.2.3.4", window_seconds=DAY)

    counts = race(20, hit)

    assert sorted(counts) == list(range(1, 21))  # nobody saw the same count as another
    assert RateCounter.objects.get().count == 20


@pytest.mark.django_db
def test_hit_at_a_given_moment_counts_in_that_moments_window():
    moment = dt.datetime(2026, 6, 11, 23, 59, 59, tzinfo=dt.UTC)
    for _ in range(2):
        count = ratelimit.hit(action="seen", subject="x", window_seconds=1, at=moment)

    assert count == 2
    assert list(RateCounter.objects.values_list("window_start", flat=True)) == [moment]
