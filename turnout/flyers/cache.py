"""Rendered flyers on disk, named by a hash of what they show: a hit is a file read.

The directory is the setting ``TURNOUT_FLYER_CACHE_DIR`` (``VAR_DIR/flyers``); ``None``
turns the cache off (the test settings do). Files are written to
a temporary file beside their final name and moved into place with ``os.replace``, so
a reader sees a whole file or none, even with many workers rendering at once.
"""

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings


def directory() -> Path | None:
    """Where flyers are kept, or None when the cache is off."""
    configured = settings.TURNOUT_FLYER_CACHE_DIR
    return Path(configured) if configured else None


def path_for(key: str, suffix: str) -> Path | None:
    folder = directory()
    return None if folder is None else folder / key[:2] / f"{key}.{suffix}"


def read(key: str, suffix: str) -> bytes | None:
    path = path_for(key, suffix)
    if path is None:
        return None
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def write(key: str, suffix: str, content: bytes) -> None:
    path = path_for(key, suffix)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=f".{suffix}")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove(key: str, suffix: str) -> None:
    """Delete a kept file (if there is one): what it shows must not be served again."""
    path = path_for(key, suffix)
    if path is not None:
        path.unlink(missing_ok=True)


def get_or_make(key: str, suffix: str, make: Callable[[], bytes]) -> bytes:
    """The cached bytes for ``key``, or ``make()``'s, kept for next time."""
    found = read(key, suffix)
    if found is not None:
        return found
    content = make()
    with contextlib.suppress(OSError):  # a full disk costs a re-render, not the download
        write(key, suffix, content)
    return content
