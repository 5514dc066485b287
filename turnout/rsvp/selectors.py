"""Reads about registrations."""

from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from turnout.core.tokens import token_hash
from turnout.events.models import Event
from turnout.rsvp.models import ON_WAITLIST, PENDING_REQUEST, TAKING_SEATS, Registration


def seats_taken(*, event: Event) -> int:
    """Seats taken by held and confirmed parties, counted from the registrations.

    ``Event.seats_taken`` is the counter kept equal to this without counting.
    """
    total = event.registrations.filter(status__in=TAKING_SEATS).aggregate(n=Sum(F("guests") + 1))[
        "n"
    ]
    return total or 0


def registration_for_token(*, token: str) -> Registration | None:
    """The registration whose page this secret token opens (only the latest link works)."""
    return (
        Registration.objects.select_related("event", "event__group")
        .filter(token_hash=token_hash(token))
        .first()
    )


def with_waitlist_place(registrations: QuerySet) -> QuerySet:
    """Each registration with ``waitlist_place``: 1 for the first in the queue, counting
    the parties still waiting ahead of it; None for anyone not waiting in it. The one
    definition the organiser's list and the attendee's page both show.

    Only entries with a confirmed email wait in the queue; an unconfirmed one joins it,
    in its place by joining order, when confirmed. (The stored ``waitlist_position`` only
    orders the queue: it keeps its gaps as people leave.)
    """
    ahead = (
        Registration.objects.filter(
            event_id=OuterRef("event_id"),
            status=Registration.Status.WAITLISTED,
            waitlist_position__lt=OuterRef("waitlist_position"),
        )
        .values("event_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return registrations.annotate(
        waitlist_place=Case(
            When(
                status=Registration.Status.WAITLISTED,
                then=Coalesce(Subquery(ahead, output_field=IntegerField()), 0) + 1,
            ),
            default=None,
            output_field=IntegerField(),
        )
    )


def waitlist_place(*, registration: Registration) -> int | None:
    """The registration's place in the waitlist now (see ``with_waitlist_place``)."""
    found = with_waitlist_place(Registration.objects.filter(pk=registration.pk))
    return found.values_list("waitlist_place", flat=True).first()


# The organisers' filters of an event's registrations, in the order they are offered.
SHOWN = {
    "confirmed": Q(status=Registration.Status.CONFIRMED),
    "held": Q(status=Registration.Status.HELD),
    "waitlisted": Q(status__in=ON_WAITLIST),
    "requested": Q(status__in=PENDING_REQUEST),
    "declined": Q(status=Registration.Status.DECLINED),
    "cancelled": Q(status=Registration.Status.CANCELLED),
    "attended": Q(attended_at__isnull=False),
}


def registration_counts(*, event: Event) -> dict[str, int]:
    """How many registrations each filter shows, and ``all``, in one query."""
    counts = {name: Count("pk", filter=q) for name, q in SHOWN.items()}
    return event.registrations.aggregate(all=Count("pk"), **counts)


def registrations_for_organisers(*, event: Event, shown: str = "", search: str = "") -> QuerySet:
    """The event's registrations under one filter (all if unknown), matching ``search``
    in the name or email."""
    found = with_waitlist_place(event.registrations.select_related("added_by"))
    found = found.order_by("created_at", "pk")
    if shown in SHOWN:
        found = found.filter(SHOWN[shown])
    search = search.strip()
    if search:
        found = found.filter(Q(name__icontains=search) | Q(email__icontains=search))
    return found


def pending_requests(*, event: Event) -> QuerySet:
    """Requests waiting for an organiser's answer (email confirmed), oldest first."""
    return event.registrations.filter(status=Registration.Status.REQUESTED).order_by(
        "created_at", "pk"
    )


def request_counts(*, event: Event) -> dict[str, int]:
    """Requests waiting for an answer, and those still waiting for the person to confirm
    their email, in one query."""
    return event.registrations.aggregate(
        waiting=Count("pk", filter=Q(status=Registration.Status.REQUESTED)),
        unconfirmed=Count("pk", filter=Q(status=Registration.Status.REQUEST_UNCONFIRMED)),
    )


EXPORT_HEADER = [
    "name", "email", "guests", "seats", "status", "waitlist_place", "registered_at",
    "confirmed_at", "checked_in_at", "source", "over_capacity", "access_needs",
]  # fmt: skip


_EXPORTED = (
    "name", "email", "guests", "status", "waitlist_place", "created_at", "confirmed_at",
    "attended_at", "source", "over_capacity", "access_needs", "anonymised_at",
)  # fmt: skip


def attendee_rows(*, event: Event) -> Iterator[tuple]:
    """Every registration of the event as a row of ``EXPORT_HEADER``, times in the event's
    zone, fetched in chunks (an export of any size in constant memory). An anonymised
    registration is named "Anonymised" (in the language of the request), its email empty."""
    anonymised = str(_("Anonymised"))  # now: the rows are made after the request's language
    return _attendee_rows(event, anonymised)


def _attendee_rows(event: Event, anonymised: str) -> Iterator[tuple]:
    zone = ZoneInfo(event.time_zone)

    def local(value) -> str:
        return value.astimezone(zone).isoformat(timespec="minutes") if value else ""

    rows = with_waitlist_place(event.registrations.order_by("created_at", "pk"))
    rows = rows.values(*_EXPORTED)
    for r in rows.iterator(chunk_size=2000):
        yield (
            anonymised if r["anonymised_at"] else r["name"], r["email"], r["guests"],
            1 + r["guests"], r["status"],
            r["waitlist_place"] or "", local(r["created_at"]), local(r["confirmed_at"]),
            local(r["attended_at"]), r["source"], "yes" if r["over_capacity"] else "",
            r["access_needs"],
        )  # fmt: skip


def door_list(*, event: Event, search: str = "") -> QuerySet:
    """The people to let in, by name: everyone but the cancelled, the declined and the
    requests not approved, unless searched for."""
    found = event.registrations.order_by("name", "pk")
    search = search.strip()
    if search:
        return found.filter(name__icontains=search)
    ended = (Registration.Status.CANCELLED, Registration.Status.DECLINED)
    return found.exclude(status__in=[*ended, *PENDING_REQUEST])


def door_counts(*, event: Event) -> dict[str, int]:
    """In one query: the people expected (confirmed or held), how many of them are
    checked in, and who else is in the room (checked in, then removed; or let in anyway
    while cancelled or waiting), counted apart so that "here" never exceeds "expected"."""
    expected, here = Q(status__in=TAKING_SEATS), Q(attended_at__isnull=False)
    return event.registrations.aggregate(
        checked_in=Count("pk", filter=expected & here),
        expected=Count("pk", filter=expected),
        also_here=Count("pk", filter=~expected & here),
    )


def with_numbers(events: QuerySet[Event]) -> QuerySet[Event]:
    """Each meeting with the figures its organisers look at, in the same query whatever
    the number of meetings: ``seats_confirmed`` (``seats_held`` and the capacity come
    with the meeting's own counters), ``waitlisted`` (the parties waiting in the queue,
    as ``with_waitlist_place`` counts them) and ``checked_in`` (everyone let in at the
    door, as the door counts the room)."""
    return events.annotate(
        seats_confirmed=F("seats_taken") - F("seats_held"),
        waitlisted=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
        ),
        checked_in=Count("registrations", filter=Q(registrations__attended_at__isnull=False)),
    )
