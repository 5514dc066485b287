"""Delivering what a group sends (turnout.federation.delivery): real POSTs to real
servers on loopback, each signature checked there by ``httpsig`` (an implementation
independent of Turnout's), back-off driven by passing ``now=`` (no sleeps), dead hosts,
permanent refusals, and one host that never answers beside one that does.

Transactional: the worker's threads open their own connections, which see only
committed rows.
"""

import datetime as dt
import logging

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from tests.federation.inboxes import InboxServer
from turnout.federation import delivery, ids, keys, outgoing
from turnout.federation.models import Delivery, RemoteHost, SentActivity

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def servers(group):
    """``servers(address, answer=202)`` starts an InboxServer that knows the group's key."""
    started = []
    known = {ids.key_id(group): keys.public_key_pem(group=group)}
    known[ids.instance_actor() + "#main-key"] = keys.public_key_pem(group=None)

    def start(address: str, answer=202, **options) -> InboxServer:
        server = InboxServer(address, known, answer, **options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def _send(group, inboxes, n=1):
    activity = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"https://turnout.example/federation/events/x/#create-{n}",
        "type": "Create",
        "actor": ids.group_id(group) if group else ids.instance_actor(),
    }
    return outgoing.send(group=group, activity=activity, inboxes=inboxes)


def test_each_delivery_is_posted_signed_and_marked_sent(group, servers):
    one, two = servers("127.0.0.2"), servers("127.0.0.3")
    _send(group, [one.inbox(), two.inbox("users/a/inbox")])

    delivery.deliver_due()

    for server in (one, two):
        [receipt] = server.receipts
        assert receipt.verified and receipt.digest_ok
        assert receipt.key_id == ids.key_id(group)
        assert receipt.content_type == "application/activity+json"
        assert receipt.activity_id.endswith("#create-1")
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert all(d.sent_at and d.attempts == 1 for d in Delivery.objects.all())


def test_what_the_instance_sends_is_signed_with_the_instance_key(group, servers):
    one = servers("127.0.0.2")
    _send(None, [one.inbox()])

    delivery.deliver_due()

    [receipt] = one.receipts
    assert receipt.verified and receipt.key_id == ids.instance_actor() + "#main-key"


def test_a_failing_inbox_is_retried_on_the_schedule_then_given_up_after_two_days(group, servers):
    down = servers("127.0.0.2", answer=503)
    _send(group, [down.inbox()])
    start = timezone.now()
    row = Delivery.objects.get()
    Delivery.objects.filter(pk=row.pk).update(created_at=start)

    moments = []
    now = start
    for _ in range(30):
        delivery.deliver_due(now=now)
        row.refresh_from_db()
        if row.status != "queued":
            break
        moments.append(row.next_attempt_at - start)
        now = row.next_attempt_at
    assert row.status == "failed"
    assert "503" in row.last_error
    # The schedule written in delivery.BACKOFF, then no later than two days after it was sent.
    gaps = [b - a for a, b in zip([dt.timedelta(0), *moments], moments, strict=False)]
    assert gaps[: len(delivery.BACKOFF)] == delivery.BACKOFF[: len(gaps)]
    assert moments[-1] <= delivery.GIVE_UP
    assert row.attempts == len(down.arrivals) == len(moments) + 1
    assert dt.timedelta(hours=47) <= now - start <= delivery.GIVE_UP


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 422])
def test_a_refusal_fails_the_delivery_at_once_and_the_host_is_not_failing(group, servers, status):
    refusing = servers("127.0.0.2", answer=status)
    _send(group, [refusing.inbox()])

    delivery.deliver_due()

    row = Delivery.objects.get()
    assert (row.status, row.attempts) == ("failed", 1)
    assert str(status) in row.last_error
    assert not RemoteHost.objects.filter(host="127.0.0.2", failing_since__isnull=False).exists()


@pytest.mark.parametrize("status", [408, 429, 500, 502])
def test_busy_or_broken_answers_are_tried_again(group, servers, status):
    busy = servers("127.0.0.2", answer=status)
    _send(group, [busy.inbox()])

    delivery.deliver_due()

    row = Delivery.objects.get()
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.next_attempt_at > timezone.now()
    assert RemoteHost.objects.get(host="127.0.0.2").failing_since is not None


def test_a_host_failing_two_days_is_dead_skipped_then_tried_daily_and_revived(group, servers):
    server = servers("127.0.0.2", answer=503)
    _send(group, [server.inbox()], n=1)
    start = timezone.now()
    # Failing for two days: dead after this attempt.
    RemoteHost.objects.create(host="127.0.0.2", failing_since=start - delivery.DEAD_AFTER)
    delivery.deliver_due(now=start)
    host = RemoteHost.objects.get(host="127.0.0.2")
    assert host.next_try_at == start + delivery.DEAD_RETRY

    # A new activity for the dead host: not attempted until its daily try.
    _send(group, [server.inbox()], n=2)
    before = len(server.arrivals)
    delivery.deliver_due(now=start + dt.timedelta(hours=3))
    assert len(server.arrivals) == before
    assert Delivery.objects.filter(attempts=0).count() == 1

    # The daily try: one request, which fails; the host stays dead for another day.
    delivery.deliver_due(now=start + delivery.DEAD_RETRY)
    assert len(server.arrivals) == before + 1
    host.refresh_from_db()
    assert host.next_try_at == start + 2 * delivery.DEAD_RETRY

    # It answers again: one success revives it and everything queued for it goes; the
    # first delivery, two days old by then, failed unattempted.
    server.answer = 202
    _send(group, [server.inbox()], n=3)
    delivery.deliver_due(now=start + 2 * delivery.DEAD_RETRY)
    host.refresh_from_db()
    assert host.failing_since is None and host.next_try_at is None
    statuses = {d.activity.activity_id[-1]: d.status for d in Delivery.objects.all()}
    assert statuses == {"1": "failed", "2": "sent", "3": "sent"}
    assert len(server.arrivals) == before + 3


