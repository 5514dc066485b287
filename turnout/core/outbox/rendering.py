"""Renderers: each kind of message is turned into an email at delivery by its app's renderer.

An app registers a renderer for each kind it queues (``register`` in its
``AppConfig.ready()``). A renderer takes the Message and returns an ``Email``: it
re-fetches what it needs through ``message.about`` and ``message.params`` and makes
the secret links only then, so the outbox row never holds one. It raises
``SubjectGone`` when what the message is about no longer exists.

Delivery fetches the ``about`` of a whole batch in one query per model; a renderer
that needs more rows per message can register a ``prepare`` too, called once per
batch with its messages, to fetch them in one query as well (``prepare_all``).
"""

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from email.mime.image import MIMEImage
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from turnout.core.models import Message


class SubjectGone(Exception):
    """What the message is about no longer exists (a registration erased, a group deleted)."""


class UnknownKind(LookupError):
    """No renderer is registered for the message's kind."""


@dataclass
class Email:
    """What a renderer gives: everything the outbox row does not store.

    ``attachments`` are (filename, content, mimetype); an image (bytes) goes inline, its
    Content-ID its filename, so the HTML part shows it with ``<img src="cid:FILENAME">``
    (webmail drops data: URLs).
    """

    subject: str
    text: str
    html: str
    from_name: str = ""
    reply_to: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    attachments: list[tuple[str, str | bytes, str]] = field(default_factory=list)


Renderer = Callable[[Message], Email]
Prepare = Callable[[list[Message]], None]
_renderers: dict[str, Renderer] = {}
_prepares: dict[str, Prepare] = {}


def register(kind: str, renderer: Renderer, *, prepare: Prepare | None = None) -> None:
    """Render messages of ``kind`` with ``renderer`` (called in an AppConfig.ready());
    ``prepare(messages)``, if given, readies a batch of them before they are rendered."""
    if _renderers.get(kind, renderer) is not renderer:
        raise ValueError(f"a renderer is already registered for {kind!r}")
    _renderers[kind] = renderer
    if prepare is not None:
        _prepares[kind] = prepare


def prepare_all(messages: list[Message]) -> None:
    """Let each kind's ``prepare`` fetch what its messages in this batch will need."""
    by_kind: dict[str, list[Message]] = {}
    for message in messages:
        by_kind.setdefault(message.kind, []).append(message)
    for kind, batch in by_kind.items():
        if kind in _prepares:
            _prepares[kind](batch)


def render(message: Message) -> Email:
    """The email for this message, in its language. UnknownKind or SubjectGone if none."""
    try:
        renderer = _renderers[message.kind]
    except KeyError:
        raise UnknownKind(f"no renderer is registered for the kind {message.kind!r}") from None
    with translation.override(message.language or settings.LANGUAGE_CODE):
        return renderer(message)


# --- the template trio a renderer fills from a context ---


def one_line(text: str) -> str:
    """No CR/LF in a header value: nobody can inject a header through a name or subject."""
    return " ".join(str(text).split())


def _plain(name: str, context: dict) -> str:
    """Render a plain-text template without HTML escaping ("&" stays "&")."""
    return get_template(name).template.render(Context(context, autoescape=False))


def render_template(template: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) from ``<template>_subject.txt``, ``.txt`` and ``.html``.

    An HTML template that is not a whole document is put in one whose ``lang`` and
    ``dir`` are the active language's (the message's), so Arabic reads right to left.
    """
    subject = one_line(_plain(f"{template}_subject.txt", context))
    text = _plain(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    if html.lstrip()[:9].lower() != "<!doctype":
        # Safe: the output of a template, escaped as it rendered.
        html = render_to_string("core/email/document.html", {"body": mark_safe(html)})  # noqa: S308
    return subject, text, html


# --- the email as it goes out ---


def build_email(message: Message, rendered: Email, connection) -> EmailMultiAlternatives:
    sender = settings.DEFAULT_FROM_EMAIL
    if rendered.from_name:
        sender = formataddr((one_line(rendered.from_name), parseaddr(sender)[1]))
    email = EmailMultiAlternatives(
        subject=one_line(rendered.subject),
        body=rendered.text,
        from_email=sender,
        to=[message.to_email],
        reply_to=[rendered.reply_to] if rendered.reply_to else None,
        headers={name: one_line(value) for name, value in rendered.headers.items()},
        connection=connection,
    )
    email.attach_alternative(rendered.html, "text/html")
    for filename, content, mimetype in rendered.attachments:
        if mimetype.startswith("image/"):
            email.attach(_inline_image(filename, content, mimetype))
        else:
            email.attach(filename, content, mimetype)
    return email


def _inline_image(filename: str, content: bytes, mimetype: str) -> MIMEImage:
    filename = one_line(filename)
    part = MIMEImage(content, _subtype=mimetype.split("/", 1)[1])
    part.add_header("Content-ID", f"<{filename}>")
    part.add_header("Content-Disposition", "inline", filename=filename)
    return part


# --- rows queued before the outbox rendered at delivery ---

FINISHED = "outbox/finished"


def render_finished(message: Message) -> Email:
    """A message queued before Turnout rendered at delivery, sent as it was written then.

    Such a row (copied by mailing's migration 0004) holds its finished subject, bodies,
    headers and attachments in ``params``: what it is about cannot be rendered again the
    same way (its links were made when it was queued and are not stored anywhere else).
    Its params are cleared once it is sent, like every message's.
    """
    p = message.params
    return Email(
        subject=p["subject"],
        text=p["text"],
        html=p["html"],
        from_name=p.get("from_name", ""),
        reply_to=p.get("reply_to", ""),
        headers=p.get("headers", {}),
        attachments=[
            (
                a["filename"],
                base64.b64decode(a["content"]) if a.get("base64") else a["content"],
                a["mimetype"],
            )
            for a in p.get("attachments", [])
        ],
    )
