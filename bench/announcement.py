"""Benchmark: one announcement to 10,000 subscribers into a local SMTP server.

    .venv/bin/python bench/announcement.py [--messages 10000] [--only bare,1,2,kill]

What it does, on a throwaway PostgreSQL (tests/postgres.py) migrated with
``turnout manage migrate``, with an aiosmtpd sink (tests/smtp.py) in this process:

- ``bare``: the reference. One separate process sends N prebuilt messages over one
  SMTP connection to the same sink: the most this sink and machine can take.
- ``1`` and ``2``: real ``turnout worker`` processes (production mode). A group with
  N confirmed subscribers (bulk_create) and an announcement; the clock starts when
  ``announcements.send`` is called (what the organiser's web request does), then the
  workers fan it out (N Message rows, N/50 delivery tasks) and deliver it. Reported:
  the send call's time, the fan-out task's time, and messages/s from the first to
  the last message the sink received.
- ``kill``: as ``2``, but one worker is SIGKILLed when the sink has 40.25% of the
  messages (the middle of a batch of 50, not between two) and a new one started;
  counts per recipient give losses and duplicates.
- ``3``, ``4``: more workers, to see where it levels off (not run by default).

The workers run with a 5 s lease and a 1 s heartbeat (production default 60 s / 5 s)
so the killed worker's batch is taken up quickly. Prints one JSON line per
scenario; ``--profile DIR`` runs each worker under cProfile.
"""

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.postgres import ThrowawayPostgres  # noqa: E402
from tests.smtp import SMTPServer  # noqa: E402

PROFILE_DIR = ""


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {mem_kb / 1024 / 1024:.0f} GiB RAM, "
        f"Python {platform.python_version()}"
    )


def migrate_and_set_up(env: dict[str, str]) -> None:
    """Migrate the throwaway database with ``turnout manage migrate``, then set Django up
    in this process against it (to make the benchmark's data through the services)."""
    t0 = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "turnout.cli", "manage", "migrate", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    print(f"migrated in {time.monotonic() - t0:.1f}s", file=sys.stderr)
    os.environ.update(env)
    import django

    django.setup()


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """Turnout in production mode on the throwaway database; ``extra`` adds or overrides."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TURNOUT_")}
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="turnout.settings",
        TURNOUT_DATABASE_URL=database_url,
        TURNOUT_SECRET_KEY="bench-secret-key-" + "x" * 40,
        TURNOUT_BASE_URL="http://127.0.0.1:8000",
        TURNOUT_ALLOW_HTTP="1",  # production mode, on a plain-http loopback server
    )
    env.update(extra)
    return env


def base_env(database_url: str, smtp_url: str) -> dict[str, str]:
    return production_env(
        database_url,
        TURNOUT_EMAIL_URL=smtp_url,
        TURNOUT_DAILY_EMAIL_QUOTA="10000000",
        TURNOUT_INSTANCE_DAILY_EMAIL_QUOTA="10000000",
        TURNOUT_REQUIRE_GROUP_APPROVAL="0",
        TURNOUT_WORKER_LEASE_SECONDS="5",
        TURNOUT_WORKER_HEARTBEAT_SECONDS="1",
    )


class Workers:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.processes: list[subprocess.Popen] = []

    def start(self, count: int = 1) -> None:
        for _ in range(count):
            command = [sys.executable, "-m", "turnout.cli", "worker"]
            if PROFILE_DIR:  # --profile: each worker under cProfile, stats written on exit
                out = Path(PROFILE_DIR) / f"worker-{len(self.processes) + 1}-{os.getpid()}.prof"
                command[1:1] = ["-m", "cProfile", "-o", str(out)]
            self.processes.append(
                subprocess.Popen(
                    command,
                    env=self.env,
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )

    def alive(self) -> list[subprocess.Popen]:
        return [p for p in self.processes if p.poll() is None]

    def kill(self, process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        for p in self.alive():
            p.terminate()
        for p in self.processes:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def wait_for(predicate, *, timeout: float, interval: float = 0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError("condition not met in time")


def wait_until_delivered(sink: SMTPServer, announcement, n: int, *, timeout: float) -> None:
    """Until the sink has n messages and none of the announcement's is left queued.

    Cheap checks, rarely: this process also runs the sink, and the database is shared.
    """
    from turnout.core.models import Message

    wait_for(lambda: sink.count() >= n, timeout=timeout, interval=0.1)
    queued = announcement.messages.filter(status=Message.Status.QUEUED)
    wait_for(lambda: not queued.exists(), timeout=timeout, interval=0.5)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def load_average() -> float:
    """The machine's 1-minute load: other work on the box skews every number here."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def make_announcement(n: int, tag: str):
    """A group with ``n`` confirmed subscribers and a draft announcement to them."""
    from turnout.groups import services as groups
    from turnout.groups.models import User
    from turnout.mailing.models import Subscriber
    from turnout.mailing.services import announcements

    owner = User.objects.create_user(
        email=f"organiser-{tag}@example.org", name="Bench Organiser", password="x" * 20
    )
    group = groups.create_group(
        owner=owner,
        name=f"Bench Group {tag}",
        slug=f"bench-{tag}",
        contact_email=f"group-{tag}@example.org",
        time_zone="Europe/London",
    )
    Subscriber.objects.bulk_create(
        (Subscriber(group=group, email=f"s{i}@{tag}.example.org") for i in range(n)),
        batch_size=2000,
    )
    announcement = announcements.create(
        group=group,
        subject="What internationalism means: Tuesday 7pm",
        body=(
            "## Unite the struggles\n\nJoin us on **Tuesday at 7pm** at the Community "
            "Centre, 62 Marchmont St. Bring a friend.\n\n- Talks\n- Questions\n- Tea\n"
        ),
        created_by=owner,
    )
    recipients = {f"s{i}@{tag}.example.org" for i in range(n)}
    return owner, announcement, recipients


