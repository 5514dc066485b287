"""What the site has queued to send: the outbox rows, as the emails the worker would send.

In-process tests read the outbox (nothing is sent from the test process): each
message still queued is rendered through its kind's renderer exactly as delivery
renders it, without sending it. The delivery itself is tested against a real SMTP
server in tests/mailing/.
"""

from email.mime.base import MIMEBase

import icalendar
from django.core.mail import EmailMultiAlternatives

from turnout.core import outbox as the_outbox
from turnout.core.models import Message


def email_of(message: Message) -> EmailMultiAlternatives:
    """The email this message would be delivered as, now."""
    return the_outbox.build_email(message, the_outbox.render(message), connection=None)


def outbox(*, after: int = 0) -> list[EmailMultiAlternatives]:
    """Every message still queued, in order, as the worker would send it now (one whose
    subject is gone would not be sent: it is left out); ``after``: only those queued
    after the message with that id (``last_queued()``)."""
    emails = []
    queued = list(Message.objects.filter(status=Message.Status.QUEUED, pk__gt=after).order_by("id"))
    the_outbox.prepare_all(queued)
    for message in queued:
        try:
            emails.append(email_of(message))
        except the_outbox.SubjectGone:
            continue
    return emails


def last_queued() -> int:
    """The id of the last message queued so far (0 if none): see ``outbox(after=)``."""
    return Message.objects.order_by("-id").values_list("id", flat=True).first() or 0


def files(email: EmailMultiAlternatives) -> list[tuple[str, str, str]]:
    """The attached files (filename, content, mimetype), the inline images left out."""
    return [a for a in email.attachments if not isinstance(a, MIMEBase)]


def inline_images(email: EmailMultiAlternatives) -> dict[str, bytes]:
    """The inline images by Content-ID (``cid:`` in the HTML part)."""
    found = [a for a in email.attachments if isinstance(a, MIMEBase)]
    return {a["Content-ID"].strip("<>"): a.get_payload(decode=True) for a in found}


def calendar_of(email: EmailMultiAlternatives) -> icalendar.Event:
    """The one event.ics attached to an email."""
    ((filename, content, mimetype),) = files(email)
    assert (filename, mimetype) == ("event.ics", "text/calendar")
    (entry,) = icalendar.Calendar.from_ical(content).walk("VEVENT")
    return entry
