"""“New venue…” from the meeting form (issue 20, item 5), without JavaScript: what was
typed is kept in the session under a one-time key, the small venue form returns to the
meeting form with it restored and the new venue chosen."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_event, make_group, make_venue
from turnout.events.models import Event
from turnout.groups.models import Membership, Venue

NEW = "/organise/groups/uig/events/new/"
VENUE_URL = re.compile(r"^/organise/groups/uig/venues/new/([\w-]+)/$")
GONE = "The meeting form you came from is no longer kept"


@pytest.fixture
def typed():
    day = timezone.localdate() + dt.timedelta(days=30)
    return {
        "title": "Solidarity picnic", "tagline": "Bring food", "slug": "",
        "description": "We meet **by the pond**.", "start_date": day.isoformat(),
        "start_time": "12:00", "end_date": "", "end_time": "16:00", "time_zone": "Europe/London",
        "time_zone_typed": "kyiv", "language": "en", "venue": "", "online_url": "",
        "capacity": "25", "max_guests": "2", "confirmation_required": "on",
        "registration_opens_at": "", "registration_closes_at": "", "public_counts": "capacity",
    }  # fmt: skip


NEW_VENUE = {
    "name": "Pond pavilion", "address_line1": "1 Park Road", "address_line2": "",
    "city": "London", "postcode": "N1 1AA", "country": "", "accessibility": "Step-free",
    "latitude": "", "longitude": "",
}  # fmt: skip


def start(client, data, url=NEW) -> str:
    """Presses “New venue…”: the address of the venue form it leads to."""
    response = client.post(url, {**data, "new_venue": ""})
    assert response.status_code == 302
    assert VENUE_URL.match(response.url), response.url
    return response.url


def test_the_where_section_has_a_new_venue_button(organiser_client, group):
    html = organiser_client.get(NEW).content.decode()

    where = re.search(r"<legend>Where</legend>.*?</fieldset>", html, re.S)[0]
    assert re.search(r'<button type="submit" name="new_venue"[^>]*>New venue…</button>', where)


def test_a_new_venue_returns_to_the_new_meeting_with_all_typed_and_the_venue_chosen(
    organiser_client, group, typed
):
    venue_url = start(organiser_client, typed)
    assert not Event.objects.exists()  # nothing saved, nothing checked yet
    assert "Pond" not in venue_url and "Solidarity" not in venue_url  # no data in the URL

    page = organiser_client.get(venue_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>New venue</h1>" in html and "Solidarity picnic" in html  # says for what

    back = organiser_client.post(venue_url, NEW_VENUE)
    created = Venue.objects.get(name="Pond pavilion")
    assert created.group == group
    assert back.status_code == 302 and back.url.startswith(NEW + "?draft=")

    form = organiser_client.get(back.url).context["form"]
    assert form["title"].value() == "Solidarity picnic"
    assert form["description"].value() == "We meet **by the pond**."
    assert form["time_zone_typed"].value() == "kyiv"
    assert form["max_guests"].value() == "2"
    assert str(form["venue"].value()) == str(created.pk)
    assert not form.is_bound  # shown as typed, no errors yet

    saved = organiser_client.post(NEW, {**typed, "venue": str(created.pk)})
    assert saved.status_code == 302
    event = Event.objects.get()
    assert (event.title, event.venue, event.time_zone) == (
        "Solidarity picnic",
        created,
        "Europe/Kyiv",
    )


def test_new_venue_keeps_a_form_that_is_not_valid_yet(organiser_client, group, typed):
    venue_url = start(organiser_client, {**typed, "title": "", "start_date": "soon"})
    back = organiser_client.post(venue_url, NEW_VENUE)

    form = organiser_client.get(back.url).context["form"]
    assert form["start_date"].value() == "soon" and form["tagline"].value() == "Bring food"


def test_a_new_venue_returns_to_the_meeting_being_edited(organiser_client, group, typed):
    event = make_event(group=group, published=False, title="Old title")
    edit = f"/organise/groups/uig/events/{event.slug}/"

    venue_url = start(organiser_client, {**typed, "slug": event.slug}, url=edit)
    back = organiser_client.post(venue_url, NEW_VENUE)

    assert back.url.startswith(edit + "?draft=")
    form = organiser_client.get(back.url).context["form"]
    assert form["title"].value() == "Solidarity picnic"
    assert str(form["venue"].value()) == str(Venue.objects.get(name="Pond pavilion").pk)
    event.refresh_from_db()
    assert event.title == "Old title"  # saved only when the organiser saves


def test_going_back_without_a_venue_keeps_what_was_typed(organiser_client, group, typed):
    venue_url = start(organiser_client, typed)
    html = organiser_client.get(venue_url).content.decode()

    back = re.search(r'<a href="([^"]+)"[^>]*>Back to the meeting without a new venue</a>', html)
    form = organiser_client.get(back[1].replace("&amp;", "&")).context["form"]

    assert form["title"].value() == "Solidarity picnic"
    assert not Venue.objects.filter(name="Pond pavilion").exists()


def test_a_venue_with_bad_input_says_why_and_loses_nothing(organiser_client, group, typed):
    venue_url = start(organiser_client, typed)

    refused = organiser_client.post(venue_url, {**NEW_VENUE, "name": "", "latitude": "51.5"})

    assert refused.status_code == 200
    errors = refused.context["form"].errors
    assert "name" in errors and "longitude" in errors
    assert not Venue.objects.filter(address_line1="1 Park Road").exists()
    back = organiser_client.post(venue_url, NEW_VENUE)  # corrected: the draft is still there
    assert organiser_client.get(back.url).context["form"]["title"].value() == "Solidarity picnic"


@pytest.mark.parametrize(
    "forged",
    [
        {"next": "https://evil.example/"},
        {"return_to": "//evil.example/x"},
        {"next": "/organise/groups/another/events/new/"},
    ],
)
def test_a_forged_return_address_is_ignored(organiser_client, group, typed, forged):
    venue_url = start(organiser_client, typed)

    back = organiser_client.post(f"{venue_url}?next=https://evil.example/", {**NEW_VENUE, **forged})

    assert back.status_code == 302 and back.url.startswith(NEW + "?draft=")


def test_the_draft_is_used_once(organiser_client, group, typed):
    back = organiser_client.post(start(organiser_client, typed), NEW_VENUE)
    organiser_client.get(back.url)

    again = organiser_client.get(back.url)

    assert again.status_code == 200
    assert again.context["form"]["title"].value() in (None, "")
    assert GONE in again.content.decode()


@pytest.mark.parametrize("key", ["nope", "x" * 300, "..%2F..%2Fetc", "0"])
def test_a_forged_or_stale_key_is_no_error_page(organiser_client, group, key):
    form = organiser_client.get(f"{NEW}?draft={key}")
    assert form.status_code == 200 and GONE in form.content.decode()

    venue = organiser_client.get(f"/organise/groups/uig/venues/new/{key}/", follow=True)
    if "%2F" in key:  # a slash: no such address
        assert venue.status_code == 404
    else:
        assert venue.status_code == 200 and GONE in venue.content.decode()
    assert organiser_client.post(
        f"/organise/groups/uig/venues/new/{key}/", NEW_VENUE
    ).status_code in (302, 404)
    assert not Venue.objects.filter(name="Pond pavilion").exists()


def test_a_draft_never_reaches_another_organisers_session(organiser_client, group, typed):
    venue_url = start(organiser_client, typed)
    back = organiser_client.post(venue_url, NEW_VENUE)
    colleague = make_user_in(group)

    page = colleague.get(back.url)
    assert "Solidarity picnic" not in page.content.decode()
    venue_page = colleague.get(venue_url, follow=True)
    assert "Solidarity picnic" not in venue_page.content.decode()
    assert GONE in venue_page.content.decode()
    # and the owner's draft is still theirs
    assert organiser_client.get(back.url).context["form"]["title"].value() == "Solidarity picnic"


def make_user_in(group) -> Client:
    from tests.factories import make_user

    user = make_user(email="taras@example.org")
    Membership.objects.create(group=group, user=user, role=Membership.Role.ORGANISER)
    client = Client()
    client.force_login(user)
    return client


def test_a_draft_is_bound_to_its_group(organiser_client, organiser, group, typed):
    make_group(owner=organiser, name="Second group", slug="second")
    venue_url = start(organiser_client, typed)
    key = VENUE_URL.match(venue_url)[1]

    other = organiser_client.post(f"/organise/groups/second/venues/new/{key}/", NEW_VENUE)
    assert other.status_code == 302 and "/groups/second/" in other.url
    assert not Venue.objects.filter(name="Pond pavilion").exists()
    page = organiser_client.get(f"/organise/groups/second/events/new/?draft={key}")
    assert "Solidarity picnic" not in page.content.decode()


def test_strangers_get_404(outsider_client, organiser_client, group, typed):
    assert outsider_client.post(NEW, {**typed, "new_venue": ""}).status_code == 404
    venue_url = start(organiser_client, typed)
    assert outsider_client.get(venue_url).status_code == 404
    assert outsider_client.post(venue_url, NEW_VENUE).status_code == 404
    assert not Venue.objects.filter(name="Pond pavilion").exists()


def test_another_groups_venue_is_refused_in_the_meeting_form(
    organiser_client, group, typed, outsider
):
    theirs = make_venue(group=outsider.memberships.get().group, name="Their hall")

    response = organiser_client.post(NEW, {**typed, "venue": str(theirs.pk)})

    assert response.status_code == 200
    assert "venue" in response.context["form"].errors
    assert not Event.objects.exists()


def test_only_a_few_drafts_are_kept_per_session(organiser_client, group, typed):
    urls = [start(organiser_client, {**typed, "title": f"Draft {n}"}) for n in range(7)]

    assert organiser_client.get(urls[0], follow=True).content.decode().count(GONE) == 1
    assert organiser_client.get(urls[-1]).status_code == 200


def test_a_draft_in_the_session_is_found_only_for_its_user_and_group(organiser, group, outsider):
    """Even were a session shared (it is flushed when another user logs in), a draft
    answers only to the user and the group it was made for."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import QueryDict

    from turnout.events import venue_drafts
    from turnout.events.forms import EventForm

    session = SessionStore()
    data = QueryDict("title=Secret+plans&csrfmiddlewaretoken=x&evil=1")
    key = venue_drafts.keep(
        session,
        user=organiser,
        group=group,
        event_slug=None,
        data=data,
        fields=EventForm.base_fields,
    )
    theirs = outsider.memberships.get().group

    assert venue_drafts.find(session, key=key, user=outsider, group=group) is None
    assert venue_drafts.find(session, key=key, user=organiser, group=theirs) is None
    assert venue_drafts.take(session, key=key, user=organiser, group=group, event_slug="x") is None
    draft = venue_drafts.find(session, key=key, user=organiser, group=group)
    assert draft["data"] == {"title": ["Secret plans"]}  # only the form's own fields
