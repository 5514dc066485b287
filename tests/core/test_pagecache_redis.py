"""The page cache shared by several servers through Redis (TURNOUT_CACHE_URL): a change
made in one process is seen at once by another serving from the cache, and a Redis that
goes down leaves the site up, building pages uncached."""

import http.client
import logging
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from tests.postgres import _free_port
from tests.processes import ROOT, wait_for, worker_env
from tests.redisserver import ThrowawayRedis
from turnout.core import pagecache
from turnout.events.models import Event

REDIS = "django.core.cache.backends.redis.RedisCache"


def page(event) -> str:
    return f"/{event.group.slug}/events/{event.slug}/"


class Server:
    """gunicorn serving the test database with the shared cache, one worker."""

    def __init__(self, redis_url: str, var_dir: Path) -> None:
        self.port = _free_port()
        self.env = worker_env(
            TURNOUT_CACHE_URL=redis_url,
            # Its own stamp file: no other test session's drop_all reaches it.
            TURNOUT_VAR_DIR=str(var_dir),
            TURNOUT_TEST_PAGE_CACHE_SECONDS="60",
            TURNOUT_BASE_URL=f"http://127.0.0.1:{self.port}",
            TURNOUT_ALLOW_HTTP="1",
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "turnout.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", "--workers", "1"],
            env={**self.env, "DJANGO_SETTINGS_MODULE": "turnout.test_settings"},
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self._up)

    def _up(self) -> bool:
        try:
            self.get("/")
        except OSError:
            return False
        return True

    def get(self, path: str, cookies: str = "") -> str:
        return self.send("GET", path, {"Cookie": cookies} if cookies else {})

    def post(self, path: str, cookies: str, data: dict) -> str:
        headers = {"Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"}
        return self.send("POST", path, headers, urllib.parse.urlencode(data))

    def send(self, method: str, path: str, headers: dict, body: str | None = None) -> str:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body, headers)
            return connection.getresponse().read().decode()
        finally:
            connection.close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def edit_form(event, **changes) -> dict:
    """The organiser's form for ``event``, as the browser posts it."""
    return {
        "title": event.title, "tagline": event.tagline, "slug": event.slug,
        "description": event.description, "start_date": event.start_date.isoformat(),
        "start_time": "19:00", "end_date": "", "end_time": "21:00",
        "time_zone": event.time_zone, "language": event.language,
        "venue": str(event.venue_id), "online_url": "", "capacity": "",
        "max_guests": "0", "confirmation_required": "on", "registration_opens_at": "",
        "registration_closes_at": "", "public_counts": "capacity", **changes,
    }  # fmt: skip


def test_an_organisers_change_through_another_server_is_seen_at_once(
    transactional_db, redis_server, organiser_client, event, tmp_path
):
    """Two gunicorn servers share the Redis cache and the database: A keeps the pages,
    the organiser edits the meeting through B (a real POST of the form), A shows it."""
    a, b = Server(redis_server.url, tmp_path), Server(redis_server.url, tmp_path)
    try:
        assert event.title in a.get(page(event))
        # Behind the cache's back (no save, no hook): A still serves its cached copy.
        Event.objects.filter(pk=event.pk).update(title="Changed behind its back")
        assert "Changed behind its back" not in a.get(page(event))

        session = f"sessionid={organiser_client.cookies['sessionid'].value}"
        edit = f"/organise/groups/{event.group.slug}/events/{event.slug}/"
        form = b.get(edit, session)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        cookies = f"{session}; csrftoken={token}"
        b.post(
            edit, cookies, {"csrfmiddlewaretoken": token, **edit_form(event, title="Renamed in B")}
        )
        assert Event.objects.get(pk=event.pk).title == "Renamed in B"

        assert "Renamed in B" in a.get(page(event))  # at once: no expiry waited for
        assert "Renamed in B" in a.get(f"/{event.group.slug}/")
        assert "Renamed in B" in a.get("/")
    finally:
        a.stop()
        b.stop()


def test_a_redis_that_goes_down_leaves_the_site_up(settings, event, caplog, monkeypatch):
    monkeypatch.setattr(pagecache, "_failed_until", 0.0)  # this process's, put back after
    redis = ThrowawayRedis().start()
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": REDIS, "LOCATION": redis.url}}
    settings.TURNOUT_PAGE_CACHE_SECONDS = 60
    settings.TURNOUT_NODEINFO_CACHE_SECONDS = 60
    try:
        assert Client().get(page(event)).status_code == 200  # cached
        redis.stop()

        with caplog.at_level(logging.WARNING, logger="turnout.core.pagecache"):
            response = Client().get(page(event))
            home = Client().get("/")
            nodeinfo = Client().get("/nodeinfo/2.1")

        assert response.status_code == 200
        assert event.title in response.content.decode()
        assert home.status_code == 200
        assert nodeinfo.status_code == 200
        assert "cache" in caplog.text.lower()
    finally:
        redis.remove()
        cache.close()


@pytest.mark.parametrize("value", ["redis://127.0.0.1:6399/0", ""])
def test_the_cache_comes_from_turnout_cache_url(value):
    env = worker_env(TURNOUT_CACHE_URL=value)
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    expected = "RedisCache" if value else "LocMemCache"
    assert result.stdout.strip().endswith(expected)
