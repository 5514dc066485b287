"""What the site has queued to send: the outbox rows, as the emails the worker would send.

In-process tests read the outbox (nothing is sent from the test process); the
delivery itself is tested against a real SMTP server in tests/mailing/.
"""

from django.core.mail import EmailMultiAlternatives

from turnout.mailing.models import Message
from turnout.mailing.outbox import build_email


def outbox() -> list[EmailMultiAlternatives]:
    return [build_email(m, connection=None) for m in Message.objects.order_by("id")]
