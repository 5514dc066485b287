"""The organiser's event pages: create, edit, publish, cancel, duplicate, and bad input."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_event, make_group, make_venue
from turnout.events.models import Event

TIME_ZONE_MESSAGE = "“%s” is not a time zone. Pick one from the list, e.g. Europe/London."
SLUG_MESSAGE = (
    "Use only lower-case letters a-z, digits and single hyphens between them, "
    "e.g. “tuesday-meeting”."
)


@pytest.fixture
def day():
    return timezone.localdate() + dt.timedelta(days=30)


@pytest.fixture
def form_data(venue, day):
    """A valid event form, as the browser posts it; tests change one field at a time."""

    def data(**changes) -> dict:
        return {
            "title": "What internationalism means",
            "tagline": "Unite the struggles of Palestine, Ukraine and beyond",
            "slug": "",
            "description": "A public meeting.",
            "start_date": day.isoformat(),
            "start_time": "19:00",
            "end_date": "",
            "end_time": "21:00",
            "time_zone": "Europe/London",
            "language": "en",
            "venue": str(venue.pk),
            "online_url": "",
            "capacity": "40",
            "max_guests": "0",
            "confirmation_required": "on",
            "registration_opens_at": "",
            "registration_closes_at": "",
            "public_counts": "capacity",
            **changes,
        }

    return data


def field_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


# --- create ---


def test_new_event_page_offers_the_groups_zone_and_language(organiser_client, group):
    response = organiser_client.get("/organise/groups/uig/events/new/")

    assert response.status_code == 200
    form = response.context["form"]
    assert form["time_zone"].value() == "Europe/London"
    assert form["language"].value() == "en"


def test_create_event_saves_a_draft_with_a_slug_from_title_and_date(
    organiser_client, group, venue, form_data, day
):
    response = organiser_client.post("/organise/groups/uig/events/new/", form_data())

    event = Event.objects.get()
    assert event.slug == f"what-internationalism-means-{day:%Y-%m-%d}"
    assert response.status_code == 302
    assert response["Location"] == f"/organise/groups/uig/events/{event.slug}/"
    assert event.status == Event.Status.DRAFT
    assert (event.group, event.venue, event.capacity) == (group, venue, 40)
    assert (event.start_date, event.end_date) == (day, day)
    assert (event.start_time, event.end_time) == (dt.time(19), dt.time(21))
    page = organiser_client.get(response["Location"]).content.decode()
    assert "Draft saved. Publish it when it is ready." in page


def test_create_online_event_without_venue(organiser_client, group, form_data):
    organiser_client.post(
        "/organise/groups/uig/events/new/",
        form_data(venue="", online_url="meet.example.org/room"),
    )

    event = Event.objects.get()
    assert (event.venue, event.online_url) == (None, "https://meet.example.org/room")


def test_create_event_in_another_zone_keeps_the_local_time(organiser_client, group, form_data, day):
    organiser_client.post("/organise/groups/uig/events/new/", form_data(time_zone="Europe/Kyiv"))

    event = Event.objects.get()
    assert event.time_zone == "Europe/Kyiv"
    assert event.start_time == dt.time(19)
    assert event.starts_at == dt.datetime.combine(day, dt.time(19), tzinfo=ZoneInfo("Europe/Kyiv"))


# --- edit ---


def test_edit_event_saves_the_changes(organiser_client, event, form_data):
    url = f"/organise/groups/uig/events/{event.slug}/"

    response = organiser_client.post(url, form_data(title="Renamed", slug=event.slug))

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Renamed"
    assert "Meeting saved." in organiser_client.get(url).content.decode()


def test_edit_form_of_a_one_day_meeting_leaves_the_end_date_empty(organiser_client, event):
    response = organiser_client.get(f"/organise/groups/uig/events/{event.slug}/")

    assert response.context["form"]["end_date"].value() is None


def test_moving_a_one_day_meeting_by_the_edit_form_moves_its_end(
    organiser_client, event, form_data
):
    url = f"/organise/groups/uig/events/{event.slug}/"
    later = event.start_date + dt.timedelta(days=9)
    posted = {**form_data(slug=event.slug), "start_date": later.isoformat()}
    posted["end_date"] = organiser_client.get(url).context["form"]["end_date"].value() or ""

    response = organiser_client.post(url, posted)

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.start_date, event.end_date) == (later, later)


def test_edit_event_with_an_empty_slug_keeps_the_address(organiser_client, event, form_data):
    old = event.slug

    organiser_client.post(f"/organise/groups/uig/events/{old}/", form_data(title="Renamed"))

    event.refresh_from_db()
    assert (event.title, event.slug) == ("Renamed", old)


def test_edit_event_to_a_slug_another_meeting_uses_is_refused(
    organiser_client, group, venue, event, form_data, table_rows
):
    other = make_event(group=group, venue=venue, title="Other")
    before = table_rows()

    response = organiser_client.post(
        f"/organise/groups/uig/events/{event.slug}/", form_data(slug=other.slug)
    )

    assert response.status_code == 200
    assert field_errors(response, "slug") == [
        "Another meeting of this group has this web address; choose another."
    ]
    assert table_rows() == before


def test_edit_page_of_a_failed_edit_still_shows_the_saved_title(organiser_client, event, form_data):
    response = organiser_client.post(
        f"/organise/groups/uig/events/{event.slug}/",
        form_data(title="Unsaved title", capacity="ten"),
    )

    assert "<h1><bdi>What internationalism means</bdi></h1>" in response.content.decode()


# --- bad input: a field-level message, status 200, and no row changed ---

BAD_INPUT = [
    pytest.param({"end_time": "18:00"}, "end_time", ["The meeting must end after it starts."],
                 id="end-before-start"),
    pytest.param({"end_time": "19:00"}, "end_time", ["The meeting must end after it starts."],
                 id="end-at-start"),
    pytest.param({"capacity": "-1"}, "capacity",
                 ["Capacity cannot be negative; leave it empty for no limit."], id="capacity-neg"),
    pytest.param({"capacity": "ten"}, "capacity",
                 ["Enter the capacity as a whole number, like 40, or leave it empty."],
                 id="capacity-ten"),
    pytest.param({"capacity": "2.5"}, "capacity",
                 ["Enter the capacity as a whole number, like 40, or leave it empty."],
                 id="capacity-fraction"),
    pytest.param({"capacity": "99999999999999999999"}, "capacity",
                 ["Ensure this value is less than or equal to 1000000."], id="capacity-huge"),
    pytest.param({"time_zone": "London"}, "time_zone", [TIME_ZONE_MESSAGE % "London"],
                 id="zone-london"),
    pytest.param({"time_zone": "Mars/Base"}, "time_zone", [TIME_ZONE_MESSAGE % "Mars/Base"],
                 id="zone-mars"),
    pytest.param({"time_zone": "../etc"}, "time_zone", [TIME_ZONE_MESSAGE % "../etc"],
                 id="zone-dotdot"),
    pytest.param({"slug": "a/b"}, "slug", [SLUG_MESSAGE], id="slug-slash"),
    pytest.param({"slug": ".."}, "slug", [SLUG_MESSAGE], id="slug-dotdot"),
    pytest.param({"slug": "two words"}, "slug", [SLUG_MESSAGE], id="slug-space"),
    pytest.param({"slug": "Caps"}, "slug", [SLUG_MESSAGE], id="slug-caps"),
    pytest.param({"slug": "київ"}, "slug", [SLUG_MESSAGE], id="slug-non-ascii"),
    pytest.param({"slug": "under_score"}, "slug", [SLUG_MESSAGE], id="slug-underscore"),
    pytest.param({"description": "x" * 20_001}, "description",
                 ["Ensure this value has at most 20000 characters (it has 20001)."],
                 id="description-too-long"),
    pytest.param({"title": ""}, "title", ["This field is required."], id="title-missing"),
    pytest.param({"start_date": "31/02/2030"}, "start_date", ["Enter a valid date."],
                 id="date-nonsense"),
    pytest.param({"start_time": "25:00"}, "start_time", ["Enter a valid time."],
                 id="time-nonsense"),
    pytest.param({"online_url": "javascript:alert(1)"}, "online_url", ["Enter a valid URL."],
                 id="url-javascript"),
    pytest.param({"language": "xx"}, "language",
                 ["Select a valid choice. xx is not one of the available choices."],
                 id="language-unknown"),
    pytest.param({"venue": "999999"}, "venue",
                 ["Select a valid choice. That choice is not one of the available choices."],
                 id="venue-unknown"),
    pytest.param({"start_date": "2030-06-11", "end_date": "0001-01-01",
                  "time_zone": "Asia/Tokyo"}, "end_date",
                 ["Choose a date between the years 1900 and 2999."], id="date-year-1"),
    pytest.param({"start_date": "9999-12-31", "end_date": "2030-06-11",
                  "time_zone": "America/New_York"}, "start_date",
                 ["Choose a date between the years 1900 and 2999."], id="date-year-9999"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "field", "messages"), BAD_INPUT)
def test_create_event_with_bad_input_shows_the_message_and_saves_nothing(
    organiser_client, group, form_data, table_rows, changes, field, messages
):
    before = table_rows()

    response = organiser_client.post("/organise/groups/uig/events/new/", form_data(**changes))

    assert response.status_code == 200
    assert dict(response.context["form"].errors) == {field: messages}
    assert table_rows() == before
    assert f'id="id_{field}_error"' in response.content.decode()


@pytest.mark.parametrize(("changes", "field", "messages"), BAD_INPUT)
def test_edit_event_with_bad_input_shows_the_message_and_changes_nothing(
    organiser_client, event, form_data, table_rows, changes, field, messages
):
    before = table_rows()

    response = organiser_client.post(
        f"/organise/groups/uig/events/{event.slug}/", form_data(**changes)
    )

    assert response.status_code == 200
    assert dict(response.context["form"].errors) == {field: messages}
    assert table_rows() == before


def test_event_form_offers_only_this_groups_venues(organiser_client, group, venue):
    make_venue(group=make_group(), name="Their Hall")

    html = organiser_client.get("/organise/groups/uig/events/new/").content.decode()

    assert venue.name in html
    assert "Their Hall" not in html


def test_venue_of_another_group_cannot_be_chosen(organiser_client, group, form_data, table_rows):
    theirs = make_venue(group=make_group(), name="Their Hall")
    before = table_rows()

    response = organiser_client.post(
        "/organise/groups/uig/events/new/", form_data(venue=str(theirs.pk))
    )

    assert field_errors(response, "venue") == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert table_rows() == before


def test_event_form_renders_hostile_values_harmless(organiser_client, group, form_data):
    response = organiser_client.post(
        "/organise/groups/uig/events/new/",
        form_data(title="<script>alert(1)</script>", capacity="ten"),
    )

    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_three_megabyte_post_gets_a_clear_page(organiser_client, group, form_data, table_rows):
    before = table_rows()

    response = organiser_client.post(
        "/organise/groups/uig/events/new/", form_data(description="x" * 3 * 1024 * 1024)
    )

    assert response.status_code == 413
    html = response.content.decode()
    assert "<h1>Too large to send</h1>" in html
    assert (
        "The form you sent is too large: this site accepts up to 1 MB. Shorten it and try again."
        in html
    )
    assert "Traceback" not in html
    assert table_rows() == before


def test_post_without_csrf_token_is_refused(organiser, group, form_data, table_rows):
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)
    before = table_rows()

    response = client.post("/organise/groups/uig/events/new/", form_data())

    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Form expired</h1>" in html
    assert "Go back, reload the page and send it again; cookies must be allowed." in html
    assert table_rows() == before


def test_post_with_the_pages_csrf_token_is_accepted(organiser, group, form_data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)
    page = client.get("/organise/groups/uig/events/new/")
    token = page.context["csrf_token"]

    response = client.post(
        "/organise/groups/uig/events/new/", form_data(csrfmiddlewaretoken=str(token))
    )

    assert response.status_code == 302
    assert Event.objects.count() == 1


# --- publish ---


@pytest.fixture
def draft(group, venue):
    return make_event(group=group, venue=venue, published=False, title="Draft meeting")


def test_publish_makes_the_draft_public(organiser_client, client, draft):
    response = organiser_client.post(f"/organise/groups/uig/events/{draft.slug}/publish/")

    assert response.status_code == 302
    assert response["Location"] == f"/organise/groups/uig/events/{draft.slug}/spread/"
    draft.refresh_from_db()
    assert draft.status == Event.Status.PUBLISHED
    page = organiser_client.get(response["Location"]).content.decode()
    assert "Published: the meeting is now on the public pages." in page
    assert Client().get(f"/uig/events/{draft.slug}/").status_code == 200


def test_publish_by_get_is_refused(organiser_client, draft):
    response = organiser_client.get(f"/organise/groups/uig/events/{draft.slug}/publish/")

    assert response.status_code == 405
    draft.refresh_from_db()
    assert draft.status == Event.Status.DRAFT


def test_publish_without_venue_or_link_says_why_and_stays_draft(organiser_client, group):
    draft = make_event(group=group, published=False, online_url="https://meet.example.org/x")
    Event.objects.filter(pk=draft.pk).update(online_url="")

    response = organiser_client.post(
        f"/organise/groups/uig/events/{draft.slug}/publish/", follow=True
    )

    html = response.content.decode()
    assert "Add a venue or an online meeting link before publishing." in html
    draft.refresh_from_db()
    assert draft.status == Event.Status.DRAFT


def test_draft_without_venue_or_link_can_be_saved_but_not_published(
    organiser_client, group, form_data
):
    organiser_client.post("/organise/groups/uig/events/new/", form_data(venue=""))
    draft = Event.objects.get()

    organiser_client.post(f"/organise/groups/uig/events/{draft.slug}/publish/")

    draft.refresh_from_db()
    assert draft.status == Event.Status.DRAFT


def test_publishing_a_cancelled_event_is_refused(organiser_client, event):
    organiser_client.post(f"/organise/groups/uig/events/{event.slug}/cancel/")

    response = organiser_client.post(
        f"/organise/groups/uig/events/{event.slug}/publish/", follow=True
    )

    assert "A cancelled meeting cannot be published again." in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED


# --- cancel ---


def test_cancel_page_asks_first_and_changes_nothing(organiser_client, event, table_rows):
    before = table_rows()

    response = organiser_client.get(f"/organise/groups/uig/events/{event.slug}/cancel/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Cancel this meeting?</h1>" in html
    assert '<button type="submit" class="danger">Yes, cancel the meeting</button>' in html
    assert table_rows() == before


def test_cancel_post_cancels_and_the_public_page_says_so(organiser_client, event):
    response = organiser_client.post(f"/organise/groups/uig/events/{event.slug}/cancel/")

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert event.cancelled_at is not None
    public = Client().get(f"/uig/events/{event.slug}/").content.decode()
    assert "This meeting has been cancelled." in public


# --- duplicate ---


def test_duplicate_makes_a_draft_on_the_same_weekday_next_month(organiser_client, group, venue):
    original = make_event(group=group, venue=venue, start_date=dt.date(2030, 6, 11))

    response = organiser_client.post(f"/organise/groups/uig/events/{original.slug}/duplicate/")

    copy = Event.objects.exclude(pk=original.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"/organise/groups/uig/events/{copy.slug}/"
    assert copy.start_date == dt.date(2030, 7, 9)  # the second Tuesday again
    assert (copy.title, copy.venue, copy.status) == (original.title, venue, Event.Status.DRAFT)
    page = organiser_client.get(response["Location"]).content.decode()
    assert "A draft copy for 2030-07-09 is ready to check and publish." in page


def test_duplicate_by_get_is_refused(organiser_client, event, table_rows):
    before = table_rows()

    response = organiser_client.get(f"/organise/groups/uig/events/{event.slug}/duplicate/")

    assert response.status_code == 405
    assert table_rows() == before


# --- another group's events ---


def test_event_of_another_group_is_not_found_under_this_group(organiser_client, group, table_rows):
    theirs = make_event(group=make_group(slug="theirs"), title="Theirs")
    before = table_rows()

    for action in ("", "publish/", "cancel/", "duplicate/"):
        response = organiser_client.post(f"/organise/groups/uig/events/{theirs.slug}/{action}")
        assert response.status_code == 404

    assert table_rows() == before


# --- guests, the registration window and the public numbers ---

NEW_FIELDS_BAD_INPUT = [
    pytest.param({"max_guests": "two"}, "max_guests",
                 ["Enter the number of guests as a whole number, like 0 or 2."], id="guests-two"),
    pytest.param({"max_guests": "1.5"}, "max_guests",
                 ["Enter the number of guests as a whole number, like 0 or 2."],
                 id="guests-fraction"),
    pytest.param({"max_guests": "-1"}, "max_guests",
                 ["The number of guests cannot be negative; 0 means none."], id="guests-negative"),
    pytest.param({"max_guests": "99"}, "max_guests",
                 ["Each person may bring at most 20 guests."], id="guests-99"),
    pytest.param({"max_guests": "21"}, "max_guests",
                 ["Each person may bring at most 20 guests."], id="guests-21"),
    pytest.param({"registration_opens_at": "tomorrow"}, "registration_opens_at",
                 ["Enter a date and time, like 2026-12-01 19:00."], id="opens-words"),
    pytest.param({"registration_closes_at": "2030-02-30T10:00"}, "registration_closes_at",
                 ["Enter a date and time, like 2026-12-01 19:00."], id="closes-no-such-day"),
    pytest.param({"registration_closes_at": "<script>"}, "registration_closes_at",
                 ["Enter a date and time, like 2026-12-01 19:00."], id="closes-html"),
    pytest.param({"registration_closes_at": "{day}T19:01"}, "registration_closes_at",
                 ["Registration must close by the start of the meeting."], id="closes-after-start"),
    pytest.param({"registration_opens_at": "{day}T12:00", "registration_closes_at": "{day}T12:00"},
                 "registration_opens_at", ["Registration must open before it closes."],
                 id="opens-as-it-closes"),
    pytest.param({"registration_opens_at": "{day}T19:00"}, "registration_opens_at",
                 ["Registration must open before it closes."], id="opens-at-start"),
    pytest.param({"public_counts": "everything"}, "public_counts",
                 ["Select a valid choice. everything is not one of the available choices."],
                 id="counts-unknown"),
]  # fmt: skip


def _on(day, changes: dict) -> dict:
    return {name: value.replace("{day}", day.isoformat()) for name, value in changes.items()}


@pytest.mark.parametrize(("changes", "field", "messages"), NEW_FIELDS_BAD_INPUT)
def test_create_event_with_bad_guests_window_or_counts_says_why_and_saves_nothing(
    organiser_client, group, form_data, day, table_rows, changes, field, messages
):
    before = table_rows()

    response = organiser_client.post(
        "/organise/groups/uig/events/new/", form_data(**_on(day, changes))
    )

    assert response.status_code == 200
    assert dict(response.context["form"].errors) == {field: messages}
    assert f'id="id_{field}_error"' in response.content.decode()
    assert table_rows() == before


@pytest.mark.parametrize(("changes", "field", "messages"), NEW_FIELDS_BAD_INPUT)
def test_edit_event_with_bad_guests_window_or_counts_says_why_and_changes_nothing(
    organiser_client, event, form_data, day, table_rows, changes, field, messages
):
    before = table_rows()

    response = organiser_client.post(
        f"/organise/groups/uig/events/{event.slug}/", form_data(**_on(day, changes))
    )

    assert response.status_code == 200
    assert dict(response.context["form"].errors) == {field: messages}
    assert table_rows() == before


@pytest.mark.parametrize(("posted", "saved"), [("0", 0), ("3", 3), ("20", 20), ("", 0)])
def test_create_event_saves_the_guests_per_person(
    organiser_client, group, form_data, posted, saved
):
    response = organiser_client.post(
        "/organise/groups/uig/events/new/", form_data(max_guests=posted)
    )

    assert response.status_code == 302
    assert Event.objects.get().max_guests == saved


@pytest.mark.parametrize(("posted", "saved"), [
    ("seats_left", "seats_left"), ("capacity", "capacity"), ("none", "none"), ("", "capacity"),
])  # fmt: skip
def test_create_event_saves_the_numbers_shown_to_the_public(
    organiser_client, group, form_data, posted, saved
):
    organiser_client.post("/organise/groups/uig/events/new/", form_data(public_counts=posted))

    assert Event.objects.get().public_counts == saved


def test_create_event_without_confirmation_by_email(organiser_client, group, form_data):
    data = form_data()
    del data["confirmation_required"]  # an unticked box is not sent

    organiser_client.post("/organise/groups/uig/events/new/", data)

    assert Event.objects.get().confirmation_required is False


def test_registration_window_is_entered_in_the_meetings_zone(
    organiser_client, group, form_data, day
):
    opens, closes = day - dt.timedelta(days=10), day - dt.timedelta(days=1)
    kyiv = ZoneInfo("Europe/Kyiv")

    response = organiser_client.post(
        "/organise/groups/uig/events/new/",
        form_data(
            time_zone="Europe/Kyiv",
            registration_opens_at=f"{opens.isoformat()}T09:00",
            registration_closes_at=f"{closes.isoformat()}T21:30",
        ),
    )

    assert response.status_code == 302
    event = Event.objects.get()
    assert event.registration_opens_at == dt.datetime.combine(opens, dt.time(9), tzinfo=kyiv)
    assert event.registration_closes_at == dt.datetime.combine(closes, dt.time(21, 30), tzinfo=kyiv)


def test_registration_window_round_trips_on_the_edit_form(organiser_client, group, form_data, day):
    opens, closes = f"{day - dt.timedelta(days=10)}T09:00", f"{day}T18:45"
    organiser_client.post(
        "/organise/groups/uig/events/new/",
        form_data(
            time_zone="Europe/Kyiv", registration_opens_at=opens, registration_closes_at=closes
        ),
    )
    event = Event.objects.get()
    saved = (event.registration_opens_at, event.registration_closes_at)
    url = f"/organise/groups/uig/events/{event.slug}/"

    page = organiser_client.get(url)

    text = page.content.decode()
    assert f'type="datetime-local" name="registration_opens_at" value="{opens}"' in text
    assert f'type="datetime-local" name="registration_closes_at" value="{closes}"' in text
    form = page.context["form"]
    again = {
        name: form[name].value() for name in ("registration_opens_at", "registration_closes_at")
    }
    response = organiser_client.post(
        url,
        form_data(
            slug=event.slug,
            time_zone="Europe/Kyiv",
            **{name: value.strftime("%Y-%m-%dT%H:%M") for name, value in again.items()},
        ),
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.registration_opens_at, event.registration_closes_at) == saved


def test_registration_window_emptied_on_the_edit_form_is_removed(
    organiser_client, group, venue, form_data
):
    event = make_event(
        group=group,
        venue=venue,
        registration_opens_at=timezone.now() + dt.timedelta(days=1),
    )

    organiser_client.post(f"/organise/groups/uig/events/{event.slug}/", form_data(slug=event.slug))

    event.refresh_from_db()
    assert event.registration_opens_at is None


def test_public_page_follows_the_window_set_on_the_form(
    organiser_client, client, group, venue, form_data, day
):
    event = make_event(group=group, venue=venue, start_date=day)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    organiser_client.post(
        f"/organise/groups/uig/events/{event.slug}/",
        form_data(slug=event.slug, registration_opens_at=f"{tomorrow}T08:00"),
    )

    text = client.get(f"/uig/events/{event.slug}/").content.decode()
    assert "Registration closed" in text
    assert "Registration opens on " in text
    assert ", 8am." in text
    assert 'name="email"' not in text


# --- reminders and the past ---

REMINDER_AN_HOUR = (
    "The reminder goes at least 1 hour before the start; leave it empty for no reminder."
)
REMINDER_A_WEEK = "The reminder can go at most 168 hours (a week) before the start."
REMINDER_WHOLE_NUMBER = (
    "Enter the number of hours as a whole number, like 24, or leave it empty for no reminder."
)
REMINDER_BAD_INPUT = [
    pytest.param("-5", [REMINDER_AN_HOUR], id="reminder-negative"),
    pytest.param("0", [REMINDER_AN_HOUR], id="reminder-zero"),
    pytest.param("soon", [REMINDER_WHOLE_NUMBER], id="reminder-soon"),
    pytest.param("1.5", [REMINDER_WHOLE_NUMBER], id="reminder-fraction"),
    pytest.param("10000", [REMINDER_A_WEEK], id="reminder-too-early"),
    pytest.param("169", [REMINDER_A_WEEK], id="reminder-a-week-and-an-hour"),
    pytest.param("<script>alert(1)</script>", [REMINDER_WHOLE_NUMBER], id="reminder-html"),
    pytest.param("9" * 400, [REMINDER_A_WEEK], id="reminder-huge"),
]
PAST_MESSAGE = "This date and time have passed. Choose a date and time after now for the meeting."


def test_new_event_form_offers_a_reminder_a_day_before(organiser_client, group):
    response = organiser_client.get("/organise/groups/uig/events/new/")

    form = response.context["form"]
    assert form["reminder_hours"].value() == 24
    html = response.content.decode()
    assert "Leave empty for no reminder." in html
    assert 'name="reminder_hours"' in html and 'min="1"' in html and 'max="168"' in html


@pytest.mark.parametrize(("value", "messages"), REMINDER_BAD_INPUT)
def test_create_event_with_a_bad_reminder_shows_the_message_and_saves_nothing(
    organiser_client, group, form_data, table_rows, value, messages
):
    before = table_rows()

    response = organiser_client.post(
        "/organise/groups/uig/events/new/", form_data(reminder_hours=value)
    )

    assert response.status_code == 200
    assert dict(response.context["form"].errors) == {"reminder_hours": messages}
    assert 'id="id_reminder_hours_error"' in response.content.decode()
    assert table_rows() == before


@pytest.mark.parametrize(("value", "messages"), REMINDER_BAD_INPUT)
def test_edit_event_with_a_bad_reminder_shows_the_message_and_changes_nothing(
    organiser_client, event, form_data, table_rows, value, messages
):
    before = table_rows()

    response = organiser_client.post(
        f"/organise/groups/uig/events/{event.slug}/", form_data(reminder_hours=value)
    )

    assert response.status_code == 200
    assert dict(response.context["form"].errors) == {"reminder_hours": messages}
    assert table_rows() == before


@pytest.mark.parametrize(("value", "saved"), [("48", 48), (" 2 ", 2), ("168", 168), ("", None)])
def test_create_event_saves_the_reminder_setting(organiser_client, group, form_data, value, saved):
    response = organiser_client.post(
        "/organise/groups/uig/events/new/", form_data(reminder_hours=value)
    )

    assert response.status_code == 302
    event = Event.objects.get()
    assert event.reminder_hours == saved
    expected = None if saved is None else event.starts_at - dt.timedelta(hours=saved)
    assert event.reminder_due_at == expected


def test_create_event_in_the_past_is_refused_on_the_date(
    organiser_client, group, form_data, table_rows
):
    before = table_rows()
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    response = organiser_client.post(
        "/organise/groups/uig/events/new/", form_data(start_date=yesterday.isoformat())
    )

    assert response.status_code == 200
    assert dict(response.context["form"].errors) == {"start_date": [PAST_MESSAGE]}
    assert 'id="id_start_date_error"' in response.content.decode()
    assert table_rows() == before


def test_edit_event_into_the_past_is_refused_and_the_page_shows_it_unchanged(
    organiser_client, event, form_data, table_rows
):
    before = table_rows()
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    response = organiser_client.post(
        f"/organise/groups/uig/events/{event.slug}/", form_data(start_date=yesterday.isoformat())
    )

    assert response.status_code == 200
    assert dict(response.context["form"].errors) == {"start_date": [PAST_MESSAGE]}
    assert table_rows() == before
    assert response.context["event"].start_date == event.start_date


def test_edit_event_moving_the_start_before_now_after_people_registered_says_why(
    organiser_client, event, form_data
):
    from turnout.rsvp import services as rsvp

    rsvp.register(event=event, name="Ann", email="ann@example.org")
    an_hour_ago = (timezone.now() - dt.timedelta(hours=1)).astimezone(ZoneInfo("Europe/London"))

    response = organiser_client.post(
        f"/organise/groups/uig/events/{event.slug}/",
        form_data(
            start_date=an_hour_ago.date().isoformat(),
            start_time=an_hour_ago.strftime("%H:%M"),
            end_date=(an_hour_ago.date() + dt.timedelta(days=1)).isoformat(),
        ),
    )

    (message,) = response.context["form"].errors["start_date"]
    assert message.startswith("People have registered for this meeting, so it cannot move")
    assert Event.objects.get(pk=event.pk).start_date == event.start_date


def test_a_past_meeting_can_still_be_corrected_when_its_start_stays(
    organiser_client, group, venue, form_data
):
    past = make_event(group=group, venue=venue, days_ahead=-3)

    response = organiser_client.post(
        f"/organise/groups/uig/events/{past.slug}/",
        form_data(
            slug=past.slug, start_date=past.start_date.isoformat(), title="What we discussed"
        ),
    )

    assert response.status_code == 302
    assert Event.objects.get(pk=past.pk).title == "What we discussed"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    value=st.one_of(
        st.text(max_size=40),
        st.integers(min_value=-(10**6), max_value=10**6).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
    )
)
def test_reminder_field_takes_any_text_and_keeps_only_whole_hours_in_range(
    organiser_client, event, form_data, value
):
    url = f"/organise/groups/uig/events/{event.slug}/"

    response = organiser_client.post(url, form_data(reminder_hours=value))

    assert response.status_code in (200, 302)
    saved = Event.objects.get(pk=event.pk).reminder_hours
    if response.status_code == 200:
        assert list(response.context["form"].errors) == ["reminder_hours"]
    else:
        assert saved is None or 1 <= saved <= 168
        assert saved == (int(float(value.strip())) if value.strip() else None)
