"""A meeting's web addresses are kept for good (turnout.events.models.EventSlug).

Every address a meeting has had stays that meeting's: no other meeting of the group can
take it, not even after the meeting is deleted, because a flyer printed with a QR code
to it cannot be recalled. The meeting itself may take an old address back.
turnout.events.services calls these when it saves a meeting; a deleted meeting's
address is kept by ``keep_address_of_deleted_event`` (a ``pre_delete`` receiver, since
the admin deletes without a service).

Which address a meeting gets is decided here too: from its title and date, or, for an
unlisted meeting, a random one (``unlisted_slug``). An unlisted meeting's earlier
addresses lead nowhere: the public must not learn its new one from an old link.
"""

import datetime as dt
import secrets
import string

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from turnout.core.slugs import slug_from
from turnout.events.models import UNLISTED_SLUG_LENGTH, Event, EventSlug
from turnout.groups.models import Group


def taken_message() -> str:
    return _(
        "This address was used by another meeting of this group and stays with it, so "
        "that old links and printed QR codes never lead to a different meeting. Choose "
        "another address."
    )


def kept_slugs(*, group: Group, prefix: str) -> QuerySet:
    """Every address starting with ``prefix`` that a meeting of ``group`` has or had."""
    return EventSlug.objects.filter(group=group, slug__startswith=prefix).values_list(
        "slug", flat=True
    )


def taken_by_another(*, event: Event) -> bool:
    """Whether ``event.slug`` was the address of another meeting of its group (deleted
    ones included). One another meeting has now is left to the caller's own check."""
    kept = EventSlug.objects.filter(group_id=event.group_id, slug=event.slug)
    if event.pk is not None:
        kept = kept.exclude(event_id=event.pk)  # a deleted meeting's (None) stays in
    return kept.exists()


def keep(*, event: Event, slugs: list[str]) -> bool:
    """Record ``slugs`` (its address before a change, and now) as the meeting's for good.

    Inside the saving transaction. False if an address belongs to another meeting (a
    race the check before saving could not see): the caller then refuses the change.
    """
    for slug in dict.fromkeys(s for s in slugs if s):
        kept, _created = EventSlug.objects.get_or_create(
            group_id=event.group_id, slug=slug, defaults={"event": event}
        )
        if kept.event_id != event.pk:
            return False
    return True


def unique_slug(*, group: Group, base: str, exclude_pk: int | None = None) -> str:
    """``base``, or ``base-2``, ``base-3``...: the first that no other meeting of the group
    has or had (the meeting ``exclude_pk`` may take its own old address back)."""
    taken = set(
        Event.objects.filter(group=group, slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    kept = kept_slugs(group=group, prefix=base)  # old addresses stay theirs
    taken.update(kept.exclude(event_id=exclude_pk) if exclude_pk else kept)
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def readable_slug(
    *, group: Group, title: str, start_date: dt.date, exclude_pk: int | None = None
) -> str:
    """A listed meeting's address when the organiser leaves it to Turnout: its title and
    date, e.g. ``what-internationalism-means-2026-06-11``."""
    base = f"{slug_from(title, fallback='event', max_length=38)}-{start_date:%Y-%m-%d}"
    return unique_slug(group=group, base=base, exclude_pk=exclude_pk)


def unlisted_slug(*, group: Group) -> str:
    """A new address for an unlisted meeting: random lower-case letters and digits from
    ``secrets`` (16 of them, about 82 bits), and nothing else.

    No word of the title or date: a web address leaks through browser history, proxies'
    logs, shared screens and chat previews, and one with the title in it would tell
    whoever sees it what the meeting is about, or let them guess it from the title.
    """
    alphabet = string.ascii_lowercase + string.digits
    while True:
        slug = "".join(secrets.choice(alphabet) for _ in range(UNLISTED_SLUG_LENGTH))
        if not EventSlug.objects.filter(group=group, slug=slug).exists():
            return slug  # (every current address is kept too; a clash is all but impossible)


def unlisted_slug_typed_message() -> str:
    return _(
        "An unlisted meeting’s web address is made by Turnout, so that nobody can guess it "
        "from the title. Leave the web address as it is."
    )


def address_for_listing(*, event: Event, before: Event, fields: dict) -> None:
    """Set ``fields["slug"]`` by the listing rule, before the change is checked.

    An unlisted meeting keeps its random address; one that becomes unlisted gets a new
    one (its old addresses stay its own and answer 404: ``event_at``); one
    listed again takes an address from its title and date, its own old one if it had
    it. The address posted back unchanged by the form counts as untouched; any other
    typed address of an unlisted meeting is refused.
    """
    unlisted = fields.get("unlisted", before.unlisted)
    typed = fields.get("slug")
    if unlisted:
        if typed not in (None, before.slug):
            raise ValidationError({"slug": unlisted_slug_typed_message()})
        fields["slug"] = before.slug if before.unlisted else unlisted_slug(group=event.group)
    elif before.unlisted and typed in (None, before.slug):
        fields["slug"] = readable_slug(
            group=event.group,
            title=fields.get("title", before.title),
            start_date=fields.get("start_date", before.start_date),
            exclude_pk=event.pk,
        )


def event_at(*, group: Group, slug: str) -> Event | None:
    """The meeting of ``group`` whose address is, or was, ``slug``; None if none, if it
    was deleted, or if it is a draft or an unlisted meeting, whose new address the
    public must not learn (an unlisted meeting's old addresses answer 404 for good)."""
    event = Event.objects.filter(group=group, slug=slug).first()
    if event is None:
        kept = EventSlug.objects.filter(group=group, slug=slug, event__isnull=False)
        kept = kept.exclude(event__status=Event.Status.DRAFT).exclude(event__unlisted=True)
        kept = kept.select_related("event")
        event = next((row.event for row in kept[:1]), None)
    return event


def keep_address_of_deleted_event(sender, instance: Event, origin=None, **kwargs) -> None:
    """Before a meeting is deleted (by any path, the admin's included), its current
    address is kept with no meeting, so no other meeting of the group can take it; its
    earlier ones lose their meeting by ``on_delete=SET_NULL`` and stay kept too.

    Not when the whole group is being deleted: its rows go with it (a row written now
    would be deleted with them), and the group's own address, kept for good, is what
    stops anyone reaching its meetings' addresses again.
    """
    source = origin.model if isinstance(origin, QuerySet) else type(origin)
    if isinstance(source, type) and issubclass(source, Group):
        return
    EventSlug.objects.get_or_create(
        group_id=instance.group_id, slug=instance.slug, defaults={"event": None}
    )
