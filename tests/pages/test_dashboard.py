"""The organiser's dashboard (/organise/): their next meetings across their groups with
the numbers that matter, drafts waiting, the last announcements and their groups."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_event, make_group, make_user
from tests.rsvp.helpers import confirmed
from turnout.events import services as events
from turnout.groups.models import Membership
from turnout.mailing.services import announcements
from turnout.rsvp import services as rsvp


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def titles(html: str, section: str) -> list[str]:
    """The meeting titles listed in one section of the page (by its heading's id)."""
    part = html.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<h3 class="card-title"><a [^>]*dir="auto">([^<]+)</a>', part)


def numbers(html: str, title: str) -> dict[str, str]:
    """The figures shown on one meeting's card, by their label."""
    card = html.split(f'dir="auto">{title}</a>', 1)[1].split("</li>", 1)[0]
    return dict(re.findall(r"<dt>([^<]+)</dt>\s*<dd>([^<]+)</dd>", card))


def registered(event, *, name: str, status: str) -> None:
    """Someone registered to ``event`` who is held, confirmed or on the waitlist."""
    registration, _created = rsvp.register(
        event=event, name=name, email=f"{name.lower()}@example.org"
    )
    if status != "held":
        rsvp.confirm(registration=registration)


# --- next meetings ---


def test_next_meetings_are_my_published_upcoming_ones_soonest_first(organiser_client, group):
    second_group = make_group(owner=group.memberships.get().user, name="Tenants Union")
    make_event(group=group, title="In ten days", days_ahead=10)
    make_event(group=second_group, title="In three days", days_ahead=3)
    make_event(group=group, title="Yesterday", days_ahead=-1)
    make_event(group=group, title="A draft", days_ahead=2, published=False)
    make_event(group=make_group(name="Someone else"), title="Not mine", days_ahead=1)

    html = page(organiser_client.get("/organise/"))

    assert titles(html, "next-heading") == ["In three days", "In ten days"]


def test_todays_meeting_stays_listed_after_it_ended(organiser_client, group):
    make_event(
        group=group,
        title="This morning",
        start_date=timezone.localdate(),
        start_time=dt.time(0, 0),
        end_time=dt.time(0, 1),
        time_zone="UTC",
    )

    html = page(organiser_client.get("/organise/"))

    assert titles(html, "next-heading") == ["This morning"]


def test_each_meeting_shows_confirmed_held_capacity_and_waitlist(organiser_client, group):
    event = make_event(group=group, title="Small room", capacity=3, max_guests=2)
    confirmed(event, "Anna One", guests=1)
    registered(event, name="Bohdan", status="held")
    registered(event, name="Chrystia", status="waitlisted")
    registered(event, name="Dmytro", status="waitlisted")

    html = page(organiser_client.get("/organise/"))

    assert numbers(html, "Small room") == {
        "Confirmed": "2",
        "Held": "1",
        "Capacity": "3",
        "Waitlist": "2",
    }


def test_checked_in_is_shown_on_the_day_only(organiser_client, group, organiser):
    today = make_event(
        group=group,
        title="Tonight",
        start_date=timezone.localdate(),
        start_time=dt.time(23, 58),
        end_time=dt.time(23, 59),
        time_zone="UTC",
    )
    later = make_event(group=group, title="Next week", days_ahead=7)
    walk_in = rsvp.add_by_organiser(event=today, name="Walk In", by=organiser, walk_in=True)
    rsvp.add_by_organiser(event=today, name="Expected", by=organiser)
    rsvp.add_by_organiser(event=later, name="Early", by=organiser)

    html = page(organiser_client.get("/organise/"))

    assert walk_in.attended_at is not None
    assert numbers(html, "Tonight")["Checked in"] == "1"
    assert "Checked in" not in numbers(html, "Next week")


def test_each_meeting_links_to_registrations_door_edit_and_share(organiser_client, group):
    event = make_event(group=group, title="Linked")
    base = f"/organise/groups/uig/events/{event.slug}/"

    html = page(organiser_client.get("/organise/"))

    card = html.split('dir="auto">Linked</a>', 1)[1].split("</li>", 1)[0]
    assert f'href="{base}registrations/">Registrations</a>' in card
    assert f'href="{base}door/">Door</a>' in card
    assert f'href="{base}">Edit</a>' in card
    assert f'href="/uig/events/{event.slug}/#share-heading">Share</a>' in card


# --- drafts and announcements ---


def test_drafts_waiting_lists_my_groups_drafts(organiser_client, group):
    make_event(group=group, title="Half written", published=False)
    make_event(group=group, title="Already out")
    make_event(group=make_group(), title="Their draft", published=False)

    html = page(organiser_client.get("/organise/"))

    assert titles(html, "drafts-heading") == ["Half written"]


def test_last_announcements_of_my_groups_with_their_status(organiser_client, group, organiser):
    announcements.create(group=group, subject="Come on Tuesday", body="Hi", created_by=organiser)
    other = make_group()
    announcements.create(group=other, subject="Not ours", body="Hi", created_by=None)

    html = page(organiser_client.get("/organise/"))

    part = html.split('id="announcements-heading"', 1)[1].split("</section>", 1)[0]
    assert "Come on Tuesday" in part
    assert '<span class="badge draft">draft</span>' in part
    assert "Not ours" not in html


def test_my_groups_are_still_listed_with_a_way_to_start_one(organiser_client, group):
    html = page(organiser_client.get("/organise/"))

    assert '<a href="/organise/groups/uig/" dir="auto">Ukraine Information Group</a>' in html
    assert 'href="/organise/new-group/"' in html


# --- who sees what ---


def test_someone_not_organising_a_group_sees_none_of_its_meetings(client, group):
    make_event(group=group, title="Private business")
    make_event(group=group, title="Unfinished", published=False)
    stranger = make_user(email="stranger@example.org")
    make_group(owner=stranger, name="Their own group")
    client.force_login(stranger)

    html = page(client.get("/organise/"))

    assert "Private business" not in html and "Unfinished" not in html
    assert titles(html, "next-heading") == []


def test_a_removed_organiser_no_longer_sees_the_groups_meetings(client, group):
    make_event(group=group, title="After they left")
    former = make_user(email="former@example.org")
    Membership.objects.create(group=group, user=former, role=Membership.Role.ORGANISER)
    Membership.objects.filter(user=former).delete()
    client.force_login(former)

    assert "After they left" not in page(client.get("/organise/"))


def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in(client, group):
    response = client.get("/organise/")

    assert response.status_code == 302
    assert response["Location"] == "/organise/login/?next=/organise/"


# --- queries ---


@pytest.mark.parametrize("path", ["/organise/", "/organise/groups/uig/"])
def test_pages_take_as_many_queries_for_20_meetings_as_for_2(
    organiser_client, group, organiser, path
):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            page(organiser_client.get(path))
        return len(queries)

    for n in (2, 18):
        for i in range(n):
            event = make_event(group=group, capacity=5)
            confirmed(event, f"Person{n}x{i} Here")
            make_event(group=group, published=False)
            make_event(group=group, days_ahead=-3 - i)
            announcements.create(group=group, subject=f"News {i}", body="Hi", created_by=organiser)
        if n == 2:
            two = count()
    assert count() == two


# --- a group's page ---


def test_group_page_lists_upcoming_soonest_first_then_past_most_recent_first(
    organiser_client, group
):
    make_event(group=group, title="Far", days_ahead=20)
    make_event(group=group, title="Soon", days_ahead=2)
    make_event(group=group, title="Draft", days_ahead=5, published=False)
    make_event(group=group, title="Long ago", days_ahead=-30)
    make_event(group=group, title="Last week", days_ahead=-7)

    html = page(organiser_client.get("/organise/groups/uig/"))

    assert titles(html, "upcoming-heading") == ["Soon", "Draft", "Far"]
    assert titles(html, "past-heading") == ["Last week", "Long ago"]


def test_group_page_shows_the_same_numbers(organiser_client, group):
    event = make_event(group=group, title="Counted", capacity=2, max_guests=2)
    confirmed(event, "Anna One", guests=1)
    registered(event, name="Bohdan", status="waitlisted")

    html = page(organiser_client.get("/organise/groups/uig/"))

    assert numbers(html, "Counted") == {
        "Confirmed": "2",
        "Held": "0",
        "Capacity": "2",
        "Waitlist": "1",
    }


def test_group_page_leads_with_meetings_and_one_settings_link(organiser_client, group):
    html = page(organiser_client.get("/organise/groups/uig/"))

    before_meetings = html.split("<main", 1)[1].split('id="upcoming-heading"', 1)[0]
    assert '<a href="/organise/groups/uig/settings/">Group settings</a>' in before_meetings
    # Back to the dashboard, New meeting, Group settings, the public page: no more.
    assert before_meetings.count("<a ") == 4
    for moved in ("subscribers/", "announcements/", "imports/", "comparisons/", "venues/new/"):
        assert f'href="/organise/groups/uig/{moved}"' not in html


def test_settings_page_lists_the_groups_settings(organiser_client, group):
    html = page(organiser_client.get("/organise/groups/uig/settings/"))

    for link in (
        "edit/",
        "venues/new/",
        "subscribers/",
        "announcements/",
        "imports/",
        "comparisons/",
        "people/",
        "invite/",
        "audit/",
    ):
        assert f'href="/organise/groups/uig/{link}"' in html


def test_settings_page_of_a_co_organiser_has_no_owners_links(client, group):
    taras = make_user(email="taras@example.org")
    Membership.objects.create(group=group, user=taras, role=Membership.Role.ORGANISER)
    client.force_login(taras)

    html = page(client.get("/organise/groups/uig/settings/"))

    for owners_only in ("edit/", "invite/", "audit/", "picture/"):
        assert f'href="/organise/groups/uig/{owners_only}"' not in html
    assert 'href="/organise/groups/uig/subscribers/"' in html


def test_settings_page_of_another_group_is_404(outsider_client, group):
    assert outsider_client.get("/organise/groups/uig/settings/").status_code == 404


def test_cancelled_meeting_is_labelled_on_the_group_page(organiser_client, group, organiser):
    event = make_event(group=group, title="Called off")
    events.cancel_event(event=event, by=organiser)

    html = page(organiser_client.get("/organise/groups/uig/"))

    card = html.split('dir="auto">Called off</a>', 1)[1].split("</li>", 1)[0]
    assert '<span class="badge cancelled">cancelled</span>' in card


def test_the_dashboard_links_to_the_organisers_notification_settings(organiser_client):
    page = organiser_client.get(reverse("organise:dashboard")).content.decode()

    assert f'href="{reverse("accounts:notifications")}"' in page
