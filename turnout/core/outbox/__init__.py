"""The email outbox: queue in the caller's transaction, render and deliver in the worker.

An app queues a message with ``queue`` (kind, address, what it is about, a few
params) and registers, in its ``AppConfig.ready()``, the renderer that turns a
message of that kind into an ``Email`` at delivery (``register``). The row never
holds the text of the email, so no working secret link is stored: once sent, it
keeps its kind, subject, address (until anonymised), status and times.
"""

from turnout.core.outbox.queueing import (
    INSERT_BATCH,
    blank,
    deliver_later,
    forget_due,
    queue,
    queue_bulk,
)
from turnout.core.outbox.rendering import (
    FINISHED,
    Email,
    SubjectGone,
    UnknownKind,
    build_email,
    one_line,
    prepare_all,
    register,
    render,
    render_template,
)

__all__ = [
    "FINISHED",
    "INSERT_BATCH",
    "Email",
    "SubjectGone",
    "UnknownKind",
    "blank",
    "build_email",
    "deliver_later",
    "forget_due",
    "one_line",
    "prepare_all",
    "queue",
    "queue_bulk",
    "register",
    "render",
    "render_template",
]
