"""What the page benchmarks share: the load client, the servers, the numbers.

Used by bench/rsvp_rush.py and bench/public_pages.py. The load client is separate
processes of plain threads on raw sockets (this file run with ``--client``): one
connection per request, as gunicorn's sync workers close each one; it parses only the
status line, the ``csrftoken`` cookie and the form's token. Each server is a gunicorn in
its own session, so that its CPU time and its access log are its own. The machine is
shared: the CPU time that other processes took during each load run is reported too
(``others``); a run where it passed 10% of the cores (``DISTURBED``) is not clean.
"""

import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
HOST = "127.0.0.1"
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
ACCESS_LINE = re.compile(r'"(GET|POST) (\S+)" (\d{3}) ([\d.]+)s')
GUNICORN_LOG_FORMAT = '%(h)s "%(m)s %(U)s" %(s)s %(L)ss'  # the one `turnout serve` uses

# --- the load client: its own processes, no Django ---


def http(port: int, method: str, path: str, headers=(), body: bytes = b""):
    """One request on its own connection; (status, header lines, body)."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: close", *headers]
    if method == "POST":
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    chunks = []
    with socket.create_connection((HOST, port), timeout=120) as sock:
        sock.sendall(request)
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _sep, content = b"".join(chunks).partition(b"\r\n\r\n")
    header_lines = head.split(b"\r\n")
    status = int(header_lines[0].split()[1])
    if any(h.lower() == b"transfer-encoding: chunked" for h in header_lines):
        content = _unchunk(content)
    return status, header_lines[1:], content


def _unchunk(data: bytes) -> bytes:
    out, rest = [], data
    while rest:
        size_line, _sep, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if not size:
            break
        out.append(rest[:size])
        rest = rest[size + 2 :]
    return b"".join(out)


def load_form(port: int, path: str) -> tuple[int, str, str, bool]:
    """GET the page: (status, csrftoken cookie, the form's token, whether it asks for guests)."""
    status, headers, content = http(port, "GET", path)
    cookie = ""
    for header in headers:
        if header[:11].lower() == b"set-cookie:" and b"csrftoken=" in header:
            cookie = header.split(b"csrftoken=", 1)[1].split(b";", 1)[0].decode()
    found = TOKEN.search(content)
    return status, cookie, found.group(1).decode() if found else "", b'name="guests"' in content


def post_form(port: int, path: str, cookie: str, token: str, fields: dict) -> tuple[int, bytes]:
    body = urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
    headers = [f"Cookie: csrftoken={cookie}", f"Origin: http://{HOST}:{port}"]
    status, _headers, content = http(port, "POST", path, headers, body)
    return status, content


def client(spec: dict) -> None:
    """One load-client process: ``spec["threads"]`` threads share ``spec["users"]``.

    Modes: ``rush`` (each user: GET the page, POST the form), ``get`` (page views only,
    each with its form token and cookie), ``view`` (page views of any page: a 200 with
    ``spec["marker"]`` in it), ``post`` (each thread GETs the page once before the start,
    then posts the form for its users with that cookie and token). Prints "ready",
    starts on a line on stdin, then prints its records as JSON: one list per user, with
    monotonic times.
    """
    port, path, mode, marker = spec["port"], spec["path"], spec["mode"], spec["marker"].encode()
    users = deque(spec["users"])
    # A view may be another method with a body, and carry cookies (a logged-in organiser).
    method, headers = spec.get("method", "GET"), spec.get("headers", [])
    body = spec.get("body", "").encode()
    records = []
    tokens = []
    if mode == "post":
        for _ in range(spec["threads"]):
            status, cookie, token, guests = load_form(port, path)
            assert status == 200 and cookie and token, (status, cookie, token)
            tokens.append((cookie, token, guests))
    go = threading.Event()

    def fields(i: int, guests: bool) -> dict:
        data = {"name": f"Rush Person {i}", "email": rush_email(spec["tag"], i)}
        return {**data, "guests": "0"} if guests else data

    def post(i, cookie, token, guests) -> tuple[int, str]:
        status, content = post_form(port, path, cookie, token, fields(i, guests))
        if status != 200:
            return status, f"POST {status}"
        return status, "" if marker in content else "POST 200 without the expected page"

    def run(n: int) -> None:
        go.wait()
        while True:
            try:
                i = users.popleft()
            except IndexError:
                return
            t0 = time.monotonic()
            t1, get_status, post_status, error = t0, 0, 0, ""
            try:
                if mode == "post":
                    t1 = t0
                    post_status, error = post(i, *tokens[n])
                elif mode == "view":
                    get_status, _headers, content = http(port, method, path, headers, body)
                    t1 = time.monotonic()
                    if get_status != 200 or marker not in content:
                        error = f"GET {get_status}" + ("" if marker in content else " unexpected")
                else:
                    get_status, cookie, token, guests = load_form(port, path)
                    t1 = time.monotonic()
                    if get_status != 200 or not cookie or not token:
                        error = f"GET {get_status}" + ("" if token else " without a form token")
                    elif mode == "rush":
                        post_status, error = post(i, cookie, token, guests)
            except OSError as exc:
                error = f"{type(exc).__name__}: {exc}"
            records.append([i, t0, t1, time.monotonic(), get_status, post_status, error])

    threads = [threading.Thread(target=run, args=(n,)) for n in range(spec["threads"])]
    for thread in threads:
        thread.start()
    print("ready", flush=True)
    sys.stdin.readline()
    cpu0 = sum(os.times()[:2])
    go.set()
    for thread in threads:
        thread.join()
    print(json.dumps({"records": records, "cpu_s": sum(os.times()[:2]) - cpu0}), flush=True)


def rush_email(tag: str, i: int) -> str:
    """The load client's ``i``-th address: spread over 500 domains, as real people's are
    (a meeting takes only so many RSVPs an hour from one domain: TURNOUT_RSVP_PER_DOMAIN)."""
    return f"{tag}{i}@d{i % 500}.example.org"


def run_load(
    server: "Server",
    *,
    mode: str,
    n: int,
    concurrency: int,
    processes: int,
    tag: str,
    path: str,
    marker: str | None = None,
    request: dict | None = None,
):
    """Run the load client against ``server``: records, elapsed time, CPU of each side."""
    from bench.announcement import cpu_seconds, postgres_pids

    processes = min(processes, concurrency)
    clients = []
    for p in range(processes):
        spec = {
            "port": server.port,
            "path": path,
            "mode": mode,
            "marker": server.marker if marker is None else marker,
            "tag": tag,
            "users": list(range(p, n, processes)),
            "threads": concurrency // processes + (p < concurrency % processes),
            **(request or {}),  # method, headers, body: a view other than a plain GET
        }
        clients.append(
            subprocess.Popen(
                [sys.executable, __file__, "--client", json.dumps(spec)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
        )
    for c in clients:
        assert c.stdout.readline().strip() == "ready"
    log_at = server.access_log.stat().st_size
    pg = {pid: cpu_seconds(pid) for pid in postgres_pids()}
    server_cpu = server.cpu()
    machine_cpu = machine_busy_seconds()
    for c in clients:
        c.stdin.write("go\n")
        c.stdin.flush()
    results = [json.loads(c.communicate()[0]) for c in clients]
    cpu = {
        "server": server.cpu() - server_cpu,
        "postgres": sum(cpu_seconds(pid) - pg.get(pid, 0) for pid in postgres_pids()),
        "client": sum(r["cpu_s"] for r in results),
    }
    # Whatever else ran on the machine meanwhile (other people's tests): the noise.
    cpu["others"] = max(machine_busy_seconds() - machine_cpu - sum(cpu.values()), 0.0)
    records = sorted((r for result in results for r in result["records"]), key=lambda r: r[0])
    assert len(records) == n, (len(records), n)
    elapsed = max(r[3] for r in records) - min(r[1] for r in records)
    return records, elapsed, cpu, server.access_entries(log_at)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat: user to softirq, no idle)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:7]) - fields[3] - fields[4]) / CLOCK_TICKS


