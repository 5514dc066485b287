"""A meeting's web addresses are kept for good (turnout.events.models.EventSlug).

Every address a meeting has had stays that meeting's: no other meeting of the group can
take it, not even after the meeting is deleted, because a flyer printed with a QR code
to it cannot be recalled. The meeting itself may take an old address back.
turnout.events.services calls these when it saves a meeting; a deleted meeting's
address is kept by ``keep_address_of_deleted_event`` (a ``pre_delete`` receiver, since
the admin deletes without a service).
"""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from turnout.events.models import Event, EventSlug
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


def event_at(*, group: Group, slug: str) -> Event | None:
    """The meeting of ``group`` whose address is, or was, ``slug``; None if none, if it
    was deleted, or if it is a draft whose new address the public must not learn."""
    event = Event.objects.filter(group=group, slug=slug).first()
    if event is None:
        kept = EventSlug.objects.filter(group=group, slug=slug, event__isnull=False)
        kept = kept.exclude(event__status=Event.Status.DRAFT).select_related("event")
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
