"""Nothing lost across a worker kill (the proof email passes, tests/rsvp/
test_message_workers.py): real ``turnout worker`` processes on the file database deliver
300 activities to three hosts on loopback; one is killed with SIGKILL while deliveries
are in flight, another starts, and every delivery arrives at least once. The kill may
repeat a request that was in flight (its answer never recorded): at most one per host
being delivered to, which the test reports and bounds.
"""

from collections import Counter

import pytest

from tests.federation.inboxes import InboxServer
from tests.processes import wait_for
from turnout.federation import ids, keys, outgoing
from turnout.federation.models import Delivery

HOSTS = ("127.0.0.2", "127.0.0.3", "127.0.0.4")
ACTIVITIES = 100
WORKER_ENV = {
    "TURNOUT_WORKER_LEASE_SECONDS": "2",
    "TURNOUT_WORKER_HEARTBEAT_SECONDS": "0.25",
    "TURNOUT_TEST_DELIVERY_SECONDS": "2",  # the claim's lease and the job's period
    "TURNOUT_FEDERATION_TIMEOUT_SECONDS": "2",
}


@pytest.fixture
def inboxes(group):
    known = {ids.key_id(group): keys.public_key_pem(group=group)}
    servers = [InboxServer(host, known, delay=0.01).start() for host in HOSTS]
    yield servers
    for server in servers:
        server.stop()


def test_a_worker_killed_mid_delivery_loses_nothing(workers, group, inboxes, capsys):
    for n in range(ACTIVITIES):
        activity = {"id": f"{ids.group_id(group)}#test-{n}", "type": "Create"}
        outgoing.send(group=group, activity=activity, inboxes=[s.inbox() for s in inboxes])
    assert Delivery.objects.count() == ACTIVITIES * len(HOSTS)

    pool = workers(1, **WORKER_ENV)
    wait_for(lambda: sum(len(s.receipts) for s in inboxes) >= 60, timeout=30, interval=0.01)
    [victim] = pool.processes
    pool.kill(victim)
    before_kill = sum(len(set(s.ids())) for s in inboxes)
    assert before_kill < ACTIVITIES * len(HOSTS)  # killed mid-way
    pool.start()

    # Up to 90 s: on a busy machine a request may pass the 2 s timeout, and its retry
    # comes a minute later (the back-off's first step).
    wait_for(
        lambda: all(len(set(s.ids())) == ACTIVITIES for s in inboxes), timeout=90, interval=0.1
    )
    wait_for(lambda: not Delivery.objects.exclude(status="sent").exists(), timeout=10)
    duplicates = sum(count - 1 for s in inboxes for count in Counter(s.ids()).values() if count > 1)
    with capsys.disabled():
        print(f"\n{before_kill} delivered before the kill; {duplicates} duplicate(s) after it")
    assert duplicates <= len(HOSTS)
    assert all(r.verified for s in inboxes for r in s.receipts)
