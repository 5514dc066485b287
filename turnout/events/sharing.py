"""What a meeting is shared as: one short line ("title · day and time · place") and the
links that carry it to WhatsApp, Telegram, an email and a Mastodon server.

The line is in the meeting's language, as its flyer and calendar file are, whoever
shares it: the people it is forwarded to are the meeting's public. The place is the one
the public may read (turnout.events.places: the area of a private address). A cancelled
meeting is shared as cancelled, since passing that on is useful too. An unlisted
meeting's page link is shared like any other: whoever shares it has that link.

Every value goes into its URL percent-encoded (spaces as ``%20``: mail programs read a
``+`` in a ``mailto:`` as a plus sign), so a title of ``<script>`` arrives as text.
"""

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from turnout.core.hostnames import clean_public_host
from turnout.core.links import absolute_url
from turnout.core.timefmt import event_when
from turnout.events import places
from turnout.events.ical import plain
from turnout.events.models import Event


@dataclass(frozen=True)
class ShareLinks:
    url: str  # the meeting's page, to copy
    title: str
    text: str  # the line, without the link
    whatsapp: str
    telegram: str
    email: str


def _query(params: dict[str, str]) -> str:
    return urlencode(params, quote_via=quote)


def page_link(event: Event) -> str:
    return absolute_url("public:event", group=event.group.slug, event=event.slug)


def share_text(event: Event) -> str:
    """ "What internationalism means · Tuesday 8 December, 7pm – 9pm · Community Centre",
    in the meeting's language."""
    place = places.public_place(event)
    with translation.override(event.language):
        title = plain(event.title).replace("\n", " ")
        if event.is_cancelled:
            title = _("Cancelled: %(title)s") % {"title": title}
        online = _("Online") if event.online_url else ""
        where = place.name if place else online
        parts = [title, event_when(event), plain(where).replace("\n", " ")]
    return " · ".join(part for part in parts if part)


def share_links(event: Event) -> ShareLinks:
    url, text = page_link(event), share_text(event)
    title = plain(event.title).replace("\n", " ")
    return ShareLinks(
        url=url,
        title=title,
        text=text,
        whatsapp="https://wa.me/?" + _query({"text": f"{text} {url}"}),
        telegram="https://t.me/share/url?" + _query({"url": url, "text": text}),
        email="mailto:?" + _query({"subject": title, "body": f"{text}\n\n{url}"}),
    )


def mastodon_server(*, typed: str, remembered: str) -> str:
    """The server to share on: the one typed, or, when the field is left empty, the one
    remembered from last time (checked again: a cookie can be changed). A
    ValidationError with the reason otherwise."""
    if not typed.strip() and remembered:
        try:
            return clean_public_host(remembered)
        except ValidationError:
            pass  # a tampered cookie: ask for the server instead
    return clean_public_host(typed)


def mastodon_share_url(event: Event, *, server: str) -> str:
    """That server's page to write a post holding the line and the link (``server`` is
    a name ``mastodon_server`` accepted)."""
    return f"https://{server}/share?" + _query({"text": f"{share_text(event)} {page_link(event)}"})
