"""A meeting's addresses are kept for good: through the services, the organiser's form
and the instance admin's delete, and after the meeting or its group is deleted."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.factories import make_event, make_group, make_user
from turnout.events import addresses
from turnout.events import services as events
from turnout.events.models import Event, EventSlug
from turnout.groups.models import GroupSlug

KEPT = (
    "This address was used by another meeting of this group and stays with it, so that old "
    "links and printed QR codes never lead to a different meeting. Choose another address."
)


@pytest.fixture
def meeting(group, venue):
    return make_event(group=group, venue=venue, title="Tuesday", slug="tuesday")


def kept(event: Event) -> list[str]:
    return sorted(event.addresses.values_list("slug", flat=True))


def test_a_new_meeting_keeps_its_address(meeting):
    assert kept(meeting) == ["tuesday"]


def test_renaming_keeps_the_old_address_as_the_meetings(group, meeting):
    events.update_event(event=meeting, slug="wednesday")
    events.update_event(event=meeting, slug="thursday")

    assert kept(meeting) == ["thursday", "tuesday", "wednesday"]
    assert addresses.event_at(group=group, slug="tuesday") == meeting


def test_a_meeting_may_take_its_old_address_back(meeting):
    events.update_event(event=meeting, slug="wednesday")

    events.update_event(event=meeting, slug="tuesday")

    meeting.refresh_from_db()
    assert (meeting.slug, kept(meeting)) == ("tuesday", ["tuesday", "wednesday"])


def test_another_meeting_cannot_be_created_at_an_old_address(group, venue, meeting, table_rows):
    events.update_event(event=meeting, slug="wednesday")
    before = table_rows()

    with pytest.raises(ValidationError) as refused:
        make_event(group=group, venue=venue, slug="tuesday")

    assert refused.value.message_dict == {"slug": [KEPT]}
    assert table_rows() == before


def test_another_meeting_cannot_move_to_an_old_address(group, venue, meeting):
    other = make_event(group=group, venue=venue, slug="friday")
    events.update_event(event=meeting, slug="wednesday")

    with pytest.raises(ValidationError) as refused:
        events.update_event(event=other, slug="tuesday")

    assert refused.value.message_dict == {"slug": [KEPT]}
    other.refresh_from_db()
    assert (other.slug, kept(other)) == ("friday", ["friday"])


def test_another_group_may_use_the_same_meeting_address(meeting):
    elsewhere = make_event(group=make_group(slug="tenants"), slug="tuesday")

    assert elsewhere.slug == "tuesday"


def test_an_address_made_from_the_title_skips_old_addresses(group, venue, meeting):
    first = make_event(group=group, venue=venue, title="Open meeting")
    taken = first.slug
    events.update_event(event=first, slug="renamed")

    again = make_event(group=group, venue=venue, title="Open meeting", start_date=first.start_date)

    assert again.slug == f"{taken}-2"


def test_a_duplicate_does_not_take_an_old_address(group, venue, meeting):
    copy = events.duplicate_event(event=meeting)
    events.update_event(event=copy, slug="copy")

    again = events.duplicate_event(event=meeting)

    assert again.slug != copy.slug
    assert not EventSlug.objects.filter(slug=again.slug).exclude(event=again).exists()


def test_a_deleted_meetings_addresses_stay_kept(group, venue, meeting):
    events.update_event(event=meeting, slug="wednesday")

    meeting.delete()

    assert list(EventSlug.objects.order_by("slug").values_list("slug", "event")) == [
        ("tuesday", None),
        ("wednesday", None),
    ]
    for slug in ("tuesday", "wednesday"):
        with pytest.raises(ValidationError) as refused:
            make_event(group=group, venue=venue, slug=slug)
        assert refused.value.message_dict == {"slug": [KEPT]}
    assert Client().get("/uig/events/tuesday/").status_code == 404


def test_a_meeting_saved_directly_keeps_its_address_when_deleted(group, venue, meeting):
    EventSlug.objects.all().delete()  # as a meeting made before addresses were kept

    Event.objects.filter(pk=meeting.pk).delete()

    assert list(EventSlug.objects.values_list("slug", "event")) == [("tuesday", None)]


def test_deleting_a_group_with_renamed_meetings_keeps_the_groups_address(group):
    online = make_event(group=group, slug="tuesday", online_url="https://meet.example.org/x")
    events.update_event(event=online, slug="wednesday")

    group.delete()

    assert EventSlug.objects.exists() is False
    assert list(GroupSlug.objects.values_list("slug", "group")) == [("uig", None)]


def test_keeping_an_address_another_meeting_holds_is_refused(group, venue, meeting):
    other = make_event(group=group, venue=venue, slug="friday")

    assert addresses.keep(event=other, slugs=["tuesday"]) is False


def test_the_form_refuses_another_meetings_old_address_and_changes_nothing(
    organiser_client, group, venue, meeting, table_rows
):
    other = make_event(group=group, venue=venue, slug="friday")
    events.update_event(event=meeting, slug="wednesday")
    before = table_rows()
    form = organiser_client.get(f"/organise/groups/uig/events/{other.slug}/").context["form"]
    data = {f.name: f.value() for f in form if f.value() not in (None, False)}

    response = organiser_client.post(
        f"/organise/groups/uig/events/{other.slug}/", {**data, "slug": "tuesday"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["slug"] == [KEPT]
    assert table_rows() == before


@pytest.fixture
def admin_client(db):
    admin = make_user(email="admin@example.org", name="Admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    return client


def test_the_admin_deleting_a_meeting_keeps_its_address(admin_client, group, venue, meeting):
    response = admin_client.post(f"/admin/events/event/{meeting.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert Event.objects.exists() is False
    assert list(EventSlug.objects.values_list("slug", "event")) == [("tuesday", None)]
    with pytest.raises(ValidationError):
        make_event(group=group, venue=venue, slug="tuesday")