def run_workers(
    env: dict[str, str], n: int, *, workers: int, tag: str, kill_at: float | None = None
) -> dict:
    from django_tasks_db.models import DBTaskResult

    from turnout.core.models import WorkerHeartbeat
    from turnout.mailing.services import announcements

    sink = SMTPServer().start()
    pool = Workers({**env, "TURNOUT_EMAIL_URL": sink.url})
    try:
        owner, announcement, recipients = make_announcement(n, tag)
        WorkerHeartbeat.objects.all().delete()
        pool.start(workers)
        wait_for(lambda: WorkerHeartbeat.objects.count() >= workers, timeout=30)

        pg_before = {pid: cpu_seconds(pid) for pid in postgres_pids()}
        own_before = sum(os.times()[:2])
        t0 = time.monotonic()
        announcements.send(announcement=announcement, by=owner)
        send_seconds = time.monotonic() - t0

        kills = 0
        at_kill = None
        if kill_at is not None:
            wait_for(lambda: sink.count() >= kill_at * n, timeout=300, interval=0.002)
            pool.kill(pool.alive()[0])
            at_kill = sink.count()
            kills = 1
            pool.start(1)
        wait_until_delivered(sink, announcement, n, timeout=600)
        elapsed = time.monotonic() - t0
        cpu = {
            "workers": sum(cpu_seconds(p.pid) for p in pool.processes),
            "postgres": sum(cpu_seconds(pid) - pg_before.get(pid, 0) for pid in postgres_pids()),
            "sink_and_bench": sum(os.times()[:2]) - own_before,
        }
        received = sink.received
        fan_out = DBTaskResult.objects.get(
            task_path="turnout.mailing.tasks.fan_out_announcement",
            args_kwargs__kwargs__announcement_id=announcement.pk,
        )
        first, last = received[0].at, received[-1].at
        per_recipient = sink.per_recipient()
        duplicates = sum(c - 1 for c in per_recipient.values() if c > 1)
        missing = len(recipients - set(per_recipient))
        return {
            "scenario": f"{workers} worker(s)" + (", one killed" if kill_at else ""),
            "messages": n,
            "send_call_ms": round(send_seconds * 1000, 1),
            "fan_out_s": round((fan_out.finished_at - fan_out.started_at).total_seconds(), 2),
            "send_to_first_delivery_s": round(first - t0, 2),
            "send_to_last_delivery_s": round(last - t0, 2),
            "messages_per_s": round((len(received) - 1) / (last - first), 1),
            "received": len(received),
            "missing": missing,
            "duplicates": duplicates,
            "kills": kills,
            "killed_at": at_kill,
            "cpu_s": {k: round(v, 1) for k, v in cpu.items()},
            "loadavg_1min_at_end": load_average(),
            "cpu_busy_of_2_cores": round(sum(cpu.values()) / (elapsed * (os.cpu_count() or 1)), 2),
        }
    finally:
        pool.stop()
        sink.stop()


