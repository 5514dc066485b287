"""The outbox: queue an email in the caller's transaction; the worker delivers it.

``queue_email`` renders a template pair (``<name>.txt`` and ``<name>.html``, with
``<name>_subject.txt``), writes a Message row and enqueues its delivery task. The
task row lives in the same database and transaction, so a rolled-back change
sends nothing and a committed one is never lost.
"""

import base64
import contextlib
import smtplib
from email.mime.image import MIMEImage
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from turnout.core.tasks import TryAgain
from turnout.groups.models import Group
from turnout.mailing.models import Message


def one_line(text: str) -> str:
    """No CR/LF in a header value: nobody can inject a header through a name or subject."""
    return " ".join(str(text).split())


def _plain(name: str, context: dict) -> str:
    """Render a plain-text template without HTML escaping ("&" stays "&")."""
    return get_template(name).template.render(Context(context, autoescape=False))


def render(template: str, context: dict) -> tuple[str, str, str]:
    subject = one_line(_plain(f"{template}_subject.txt", context))
    text = _plain(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    return subject, text, html


def queue_email(
    *,
    template: str,
    to: str,
    context: dict,
    group: Group | None = None,
    reply_to: str = "",
    bulk: bool = False,
    attachments: list[tuple[str, str | bytes, str]] = (),
    registration=None,
) -> Message:
    """Queue one email; ``attachments`` are (filename, content, mimetype).

    ``registration``: the RSVP the email is about, so erasing it finds this record.

    Bytes are kept as base64. An image goes inline, its Content-ID its filename, so the
    HTML part shows it with ``<img src="cid:FILENAME">`` (webmail drops data: URLs).
    """
    from turnout.mailing import tasks

    subject, text, html = render(template, {"group": group, **context})
    # Both rows or neither; inside the caller's transaction no savepoint is needed.
    with transaction.atomic(savepoint=False):
        message = Message.objects.create(
            group=group,
            registration=registration,
            kind=template,
            bulk=bulk,
            to_email=to,
            from_name=one_line(group.name) if group else "",
            reply_to=reply_to or (group.contact_email if group else ""),
            subject=subject,
            text_body=text,
            html_body=html,
            attachments=[_stored(*attachment) for attachment in attachments],
        )
        tasks.deliver.enqueue(message_ids=[message.pk])
    return message


def build_email(message: Message, connection) -> EmailMultiAlternatives:
    sender = settings.DEFAULT_FROM_EMAIL
    if message.from_name:
        sender = formataddr((one_line(message.from_name), parseaddr(sender)[1]))
    email = EmailMultiAlternatives(
        subject=one_line(message.subject),
        body=message.text_body,
        from_email=sender,
        to=[message.to_email],
        reply_to=[message.reply_to] if message.reply_to else None,
        headers={name: one_line(value) for name, value in message.headers.items()},
        connection=connection,
    )
    email.attach_alternative(message.html_body, "text/html")
    for attachment in message.attachments:
        if attachment["mimetype"].startswith("image/"):
            email.attach(_inline_image(attachment))
        else:
            email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return email


def _stored(filename: str, content: str | bytes, mimetype: str) -> dict:
    if isinstance(content, bytes):
        return {
            "filename": filename,
            "content": base64.b64encode(content).decode(),
            "base64": True,
            "mimetype": mimetype,
        }
    return {"filename": filename, "content": content, "mimetype": mimetype}


def _inline_image(attachment: dict) -> MIMEImage:
    filename = one_line(attachment["filename"])
    part = MIMEImage(
        base64.b64decode(attachment["content"]), _subtype=attachment["mimetype"].split("/", 1)[1]
    )
    part.add_header("Content-ID", f"<{filename}>")
    part.add_header("Content-Disposition", "inline", filename=filename)
    return part


def _mark_failed(ids, error: str) -> None:
    Message.objects.filter(id__in=ids, status=Message.Status.QUEUED).update(
        status=Message.Status.FAILED, last_error=error[:1000]
    )


def _note_error(ids, error: str) -> None:
    """Why these messages are still waiting: the organiser sees it, the next try may clear it."""
    Message.objects.filter(id__in=ids, status=Message.Status.QUEUED).update(last_error=error[:1000])


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {one_line(text)}"


def deliver(*, message_ids: list[int]) -> int:
    """Send each still-queued message over one SMTP connection; returns how many went.

    Each message is marked sent right after the server accepted it, so a worker
    killed mid-batch re-sends at most the one message in flight. One message never
    holds up the rest of its batch: a permanent refusal (5xx) or an address that
    cannot be sent fails that message; a temporary refusal of one recipient (4xx)
    leaves it queued for the next attempt. A server that is down or drops the
    connection stops the batch. Either way the messages still queued keep the
    reason in ``last_error`` and TryAgain retries the batch later (messages sent or
    failed meanwhile are skipped then).
    """
    queued = list(
        Message.objects.filter(id__in=message_ids, status=Message.Status.QUEUED).order_by("id")
    )
    if not queued:
        return 0
    Message.objects.filter(id__in=[m.id for m in queued]).update(attempts=F("attempts") + 1)
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
            try:
                build_email(message, connection).send()
            except smtplib.SMTPRecipientsRefused as exc:
                code, text = next(iter(exc.recipients.values()))
                if code >= 500:
                    _mark_failed([message.id], _reply(code, text))
                else:
                    _note_error([message.id], f"recipient deferred: {_reply(code, text)}")
                    deferred += 1
                continue
            except smtplib.SMTPResponseException as exc:
                if exc.smtp_code >= 500:
                    _mark_failed([message.id], _reply(exc.smtp_code, exc.smtp_error))
                    continue
                if exc.smtp_code != 421:  # 421: the server is closing the connection
                    _note_error([message.id], f"deferred: {_reply(exc.smtp_code, exc.smtp_error)}")
                    deferred += 1
                    continue
                error = f"mail server busy: {_reply(exc.smtp_code, exc.smtp_error)}"
                _note_error([m.id for m in queued[n:]], error)
                raise TryAgain(error) from exc
            except (OSError, smtplib.SMTPException) as exc:
                error = f"sending failed: {exc}"
                _note_error([m.id for m in queued[n:]], error)
                raise TryAgain(error) from exc
            except ValueError as exc:  # an invalid address, a header Django refuses
                _mark_failed([message.id], f"cannot be sent: {exc}")
                continue
            Message.objects.filter(id=message.id).update(
                status=Message.Status.SENT, sent_at=timezone.now(), last_error=""
            )
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
    still_queued = Message.objects.filter(id__in=message_ids, status=Message.Status.QUEUED)
    still_queued.filter(last_error="").update(status=Message.Status.FAILED, last_error=error[:1000])
    still_queued.update(status=Message.Status.FAILED)
