"""Delivery: the worker renders each queued message and sends it over SMTP."""

import contextlib
import logging
import smtplib

from django.core.mail import get_connection
from django.db.models import F
from django.utils import timezone

from turnout.core.models import SUBJECT_MAX_LENGTH, Message
from turnout.core.outbox.rendering import (
    SubjectGone,
    UnknownKind,
    build_email,
    one_line,
    prepare_all,
    render,
)
from turnout.core.tasks import TRANSIENT, TryAgain

logger = logging.getLogger("turnout.outbox")
Status = Message.Status


def _finish(ids, status: str, error: str, **fields) -> None:
    """A last state for these still-queued messages; nothing to render them from is kept."""
    Message.objects.filter(id__in=ids, status=Status.QUEUED).update(
        status=status, last_error=error[:1000], params={}, **fields
    )


def _note_error(ids, error: str) -> None:
    """Why these messages are still waiting: the organiser sees it, the next try may clear it."""
    Message.objects.filter(id__in=ids, status=Status.QUEUED).update(last_error=error[:1000])


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {one_line(text)}"


def _rendered(message: Message):
    """The email to send, or None when the message was finished here without sending:
    its subject is gone, or it cannot be rendered (a bug, an unknown kind) and fails
    visibly with the reason rather than holding up its batch or the worker."""
    try:
        return render(message)
    except SubjectGone:
        _finish([message.id], Status.GONE, "")
    except TRANSIENT:
        raise
    except UnknownKind as exc:
        _finish([message.id], Status.FAILED, f"cannot be rendered: {exc}")
    except Exception as exc:
        logger.exception("Message %s (%s) could not be rendered.", message.id, message.kind)
        _finish([message.id], Status.FAILED, f"cannot be rendered: {type(exc).__name__}: {exc}")
    return None


def deliver(*, message_ids: list[int]) -> int:
    """Render and send each still-queued message over one SMTP connection; how many went.

    Each message is marked sent right after the server accepted it, so a worker
    killed mid-batch re-sends at most the one message in flight. Rendering happens
    here, at each attempt, and makes the same links each time. One message never
    holds up the rest of its batch: a permanent refusal (5xx) or an address that
    cannot be sent fails that message; a temporary refusal of one recipient (4xx)
    leaves it queued for the next attempt. A server that is down or drops the
    connection stops the batch. Either way the messages still queued keep the
    reason in ``last_error`` and TryAgain retries the batch later (messages sent or
    failed meanwhile are skipped then).
    """
    queued = list(
        Message.objects.filter(id__in=message_ids, status=Status.QUEUED)
        .prefetch_related("about")
        .order_by("id")
    )
    if not queued:
        return 0
    Message.objects.filter(id__in=[m.id for m in queued]).update(attempts=F("attempts") + 1)
    prepare_all(queued)
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as exc:
        error = f"mail server unreachable: {exc}"
        _note_error([m.id for m in queued], error)
        raise TryAgain(error) from exc
    sent = deferred = 0
    try:
        for n, message in enumerate(queued):
            rendered = _rendered(message)
            if rendered is None:
                continue
            subject = one_line(rendered.subject)[:SUBJECT_MAX_LENGTH]
            try:
                build_email(message, rendered, connection).send()
            except smtplib.SMTPRecipientsRefused as exc:
                code, text = next(iter(exc.recipients.values()))
                if code >= 500:
                    _finish([message.id], Status.FAILED, _reply(code, text), subject=subject)
                else:
                    _note_error([message.id], f"recipient deferred: {_reply(code, text)}")
                    deferred += 1
                continue
            except smtplib.SMTPResponseException as exc:
                reply = _reply(exc.smtp_code, exc.smtp_error)
                if exc.smtp_code >= 500:
                    _finish([message.id], Status.FAILED, reply, subject=subject)
                    continue
                if exc.smtp_code != 421:  # 421: the server is closing the connection
                    _note_error([message.id], f"deferred: {reply}")
                    deferred += 1
                    continue
                error = f"mail server busy: {reply}"
                _note_error([m.id for m in queued[n:]], error)
                raise TryAgain(error) from exc
            except (OSError, smtplib.SMTPException) as exc:
                error = f"sending failed: {exc}"
                _note_error([m.id for m in queued[n:]], error)
                raise TryAgain(error) from exc
            except ValueError as exc:  # an invalid address, a header Django refuses
                _finish([message.id], Status.FAILED, f"cannot be sent: {exc}", subject=subject)
                continue
            _finish([message.id], Status.SENT, "", subject=subject, sent_at=timezone.now())
            sent += 1
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.close()
    if deferred:
        raise TryAgain(f"{deferred} of {len(queued)} deferred by the mail server")
    return sent


def give_up(*, message_ids: list[int], error: str) -> None:
    """After the last attempt: the messages show as failed to the organiser.

    Each keeps the reason noted at its last try (a recipient's 4xx); ``error`` is
    for any that has none.
    """
    still_queued = Message.objects.filter(id__in=message_ids, status=Status.QUEUED)
    still_queued.filter(last_error="").update(
        status=Status.FAILED, last_error=error[:1000], params={}
    )
    still_queued.update(status=Status.FAILED, params={})
