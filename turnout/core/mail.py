"""Send one templated email with text and HTML parts.

Templates come in pairs: ``<name>.txt`` and ``<name>.html``, plus
``<name>_subject.txt``. (The outbox and worker arrive with the email issue.)
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def send_templated(*, template: str, to: str, context: dict, reply_to: str = "") -> None:
    subject = render_to_string(f"{template}_subject.txt", context)
    subject = " ".join(subject.split())  # no newlines: no header injection
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()
