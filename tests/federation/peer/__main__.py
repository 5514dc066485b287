"""``python -m tests.federation.peer --host 127.0.0.2 --port N --state DIR``: the
Mastodon-shaped peer (tests/federation/peer/__init__.py says what it does). ``--port 0``
takes a free port, written to ``DIR/port`` once the server listens."""

import argparse
import signal
import sys
from pathlib import Path

from tests.federation.peer.server import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.federation.peer")
    parser.add_argument("--host", default="127.0.0.2")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--state", type=Path, required=True)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    serve(host=args.host, port=args.port, state=args.state)
    return 0


if __name__ == "__main__":
    sys.exit(main())
