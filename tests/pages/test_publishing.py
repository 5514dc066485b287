"""The publishing flow: a draft seen by its organisers at its real address, "Now spread
it" after publishing, unpublish, delete, and the organisers' Edit link; with bad input."""

import icalendar
import pytest
from django.conf import settings
from django.test import Client

from tests.factories import make_event
from turnout.events.models import Event, EventSlug
from turnout.groups.models import AuditEntry
from turnout.rsvp import services as rsvp

pytestmark = pytest.mark.django_db
BAND = "Draft: only organisers see this"


@pytest.fixture
def draft(group, venue):
    return make_event(group=group, venue=venue, title="Draft meeting", published=False)


def page(event) -> str:
    return f"/{event.group.slug}/events/{event.slug}/"


def organise(event, action: str = "") -> str:
    return f"/organise/groups/{event.group.slug}/events/{event.slug}/{action}"


def register(event, name="Ann"):
    registration, _created = rsvp.register(
        event=event, name=name, email=f"{name.lower()}@example.org", guests=0
    )
    return registration


# The draft at its real address


def test_a_draft_is_shown_to_its_organisers_with_the_band_and_never_stored(
    organiser_client, draft, page_cache
):
    response = organiser_client.get(page(draft))

    assert response.status_code == 200
    assert BAND in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert Client().get(page(draft)).status_code == 404  # nothing was kept for others


def test_a_draft_is_404_to_visitors_and_to_organisers_of_other_groups(outsider_client, draft):
    assert Client().get(page(draft)).status_code == 404
    assert outsider_client.get(page(draft)).status_code == 404


# The Edit link


def test_the_public_page_has_an_edit_link_for_its_organisers_only(
    organiser_client, outsider_client, event, page_cache
):
    edit = organise(event)

    assert edit in organiser_client.get(page(event)).content.decode()
    assert edit not in Client().get(page(event)).content.decode()  # from the cache or not
    assert edit not in outsider_client.get(page(event)).content.decode()
    assert edit not in Client().get(page(event)).content.decode()


def test_the_organisers_view_of_a_published_page_is_never_stored(organiser_client, event):
    response = organiser_client.get(page(event))

    assert "no-store" in response["Cache-Control"]
    assert BAND not in response.content.decode()


# Publish, then "Now spread it"


def test_publish_leads_to_now_spread_it(organiser_client, draft):
    response = organiser_client.post(organise(draft, "publish/"), follow=True)

    draft.refresh_from_db()
    assert draft.status == Event.Status.PUBLISHED
    assert response.redirect_chain[-1][0] == organise(draft, "spread/")
    html = response.content.decode()
    assert "Now spread it" in html
    assert f"{settings.BASE_URL}{page(draft)}" in html
    assert "flyer.pdf?size=A4" in html
    announce = f"/organise/groups/{draft.group.slug}/announcements/new/?event={draft.slug}"
    assert announce in html


def test_email_your_followers_prefills_the_announcement(organiser_client, event):
    response = organiser_client.get(
        f"/organise/groups/{event.group.slug}/announcements/new/?event={event.slug}"
    )

    form = response.context["form"]
    assert form["subject"].value() == event.title
    assert f"{settings.BASE_URL}{page(event)}" in form["body"].value()


def test_the_announcement_prefill_of_another_groups_meeting_is_ignored(
    outsider_client, event, outsider
):
    response = outsider_client.get(
        f"/organise/groups/another/announcements/new/?event={event.slug}"
    )

    assert response.status_code == 200
    assert not response.context["form"]["subject"].value()


# Unpublish


def test_unpublish_takes_a_meeting_nobody_registered_for_back_to_draft(organiser_client, event):
    response = organiser_client.post(organise(event, "unpublish/"))

    event.refresh_from_db()
    assert response.status_code == 302
    assert event.status == Event.Status.DRAFT
    assert Client().get(page(event)).status_code == 404