def test_a_silent_host_does_not_delay_one_that_answers(group, servers):
    silent = servers("127.0.0.2", answer="silent")
    answering = servers("127.0.0.3")
    for n in range(3):
        _send(group, [silent.inbox(), answering.inbox()], n=n)
    for n in range(3, delivery.PER_HOST + 5):  # more than one round's worth
        _send(group, [answering.inbox()], n=n)

    with override_settings(TURNOUT_FEDERATION_TIMEOUT_SECONDS=2):
        delivery.deliver_due()

    # Every delivery to the answering host arrived while the silent host was still being
    # waited for (its first request arrived, and its 2 s had not run out).
    [first_wait] = silent.arrivals  # and only one: the timeout ended the host's round
    assert len(answering.receipts) == delivery.PER_HOST + 5
    assert all(r.at < first_wait + 2 for r in answering.receipts)
    silent_rows = Delivery.objects.filter(host="127.0.0.2")
    assert sorted(silent_rows.values_list("attempts", flat=True)) == [0, 0, 1]
    assert {d.status for d in silent_rows} == {"queued"}
    assert not silent_rows.filter(claimed_until__gt=timezone.now()).exists()
    assert "2 seconds" in silent_rows.get(attempts=1).last_error


def test_an_unreachable_host_is_a_failure_and_the_worker_goes_on(group, servers):
    answering = servers("127.0.0.3")
    _send(group, ["http://127.0.0.2:9/inbox", answering.inbox()])  # nothing listens on 9

    delivery.deliver_due()

    assert Delivery.objects.get(host="127.0.0.2").status == "queued"
    assert Delivery.objects.get(host="127.0.0.2").last_error
    assert Delivery.objects.get(host="127.0.0.3").status == "sent"


def test_a_claimed_delivery_is_left_to_its_worker_until_the_claim_runs_out(group, servers):
    server = servers("127.0.0.2")
    _send(group, [server.inbox()])
    later = timezone.now() + dt.timedelta(minutes=5)
    Delivery.objects.update(claimed_until=later)

    delivery.deliver_due()
    assert server.receipts == []

    delivery.deliver_due(now=later + dt.timedelta(seconds=1))
    assert len(server.receipts) == 1


def test_sending_wakes_the_delivery_task_once_per_send_on_commit(group):
    from django_tasks_db.models import DBTaskResult

    before = DBTaskResult.objects.filter(queue_name="federation").count()
    with transaction.atomic():
        _send(group, ["https://a.example/inbox", "https://b.example/inbox"])
        assert DBTaskResult.objects.filter(queue_name="federation").count() == before
    assert DBTaskResult.objects.filter(queue_name="federation").count() == before + 1


def test_old_sent_deliveries_and_their_activities_are_purged(group, servers):
    server = servers("127.0.0.2")
    _send(group, [server.inbox()], n=1)
    delivery.deliver_due()
    _send(group, ["http://127.0.0.2:9/inbox"], n=2)  # still queued: kept

    delivery.purge(now=timezone.now() + delivery.KEEP_SENT + dt.timedelta(minutes=1))

    assert list(Delivery.objects.values_list("status", flat=True)) == ["queued"]
    assert SentActivity.objects.count() == 1


def test_the_schedule_spans_about_two_days():
    total = sum(delivery.BACKOFF, dt.timedelta(0))
    assert dt.timedelta(hours=20) < total < delivery.GIVE_UP


def test_an_inbox_on_a_private_address_is_refused_for_good_and_never_reached(group, servers):
    server = servers("127.0.0.2")
    _send(group, [server.inbox(), "ftp://127.0.0.2/inbox"])

    with override_settings(TURNOUT_FEDERATION_ALLOW_PRIVATE_ADDRESSES=False):
        delivery.deliver_due()

    assert server.arrivals == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {"failed"}
    assert not RemoteHost.objects.filter(failing_since__isnull=False).exists()


def test_an_accepted_delivery_with_a_huge_answer_is_sent_not_retried(group, servers):
    server = servers("127.0.0.2", answer_body=b"x" * (2 * delivery.ANSWER_BYTES))
    _send(group, [server.inbox()])

    delivery.deliver_due()

    assert len(server.arrivals) == 1
    assert Delivery.objects.get().status == "sent"


@pytest.mark.parametrize("answer", [b"", b"garbage\r\n\r\n", b"HTTP/1.1 999 Odd\r\n\r\n"])
def test_a_broken_answer_is_a_failure_logged_never_a_crash(group, answer, caplog):
    import socketserver
    import threading

    class Broken(socketserver.BaseRequestHandler):
        def handle(self):
            self.request.recv(65536)
            self.request.sendall(answer)

    caplog.set_level(logging.INFO, logger="turnout.federation")
    server = socketserver.ThreadingTCPServer(("127.0.0.2", 0), Broken)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _send(group, [f"http://127.0.0.2:{server.server_address[1]}/inbox"])
        delivery.deliver_due()
    finally:
        server.shutdown()
        server.server_close()

    row = Delivery.objects.get()
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.last_error
    assert "failed" in caplog.text
