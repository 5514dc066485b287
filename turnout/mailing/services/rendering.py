"""Announcements rendered at delivery: each subscriber's copy, and an organiser's test.

The fan-out (turnout.mailing.services.announcements) writes one message per
subscriber, about the announcement with the subscriber's id in its params; the
outbox renders each here when it delivers it (registered in MailingConfig.ready()).
"""

import secrets

from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from turnout.core import outbox
from turnout.core.models import Message
from turnout.mailing.models import SUBJECT_MAX_LENGTH, Announcement, Subscriber
from turnout.mailing.services import announcements, subscriptions

# The announcement rendered once per worker process, with a placeholder where each
# recipient's unsubscribe link goes: a fan-out of thousands renders its Markdown and
# templates once per language, not once per message. Keyed by the announcement, the
# moment it was sent (a sent announcement never changes) and the language; a handful
# of entries at most.
_rendered: dict[tuple, tuple[str, ...]] = {}
_MEMO_SIZE = 8


def _rendered_once(announcement: Announcement) -> tuple[str, ...]:
    """(placeholder, subject, text, html, from name, reply-to) of a sent announcement, in
    the active language (the message's)."""
    language = translation.get_language()
    key = (announcement.pk, announcement.sent_at, language)
    if key not in _rendered:
        if len(_rendered) >= _MEMO_SIZE:
            _rendered.clear()
        placeholder = f"https://unsubscribe.invalid/{secrets.token_hex(16)}"
        subject, text, html = announcements.render_for(
            announcement, unsubscribe_url=placeholder, language=language
        )
        group = announcement.group
        _rendered[key] = (placeholder, subject, text, html, group.name, group.contact_email)
    return _rendered[key]


def prepare_announcements(messages: list[Message]) -> None:
    """Fetch the subscribers of a delivery batch in one query, not one per message."""
    ids = [m.params["subscriber"] for m in messages if "subscriber" in m.params]
    found = Subscriber.objects.in_bulk(ids)
    for message in messages:
        if "subscriber" in message.params:
            message.subscriber = found.get(message.params["subscriber"])


def _subscriber(message: Message, announcement: Announcement) -> Subscriber | None:
    if hasattr(message, "subscriber"):  # prepared with its batch
        subscriber = message.subscriber
    else:
        subscriber = Subscriber.objects.filter(pk=message.params["subscriber"]).first()
    return subscriber if subscriber and subscriber.group_id == announcement.group_id else None


def render_announcement(message: Message) -> outbox.Email:
    """A subscriber's copy with their unsubscribe link (and its List-Unsubscribe headers),
    or an organiser's test copy (``test_of``). Gone once the announcement or the
    subscriber is (they unsubscribed since)."""
    if "test_of" in message.params:
        return _render_test(message)
    announcement = message.about
    if not isinstance(announcement, Announcement):
        raise outbox.SubjectGone
    subscriber = _subscriber(message, announcement)
    if subscriber is None:
        raise outbox.SubjectGone
    placeholder, subject, text, html, from_name, reply_to = _rendered_once(announcement)
    url = subscriptions.unsubscribe_url(subscriber)
    return outbox.Email(
        subject=subject,
        text=text.replace(placeholder, url),
        html=html.replace(placeholder, escape(url)),
        from_name=from_name,
        reply_to=reply_to,
        headers={
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _render_test(message: Message) -> outbox.Email:
    announcement = (
        Announcement.objects.select_related("group").filter(pk=message.params["test_of"]).first()
    )
    if announcement is None:
        raise outbox.SubjectGone
    subject, text, html = announcements.preview(announcement=announcement)
    group = announcement.group
    return outbox.Email(
        subject=(_("[Test] %(subject)s") % {"subject": subject})[:SUBJECT_MAX_LENGTH],
        text=text,
        html=html,
        from_name=group.name,
        reply_to=group.contact_email,
    )