def bare_client(port: int, n: int) -> None:
    """In its own process: N prebuilt messages over one connection, as fast as it goes."""
    import smtplib

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "turnout.settings")
    import django

    django.setup()
    from django.core.mail import EmailMultiAlternatives

    body = "Join us on Tuesday at 7pm at the Community Centre.\n" * 10
    prebuilt = []
    for i in range(n):
        email = EmailMultiAlternatives(
            subject="What internationalism means: Tuesday 7pm",
            body=body,
            from_email="Bench Group <noreply@127.0.0.1>",
            to=[f"b{i}@bare.example.org"],
            reply_to=["group@example.org"],
            headers={"List-Unsubscribe": "<http://127.0.0.1:8000/u/x/>"},
        )
        email.attach_alternative(f"<p>{body}</p>", "text/html")
        prebuilt.append((email.to[0], email.message().as_bytes(linesep="\r\n")))
    smtp = smtplib.SMTP("127.0.0.1", port)
    t0 = time.monotonic()
    for to, data in prebuilt:
        smtp.sendmail("noreply@127.0.0.1", [to], data)
    seconds = time.monotonic() - t0
    smtp.quit()
    print(json.dumps({"seconds": seconds}))


def run_bare(env: dict[str, str], n: int) -> dict:
    sink = SMTPServer().start()
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--bare-client", str(sink.port), "--messages", str(n)],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        seconds = json.loads(out.strip().splitlines()[-1])["seconds"]
        assert sink.count() == n, sink.count()
        received = sink.received
        return {
            "scenario": "bare SMTP (prebuilt, one connection, one process)",
            "loadavg_1min_at_end": load_average(),
            "messages": n,
            "messages_per_s": round(n / seconds, 1),
            "sink_first_to_last_per_s": round((n - 1) / (received[-1].at - received[0].at), 1),
        }
    finally:
        sink.stop()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--only", default="bare,1,2,kill", help="also: 3, 4 (workers)")
    parser.add_argument("--profile", metavar="DIR", help="write each worker's cProfile stats")
    parser.add_argument("--bare-client", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profile:
        global PROFILE_DIR
        PROFILE_DIR = args.profile
        Path(PROFILE_DIR).mkdir(parents=True, exist_ok=True)
    if args.bare_client:
        bare_client(args.bare_client, args.messages)
        return 0

    wanted = args.only.split(",")
    pg = ThrowawayPostgres().start()
    try:
        env = base_env(pg.url, "smtp://127.0.0.1:1?tls=off")
        migrate_and_set_up(env)

        results = []
        if "bare" in wanted:
            results.append(run_bare(env, args.messages))
        for name, workers, kill_at in (
            ("1", 1, None),
            ("2", 2, None),
            ("3", 3, None),
            ("4", 4, None),
            ("kill", 2, 0.4025),  # mid-batch: 4,025 of 10,000 with batches of 50
        ):
            if name in wanted:
                result = run_workers(
                    env, args.messages, workers=workers, tag=f"r{name}", kill_at=kill_at
                )
                results.append(result)
                print(json.dumps(result), file=sys.stderr)
    finally:
        from django.db import connections

        connections.close_all()
        pg.stop()

    print(f"machine: {machine()}; 1-minute load at the end: {load_average()}")
    for r in results:
        print(json.dumps(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