def test_an_unpublished_meeting_stays_in_the_calendar_feed_as_cancelled(
    organiser_client, event, client
):
    organiser_client.post(organise(event, "unpublish/"))

    feed = icalendar.Calendar.from_ical(Client().get(f"/{event.group.slug}/events.ics").content)
    entries = [c for c in feed.walk("VEVENT") if str(c["SUMMARY"]) == event.title]
    assert [str(entry["STATUS"]) for entry in entries] == ["CANCELLED"]


def test_a_draft_never_published_is_not_in_the_feed(draft):
    feed = icalendar.Calendar.from_ical(Client().get(f"/{draft.group.slug}/events.ics").content)
    assert [c for c in feed.walk("VEVENT") if str(c["SUMMARY"]) == draft.title] == []


def test_unpublish_after_the_first_registration_is_refused(organiser_client, event):
    registration = register(event)
    rsvp.cancel(registration=registration)  # even one who cancelled got the link

    response = organiser_client.post(organise(event, "unpublish/"), follow=True)

    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert "cancel it instead" in response.content.decode()


# Delete


def test_delete_asks_first_then_deletes_records_and_keeps_the_address(organiser_client, draft):
    slug, group = draft.slug, draft.group
    asked = organiser_client.get(organise(draft, "delete/"))
    assert asked.status_code == 200
    assert "csrfmiddlewaretoken" in asked.content.decode()

    response = organiser_client.post(organise(draft, "delete/"))

    assert response.status_code == 302
    assert not Event.objects.filter(pk=draft.pk).exists()
    assert EventSlug.objects.filter(group=group, slug=slug, event=None).exists()
    entry = AuditEntry.objects.get(group=group)
    assert (entry.action, entry.subject) == ("event_deleted", "Draft meeting")
    assert Client().get(f"/{group.slug}/events/{slug}/").status_code == 404
    again = make_event(group=group, title="Draft meeting", start_date=draft.start_date)
    assert again.slug != slug


def test_delete_of_a_meeting_with_registrations_is_refused_pointing_to_cancel(
    organiser_client, event
):
    register(event)

    response = organiser_client.post(organise(event, "delete/"), follow=True)

    assert Event.objects.filter(pk=event.pk).exists()
    html = response.content.decode()
    assert "cancel it instead" in html
    assert organise(event, "cancel/") in html
    assert not AuditEntry.objects.filter(action="event_deleted").exists()


# Forged posts from another group's organiser


@pytest.mark.parametrize("action", ["publish/", "unpublish/", "delete/", "spread/"])
def test_another_groups_organiser_cannot_touch_the_meeting(outsider_client, draft, event, action):
    for meeting in (draft, event):
        before = Event.objects.get(pk=meeting.pk)
        send = outsider_client.get if action == "spread/" else outsider_client.post
        response = send(organise(meeting, action))
        assert response.status_code == 404
        after = Event.objects.get(pk=meeting.pk)
        assert (after.status, after.sequence) == (before.status, before.sequence)


def test_the_meeting_page_offers_the_draft_and_published_actions(organiser_client, draft, event):
    draft_page = organiser_client.get(organise(draft)).content.decode()
    published_page = organiser_client.get(organise(event)).content.decode()

    assert page(draft) in draft_page
    assert organise(draft, "delete/") in draft_page
    assert organise(draft, "unpublish/") not in draft_page
    assert organise(event, "unpublish/") in published_page
    assert organise(event, "spread/") in published_page


def test_an_unpublished_meeting_says_cancelled_in_the_atom_feed(organiser_client, event):
    organiser_client.post(organise(event, "unpublish/"))

    atom = Client().get(f"/{event.group.slug}/feed.atom").content.decode()
    assert "This meeting has been cancelled." in atom


def test_an_unlisted_meeting_prefills_no_announcement(organiser_client, group, venue):
    hidden = make_event(group=group, venue=venue, unlisted=True)

    response = organiser_client.get(
        f"/organise/groups/{group.slug}/announcements/new/?event={hidden.slug}"
    )

    assert not response.context["form"]["subject"].value()
    spread = organiser_client.get(organise(hidden, "spread/")).content.decode()
    assert "Email your followers" not in spread
