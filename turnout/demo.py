"""Demo data: the reference flyer's meeting, and a second group with a past and a future one.

The first group's facts (title, tagline, weekday and time, venue, postcode,
organiser) come from the real flyer in shared/reference/; the prose is ours, and
the contact address is at example.org, never the group's real one.
"""

import datetime as dt
import zoneinfo

from django.db import transaction
from django.utils import timezone

from turnout.events import services as events
from turnout.events.models import PublicCounts
from turnout.groups import services as groups
from turnout.groups.models import Group, User

LONDON = "Europe/London"


def next_weekday(after: dt.date, weekday: int) -> dt.date:
    """The first given weekday strictly after ``after`` (Monday is 0)."""
    return after + dt.timedelta(days=(weekday - after.weekday() - 1) % 7 + 1)


@transaction.atomic
def load_demo(*, organiser_email: str, organiser_password: str) -> bool:
    """Create the demo groups once; returns False when they are already there."""
    if Group.objects.filter(slug="ukraine-information-group").exists():
        return False
    organiser = User.objects.filter(email=organiser_email).first()
    if organiser is None:
        organiser = User.objects.create_user(
            email=organiser_email, name="Demo Organiser", password=organiser_password
        )
        groups.verify_email(user=organiser)
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(LONDON)).date()
    _ukraine_information_group(organiser, today)
    _tenants_union(organiser, today)
    return True


def _ukraine_information_group(organiser: User, today: dt.date) -> None:
    group = groups.create_group(
        owner=organiser,
        name="Ukraine Information Group",
        slug="ukraine-information-group",
        about=(
            "We are volunteers in London who share news and analysis from Ukraine, and who "
            "build links with other people resisting occupation. Our public meetings are open "
            "to everyone: come to listen, ask questions and argue."
        ),
        contact_email="ukraine-information-group@example.org",
        time_zone=LONDON,
        language="en",
    )
    venue = groups.create_venue(
        group=group,
        name="Community Centre",
        address_line1="62 Marchmont St",
        city="London",
        postcode="WC1N 1AB",
        country="United Kingdom",
    )
    tuesday = next_weekday(today, 1)
    event = events.create_event(
        group=group,
        title="What internationalism means",
        tagline="Unite the struggles of Palestine, Ukraine and beyond",
        description=(
            "Ukrainians and Palestinians both live under occupation by a far stronger power, "
            "and both have the right to resist it. Yet much of the Western political class "
            "stands with one and not the other, and part of the left makes the opposite "
            "choice.\n\n"
            "At this meeting we ask what solidarity without double standards looks like: how to "
            "support every people resisting occupation and oppression, from Ukraine and "
            "Palestine to Sudan, eastern Congo and Kashmir, and how to link those struggles "
            "in practice.\n\n"
            "Everyone is welcome. Bring your questions."
        ),
        start_date=tuesday,
        start_time=dt.time(19, 0),
        end_time=dt.time(21, 0),
        venue=venue,
        capacity=60,
        max_guests=2,
        public_counts=PublicCounts.SEATS_LEFT,
    )
    events.publish_event(event=event)


def _tenants_union(organiser: User, today: dt.date) -> None:
    group = groups.create_group(
        owner=organiser,
        name="Riverside Tenants Union",
        slug="riverside-tenants",
        about="Renters on the Riverside estate, meeting monthly to fix repairs and rents together.",
        contact_email="riverside-tenants@example.org",
        time_zone=LONDON,
        language="en",
    )
    hall = groups.create_venue(
        group=group,
        name="St Mark's Hall",
        address_line1="12 Example Road",
        city="London",
        postcode="E1 6AN",
        country="United Kingdom",
        accessibility=(
            "Step-free entrance from the car park. Accessible toilet on the ground floor."
        ),
    )
    for day, title in (
        (today - dt.timedelta(days=21), "Repairs clinic and open meeting"),
        (today + dt.timedelta(days=17), "Rent rise: what we can do"),
    ):
        event = events.create_event(
            group=group,
            title=title,
            tagline="Monthly meeting of the Riverside Tenants Union",
            description="Bring letters from your landlord if you have them. Tea provided.",
            start_date=day,
            start_time=dt.time(18, 30),
            end_time=dt.time(20, 0),
            venue=hall,
            capacity=40,
        )
        events.publish_event(event=event)
