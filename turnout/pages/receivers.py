"""What the composition layer does when a meeting changes (turnout.events.hooks).

A meeting made unlisted (or listed again), or whose place changed as the public reads it
(its address made private, or public again, or its venue changed), drops every cached
public page at once instead of letting them expire a few seconds later, and a change of
place deletes the flyer files rendered before it: a meeting taken off the listings or an
address made private must not be served again from a copy. Connected in
PagesConfig.ready().
"""

from django.db import transaction

from turnout.core import pagecache
from turnout.events import hooks, places
from turnout.events.models import Event
from turnout.flyers import cache as flyer_files
from turnout.flyers import render as flyers


def forget_public_copies(*, event: Event, before: Event, **kwargs) -> None:
    """Every cached public page goes, now and again once the change is committed (a page
    cached meanwhile could still show it); and the flyer files as they were before a
    change of place (they would show the address to whoever still had their hash)."""
    place_changed = places.public_place(event) != places.public_place(before)
    if event.unlisted == before.unlisted and not place_changed:
        return
    if place_changed:
        shown = flyers.facts(before)
        for size in flyers.SIZES:
            flyer_files.remove(flyers.cache_key(shown, size), "pdf")
        flyer_files.remove(flyers.cache_key(shown, flyers.SOCIAL), "png")
    pagecache.drop_all()
    transaction.on_commit(pagecache.drop_all)


def connect() -> None:
    hooks.meeting_changed.connect(
        forget_public_copies, sender=Event, dispatch_uid="pages.forget_public_copies"
    )
