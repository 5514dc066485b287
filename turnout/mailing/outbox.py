"""The outbox: queue an email in the caller's transaction; the worker delivers it.

``queue_email`` renders a template pair (``<name>.txt`` and ``<name>.html``, with
``<name>_subject.txt``), writes a Message row and enqueues its delivery task. The
task row lives in the same database and transaction, so a rolled-back change
sends nothing and a committed one is never lost.
"""

import contextlib
import smtplib
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from turnout.core.tasks import TryAgain
from turnout.groups.models import Group
from turnout.mailing.models import Message


def one_line(text: str) -> str:
    """No CR/LF in a header value: nobody can inject a header through a name or subject."""
    return " ".join(str(text).split())


def render(template: str, context: dict) -> tuple[str, str, str]:
    subject = one_line(render_to_string(f"{template}_subject.txt", context))
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    return subject, text, html


def queue_email(
    *,
    template: str,
    to: str,
    context: dict,
    group: Group | None = None,
    reply_to: str = "",
) -> Message:
    from turnout.mailing import tasks

    subject, text, html = render(template, {"group": group, **context})
    with transaction.atomic():
        message = Message.objects.create(
            group=group,
            kind=template,
            to_email=to,
            from_name=one_line(group.name) if group else "",
            reply_to=reply_to or (group.contact_email if group else ""),
            subject=subject,
            text_body=text,
            html_body=html,
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
    return email


def _mark_failed(ids, error: str) -> None:
    Message.objects.filter(id__in=ids, status=Message.Status.QUEUED).update(
        status=Message.Status.FAILED, last_error=error[:1000]
    )


def deliver(*, message_ids: list[int]) -> int:
    """Send each still-queued message over one SMTP connection; returns how many went.

    A refusal for one recipient (5xx) fails that message and the rest go on; a
    server that is down or says "try later" raises TryAgain for the whole batch
    (messages already sent are skipped on the next attempt).
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
        Message.objects.filter(id__in=[m.id for m in queued]).update(last_error=str(exc)[:1000])
        raise TryAgain(f"mail server unreachable: {exc}") from exc
    sent = 0
    try:
        for message in queued:
            try:
                build_email(message, connection).send()
            except smtplib.SMTPRecipientsRefused as exc:
                code, reason = next(iter(exc.recipients.values()))
                if code >= 500:
                    _mark_failed([message.id], f"{code} {reason!r}")
                    continue
                raise TryAgain(f"recipient deferred: {code}") from exc
            except smtplib.SMTPResponseException as exc:
                if exc.smtp_code >= 500:
                    _mark_failed([message.id], f"{exc.smtp_code} {exc.smtp_error!r}")
                    continue
                raise TryAgain(f"server said try later: {exc.smtp_code}") from exc
            except (OSError, smtplib.SMTPException) as exc:
                raise TryAgain(f"sending failed: {exc}") from exc
            Message.objects.filter(id=message.id).update(
                status=Message.Status.SENT, sent_at=timezone.now(), last_error=""
            )
            sent += 1
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.close()
    return sent


def give_up(*, message_ids: list[int], error: str) -> None:
    """After the last attempt: the messages show as failed to the organiser."""
    _mark_failed(message_ids, error)