# --- the servers ---


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def session_pids(session: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == session:
                pids.append(int(entry.name))
    return pids


class Server:
    """A gunicorn server in its own session: its access log, its CPU time, and a stop."""

    def __init__(self, name: str, command: list[str], env: dict, port: int, path: str, marker):
        self.name, self.command, self.env, self.port = name, command, env, port
        self.path, self.marker = path, marker
        self.dir = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
        self.access_log = self.dir / "access.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Server":
        with open(self.access_log, "wb") as out, open(self.dir / "error.log", "wb") as err:
            self.process = subprocess.Popen(
                self.command, env=self.env, cwd=ROOT, stdout=out, stderr=err, start_new_session=True
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {(self.dir / 'error.log').read_text()}")
            try:
                if http(self.port, "GET", self.path)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} did not answer 200 on {self.path}")

    def workers(self) -> list[int]:
        return [pid for pid in session_pids(self.process.pid) if _is_gunicorn_worker(pid)]

    def cpu(self) -> float:
        from bench.announcement import cpu_seconds

        return sum(cpu_seconds(pid) for pid in session_pids(self.process.pid))

    def access_entries(self, offset: int) -> list[tuple[str, int, float]]:
        """(method, status, seconds) of each request logged after ``offset`` bytes."""
        with open(self.access_log) as log:
            log.seek(offset)
            found = (ACCESS_LINE.search(line) for line in log)
            return [(m[1], int(m[3]), float(m[4])) for m in found if m]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # gunicorn's master and its workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def stop_all(servers: list["Server"], pg, var_dir: Path) -> None:
    """The end of a benchmark: its servers, Django's connections, the throwaway database."""
    for server in servers:
        server.stop()
    from django.db import connections

    connections.close_all()
    pg.stop()
    shutil.rmtree(var_dir, ignore_errors=True)


def _is_gunicorn_worker(pid: int) -> bool:
    """A gunicorn worker: a gunicorn process whose parent is a gunicorn process too."""
    try:
        parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        return all(b"gunicorn" in Path(f"/proc/{p}/cmdline").read_bytes() for p in (pid, parent))
    except OSError:
        return False


def gunicorn(app: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", app, "--bind", f"{HOST}:{port}",
        "--workers", str(workers), "--worker-class", "sync",
        "--access-logfile", "-", "--access-logformat", GUNICORN_LOG_FORMAT,
    ]  # fmt: skip


# --- the two setups: their environments, and the bare database ---


def turnout_env(database_url: str, port: int, var_dir: Path) -> dict[str, str]:
    from bench.announcement import production_env

    return production_env(
        database_url,
        TURNOUT_BASE_URL=f"http://{HOST}:{port}",
        TURNOUT_EMAIL_URL="console://",
        TURNOUT_RATE_LIMIT_EXEMPT=HOST,
        TURNOUT_VAR_DIR=str(var_dir),
    )


def setup_bare(admin_url: str, bare_url: str, seats: int, slugs=("warm-up", "rush")) -> dict:
    """The bare prototype's database, migrated, with one event per slug; their pages."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("CREATE DATABASE bare_rsvp")
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--run-syncdb", "-v", "0"],
        env=bare_env(bare_url),
        cwd=ROOT,
        check=True,
    )
    with psycopg.connect(bare_url, autocommit=True) as conn:
        for slug in slugs:
            conn.execute(
                "INSERT INTO bare_rsvp_event (slug, title, capacity) VALUES (%s, %s, %s)",
                (slug, "What internationalism means", seats),
            )
    return {slug: f"/e/{slug}/" for slug in slugs}


def measure_view(
    server: Server, name: str, path: str, marker: str, args, n: int, request: dict | None = None
) -> dict:
    """``n`` GETs of ``path`` by the load client (``args``: concurrency, client
    processes); ``marker`` must be in every whole answer. The summary, named ``name``.
    ``request`` may give another ``method``, a ``body`` and ``headers`` (cookies)."""
    records, elapsed, cpu, log = run_load(
        server,
        mode="view",
        n=n,
        concurrency=args.concurrency,
        processes=args.client_processes,
        tag=name,
        path=path,
        marker=marker,
        request=request,
    )
    return {"page": name, "path": path, **summary(records, elapsed, cpu, log, mode="view")}


def bare_server(port: int, workers: int, bare_url: str, path: str = "/", marker="") -> Server:
    """The bare Django view of bench/bare_rsvp, what each benchmark's ratio is taken to."""
    command = gunicorn("bare_rsvp.wsgi:application", port, workers)
    return Server("bare", command, bare_env(bare_url), port, path, marker)


def turnout_server(port: int, workers: int, env: dict, path: str = "/", marker="") -> Server:
    """``turnout serve`` with ``workers`` sync workers, as an admin runs it."""
    serve = ["serve", "--bind", f"{HOST}:{port}", "--workers", str(workers)]
    return Server("turnout", [sys.executable, "-m", "turnout.cli", *serve], env, port, path, marker)


def bare_env(bare_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TURNOUT_", "DJANGO_"))}
    env.update(
        PYTHONPATH=str(BENCH),
        DJANGO_SETTINGS_MODULE="bare_rsvp.settings",
        BARE_DATABASE_URL=bare_url,
    )
    return env


# --- the numbers ---


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(q * len(ordered)) - 1, 0)] if ordered else float("nan")


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def summary(records, elapsed: float, cpu: dict, log: list, *, mode: str) -> dict:
    n = len(records)
    errors = [r[6] for r in records if r[6]]
    done = [r for r in records if not r[6]]
    out = {
        "requests" if mode != "rush" else "users": n,
        "per_s": round(n / elapsed, 1),
        "elapsed_s": round(elapsed, 2),
        "errors": len(errors),
        "error_kinds": dict(Counter(errors).most_common(5)),
    }
    if mode == "rush":
        out["rsvp_ms_p50_p99"] = [ms(percentile([r[3] - r[1] for r in done], q)) for q in Q]
        out["post_ms_p50_p99"] = [ms(percentile([r[3] - r[2] for r in done], q)) for q in Q]
        out["get_ms_p50_p99"] = [ms(percentile([r[2] - r[1] for r in done], q)) for q in Q]
    else:
        out["ms_p50_p99"] = [ms(percentile([r[3] - r[1] for r in done], q)) for q in Q]
    for method in ("GET", "POST"):
        times = [t for m, _status, t in log if m == method]
        if times:
            out[f"server_{method.lower()}_ms_p50_p99"] = [ms(percentile(times, q)) for q in Q]
    out["statuses_logged"] = dict(Counter(status for _m, status, _t in log))
    out["cpu_s"] = {k: round(v, 2) for k, v in cpu.items()}
    out["cpu_ms_per_request"] = {
        "server": ms(cpu["server"] / n),
        "postgres": ms(cpu["postgres"] / n),
    }
    ours = cpu["server"] + cpu["postgres"] + cpu["client"]
    out["cpu_busy_of_cores"] = {
        "this_benchmark": round(ours / (elapsed * (os.cpu_count() or 1)), 2),
        "others": round(cpu["others"] / (elapsed * (os.cpu_count() or 1)), 2),
    }
    return out


Q = (0.5, 0.99)
DISTURBED = 0.1  # other processes kept this share of the cores busy: the run is not clean


def wait_for_quiet(max_load: float, patience: float) -> None:
    from bench.announcement import load_average

    deadline = time.monotonic() + patience
    while load_average() > max_load and time.monotonic() < deadline:
        print(f"1-minute load {load_average()} > {max_load}: waiting", file=sys.stderr)
        time.sleep(15)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--client"]:
        client(json.loads(sys.argv[2]))
