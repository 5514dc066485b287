"""What the site has queued to send: the outbox rows, as the emails the worker would send.

In-process tests read the outbox (nothing is sent from the test process); the
delivery itself is tested against a real SMTP server in tests/mailing/.
"""

from email.mime.base import MIMEBase

import icalendar
from django.core.mail import EmailMultiAlternatives

from turnout.mailing.models import Message
from turnout.mailing.outbox import build_email


def outbox() -> list[EmailMultiAlternatives]:
    return [build_email(m, connection=None) for m in Message.objects.order_by("id")]


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
