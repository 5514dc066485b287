"""Federation's fixtures: the Mastodon-shaped peer (tests/federation/peer/) on 127.0.0.2
and Turnout on 127.0.0.3, for the tests where the two talk (nothing starts unless a test
asks for it)."""

import pytest
from pytest_django.live_server_helper import LiveServer

from tests.federation.peer.harness import PeerProcess
from tests.processes import Workers

PEER_HOST = "127.0.0.2"
TURNOUT_HOST = "127.0.0.3"


@pytest.fixture(scope="module")
def peer(tmp_path_factory):
    """The Mastodon-shaped peer on 127.0.0.2, one process for the test module."""
    process = PeerProcess(host=PEER_HOST, state=tmp_path_factory.mktemp("peer")).start()
    yield process
    process.stop()
    print(process.logs())


@pytest.fixture
def turnout_site(transactional_db, settings, tmp_path):
    """Turnout's site on 127.0.0.3 (a live server on the test database); its address is
    the site's TURNOUT_BASE_URL for the test. Yields that address."""
    server = LiveServer(f"{TURNOUT_HOST}:0")
    settings.BASE_URL = server.url
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, TURNOUT_HOST]
    settings.MEDIA_ROOT = tmp_path / "media"
    yield server.url
    server.stop()


@pytest.fixture
def turnout(turnout_site):
    """Turnout on 127.0.0.3 with its background work: the site and a real ``turnout
    worker --queue federation`` on the test database, both knowing the site by its
    127.0.0.3 address. Yields that address."""
    worker = Workers(queues=("federation",), TURNOUT_BASE_URL=turnout_site)
    worker.start(1)
    yield turnout_site
    worker.stop_all()
    print(worker.logs())
    worker.remove_logs()
