"""What the composition layer does when a meeting changes (turnout.events.hooks).

A meeting whose place changed as the public reads it (its address made private, or
public again, or its venue changed) drops the copies of the public pages that show it
from the page cache at once, once the change is committed, instead of letting them
expire a few seconds later, and the flyer files rendered before the change are deleted:
an address made private must not be served again from a copy. Connected in
PagesConfig.ready().
"""

from django.db import transaction

from turnout.core import pagecache
from turnout.events import hooks, places
from turnout.events.models import Event
from turnout.flyers import cache as flyer_files
from turnout.flyers import render as flyers


def forget_public_copies(*, event: Event, before: Event, **kwargs) -> None:
    """The page cache's copies go, once the change is committed; so do the flyer files as
    they were before the change (they would show the address to whoever still had their
    hash)."""
    if places.public_place(event) == places.public_place(before):
        return
    shown = flyers.facts(before)
    for size in flyers.SIZES:
        flyer_files.remove(flyers.cache_key(shown, size), "pdf")
    flyer_files.remove(flyers.cache_key(shown, flyers.SOCIAL), "png")
    transaction.on_commit(pagecache.drop_all)


def connect() -> None:
    hooks.meeting_changed.connect(
        forget_public_copies, sender=Event, dispatch_uid="pages.forget_public_copies"
    )
