"""The ``turnout`` command: demo, serve, worker and manage (Django's own commands)."""

import argparse
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

DEMO_LOGIN = ("organiser@example.org", "turnout-demo")
# The demo's workers: email (and other quick tasks) apart from the queues that wait on
# other servers (calendar imports, federation deliveries).
DEMO_WORKERS = (
    ("--queue", "default", "--queue", "email"),
    ("--queue", "imports", "--queue", "federation"),
)


def _django(mode: str | None = None) -> None:
    if mode:
        os.environ["TURNOUT_MODE"] = mode
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "turnout.settings")
    import django

    django.setup()


def manage(args: list[str]) -> int:
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["turnout manage", *args])
    return 0


def serve(bind: str, workers: int) -> int:
    _django()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    command = [
        sys.executable, "-m", "gunicorn", "turnout.wsgi:application",
        "--bind", bind, "--workers", str(workers), "--worker-class", "sync",
        "--access-logfile", "-", "--access-logformat", '%(h)s "%(m)s %(U)s" %(s)s %(L)ss',
        "--logger-class", "turnout.core.logredact.GunicornLogger",
    ]  # fmt: skip
    # The access log leaves out query strings and redacts token paths (core/logredact.py).
    return _run_passing_on_signals(command)


def _run_passing_on_signals(command: list[str]) -> int:
    """Run ``command`` until it exits. A SIGTERM or SIGINT sent to this process alone (by
    a service manager, or ``kill``) is passed on, so gunicorn stops its workers and
    nothing is left running; Python's default would end this process at once."""
    child = subprocess.Popen(command)

    def pass_on(signum, _frame) -> None:
        child.send_signal(signum)

    previous = {sig: signal.signal(sig, pass_on) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def worker(queue_names: list[str]) -> int:
    """Run a worker on ``queue_names`` (every queue when empty); 2 for a queue not in
    settings, which no task could ever be put on."""
    _django()
    from turnout.core.worker import queues, run

    unknown = sorted(set(queue_names) - set(queues()))
    if unknown:
        print(
            f"turnout worker: no queue {', '.join(unknown)} (queues: {', '.join(queues())})",
            file=sys.stderr,
        )
        return 2
    run(queue_names=list(dict.fromkeys(queue_names)))
    return 0


def flyer(target: str, output: str, size: str) -> int:
    """Write an event's flyer (any status: whoever runs this runs the server) to a file.
    Always rendered afresh, not from the cache."""
    _django()
    from turnout.events.models import Event
    from turnout.flyers import render

    group, _, event = target.partition("/")
    found = (
        Event.objects.select_related("group", "venue").filter(group__slug=group, slug=event).first()
    )
    if found is None:
        print(f"turnout flyer: no event {target!r} (expected GROUP/EVENT slugs)", file=sys.stderr)
        return 2
    shown = render.facts(found)
    content = render.render_pdf(shown, size, key=render.cache_key(shown, size))
    if output == "-":
        sys.stdout.buffer.write(content)
        return 0
    try:
        Path(output).write_bytes(content)
    except OSError as exc:
        print(f"turnout flyer: cannot write {output}: {exc.strerror}", file=sys.stderr)
        return 2
    return 0


def demo(port: int) -> int:
    var = Path(os.environ.get("TURNOUT_VAR_DIR", "var"))
    var.mkdir(parents=True, exist_ok=True)
    key_file = var / "demo-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    os.environ.setdefault("TURNOUT_SECRET_KEY", key_file.read_text().strip())
    os.environ.setdefault("TURNOUT_DATABASE_URL", f"sqlite:///{(var / 'demo.sqlite3').resolve()}")
    os.environ["TURNOUT_BASE_URL"] = f"http://127.0.0.1:{port}"
    os.environ["TURNOUT_EMAIL_URL"] = "console://"
    _django(mode="demo")
    from django.core.management import call_command

    from turnout.demo import load_demo

    call_command("migrate", interactive=False, verbosity=0)
    email, password = DEMO_LOGIN
    load_demo(organiser_email=email, organiser_password=password)
    print(
        f"\nTurnout demo: http://127.0.0.1:{port}/\n"
        f"Organiser log in: http://127.0.0.1:{port}/organise/login/\n"
        f"  email: {email}\n  password: {password}\n"
        "Emails the site sends are printed below. Press Ctrl+C to stop.\n",
        flush=True,
    )
    # Beside the server, as a deployment runs them (docs/admin-guide.md): a worker that
    # delivers the emails (printed to this terminal), and one for what waits on other
    # servers (calendar imports, fediverse deliveries).
    background = [
        subprocess.Popen([sys.executable, "-m", "turnout.cli", "worker", *args])
        for args in DEMO_WORKERS
    ]
    try:
        return serve(f"127.0.0.1:{port}", workers=2)
    finally:
        for process in background:
            process.terminate()
        for process in background:
            process.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    from django.core.exceptions import ImproperlyConfigured

    try:
        return _run(sys.argv[1:] if argv is None else argv)
    except ImproperlyConfigured as exc:
        print(f"turnout: {exc}", file=sys.stderr)
        return 2


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="turnout", description="Organise public meetings and publish the case for them."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo_parser = commands.add_parser("demo", help="run a demo on SQLite with sample data")
    demo_parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve_parser = commands.add_parser("serve", help="serve the site with gunicorn")
    serve_parser.add_argument("--bind", default="127.0.0.1:8000", help="HOST:PORT to listen on")
    serve_parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="worker processes (default: cores)"
    )
    worker_parser = commands.add_parser(
        "worker", help="run a background worker (email, imports, federation, jobs)"
    )
    worker_parser.add_argument(
        "--queue",
        action="append",
        default=[],
        metavar="NAME",
        dest="queues",
        help="take tasks from this queue only (repeatable; default: every queue): "
        "default, email, imports, federation",
    )
    flyer_parser = commands.add_parser("flyer", help="write an event's flyer as a PDF file")
    flyer_parser.add_argument("event", metavar="GROUP/EVENT", help="the group's and event's slugs")
    flyer_parser.add_argument(
        "-o", "--output", required=True, help="the PDF file to write ('-' for standard output)"
    )
    flyer_parser.add_argument(
        "--size", default="A4", choices=("A4", "A5"), help="paper size (default A4)"
    )
    commands.add_parser(
        "manage", help="run a Django management command, e.g. 'turnout manage migrate'"
    )
    if argv[:1] == ["manage"]:
        return manage(argv[1:])
    args = parser.parse_args(argv)
    if args.command == "demo":
        if not 1 <= args.port <= 65535:
            parser.error("--port must be between 1 and 65535")
        return demo(args.port)
    if args.command == "worker":
        return worker(args.queues)
    if args.command == "flyer":
        return flyer(args.event, args.output, args.size)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    return serve(args.bind, args.workers)


if __name__ == "__main__":
    sys.exit(main())
