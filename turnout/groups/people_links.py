"""Links that apps above groups add to a group's people page.

The people page is groups', and groups may not import the apps above it (layers), yet
some of them keep people-like things of a group: federation keeps the fediverse accounts
following it, some waiting for an organiser's approval. Each such app registers a link
here from its ``AppConfig.ready()``: a label, the URL name of its own organiser page
(reversed with the group's slug), and optionally a short note about the group (how many
wait). The people page shows them; groups names none of them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from turnout.groups.models import Group


@dataclass(frozen=True)
class PeopleLink:
    label: str
    url_name: str
    note: Callable[[Group], str] | None = None


_registered: dict[str, PeopleLink] = {}


def register(*, key: str, label: str, url_name: str, note: Callable[[Group], str] | None = None):
    """Add a link to every group's people page (the same key again replaces it)."""
    _registered[key] = PeopleLink(label, url_name, note)


def for_group(group: Group) -> list[dict]:
    """The links as the template shows them: label, url and note."""
    return [
        {
            "label": link.label,
            "url": reverse(link.url_name, kwargs={"group": group.slug}),
            "note": link.note(group) if link.note else "",
        }
        for link in _registered.values()
    ]
