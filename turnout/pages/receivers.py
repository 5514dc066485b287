"""What the composition layer does when what the public pages show changes.

Every save or deletion of a row the cached public pages show (a meeting, its group, its
venue, its slugs, its statements, quotes and tables, the meetings imported from allies)
gives its group, and the listings, a new version in the page cache
(``turnout.core.pagecache.changed``): an organiser's change is seen at once, in every
process that shares the cache. The rows are found through Django's model signals
rather than each service, so that nothing that saves them (the admin, an import, a
script, the stored Markdown filled in again) can be missed; what is written without a
save (``QuerySet.update``: the seats held, an import's refresh of a row) is not followed,
and shows within ``TURNOUT_PAGE_CACHE_SECONDS``. A topic (shared by every group) or a
picture drops every cached page.

A meeting made unlisted (or listed again), or whose place changed as the public reads it
(its address made private, or public again, or its venue changed), also drops every
cached public page at once, and a change of place deletes the flyer files rendered
before it: a meeting taken off the listings or an address made private must not be
served again from a copy. Connected in PagesConfig.ready().
"""

from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from turnout.comparisons.models import Case, Cell, Citation, Comparison, Criterion
from turnout.core import pagecache
from turnout.events import hooks, places
from turnout.events.models import Event, EventSlug, Topic
from turnout.feeds.models import AlliedEvent, ImportSource
from turnout.flyers import cache as flyer_files
from turnout.flyers import render as flyers
from turnout.flyers.models import EventBlock, Quote, Statement
from turnout.groups.models import Group, GroupSlug, Venue

# The rows the public pages show, each with the path from it to its group.
SHOWN = {
    Event: "group",
    EventSlug: "group",
    Venue: "group",
    Statement: "group",
    Quote: "group",
    Comparison: "group",
    ImportSource: "group",
    AlliedEvent: "group",
    EventBlock: "event__group",
    Criterion: "comparison__group",
    Case: "comparison__group",
    Cell: "criterion__comparison__group",
    Citation: "cell__criterion__comparison__group",
}


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


def group_slugs(row: models.Model) -> set[str]:
    """The slugs of the group whose pages show ``row`` (an old address too); one query
    at most, by the row's own foreign key, so that it works for a row just deleted."""
    if isinstance(row, Group):
        return {row.slug}
    slugs = {row.slug} if isinstance(row, GroupSlug) else set()
    path = "group" if isinstance(row, GroupSlug) else SHOWN[type(row)]
    hop, _, rest = path.partition("__")
    field = type(row)._meta.get_field(hop)
    target = getattr(row, field.attname)
    if target is not None:
        lookup = f"{rest}__slug" if rest else "slug"
        found = field.related_model.objects.filter(pk=target).values_list(lookup, flat=True)
        slugs.update(found)
    return slugs


def shown_row_changed(*, instance: models.Model, **kwargs) -> None:
    """A row the public pages show was saved or deleted: its group's pages and the
    listings are built again."""
    scopes = [pagecache.group_scope(slug) for slug in group_slugs(instance)]
    pagecache.changed(pagecache.LISTINGS, *scopes)


def everything_changed(**kwargs) -> None:
    """A row shown by every group's pages (a topic) changed."""
    pagecache.drop_all()
    transaction.on_commit(pagecache.drop_all)


def topics_changed(*, instance, action: str, **kwargs) -> None:
    """A meeting's topics changed (only the meeting's side is followed: a topic's own
    change drops everything)."""
    if action.startswith("post_") and isinstance(instance, Event):
        shown_row_changed(instance=instance)


def connect() -> None:
    hooks.meeting_changed.connect(
        forget_public_copies, sender=Event, dispatch_uid="pages.forget_public_copies"
    )
    for model in [Group, GroupSlug, *SHOWN]:
        for signal in (post_save, post_delete):
            uid = f"pages.shown_row_changed.{model._meta.label}.{signal is post_save}"
            signal.connect(shown_row_changed, sender=model, dispatch_uid=uid)
    for signal in (post_save, post_delete):
        uid = f"pages.everything_changed.{signal is post_save}"
        signal.connect(everything_changed, sender=Topic, dispatch_uid=uid)
    m2m_changed.connect(
        topics_changed, sender=Event.topics.through, dispatch_uid="pages.topics_changed"
    )
