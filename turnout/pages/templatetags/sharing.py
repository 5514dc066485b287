"""``{% load sharing %}``: ``{% share_panel event %}``, the meeting page's Share panel
(pages/_share.html): the links of turnout.events.sharing, the Mastodon form and the
poster's files."""

from django import template

from turnout.events import sharing

register = template.Library()


@register.inclusion_tag("pages/_share.html", takes_context=True)
def share_panel(context, event) -> dict:
    return {
        "event": event,
        "group": event.group,
        "share": sharing.share_links(event),
        # The page's own token, or the page cache's placeholder for it.
        "csrf_token": context.get("csrf_token"),
        # A poster is for a meeting still to come.
        "posters": not event.is_cancelled and not event.is_past,
    }
