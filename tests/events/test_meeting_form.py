"""The shorter meeting form (issue 20, item 5): a curated list of time zones, sections,
and a server-rendered preview of the description."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.factories import make_event
from turnout.events.models import Event

NEW = "/organise/groups/uig/events/new/"
TIME_ZONE_MESSAGE = "“%s” is not a time zone. Pick one from the list, e.g. Europe/London."


@pytest.fixture
def form_data(venue):
    day = timezone.localdate() + dt.timedelta(days=30)

    def data(**changes) -> dict:
        return {
            "title": "What internationalism means", "tagline": "", "slug": "",
            "description": "A public meeting.", "start_date": day.isoformat(),
            "start_time": "19:00", "end_date": "", "end_time": "21:00",
            "time_zone": "Europe/London", "language": "en", "venue": str(venue.pk),
            "online_url": "", "capacity": "40", "max_guests": "0",
            "confirmation_required": "on", "registration_opens_at": "",
            "registration_closes_at": "", "public_counts": "capacity", **changes,
        }  # fmt: skip

    return data


def zone_options(html: str) -> list[str]:
    select = re.search(r'<select name="time_zone".*?</select>', html, re.S)[0]
    return re.findall(r'<option value="([^"]*)"', select)


def test_the_zone_menu_is_short_and_leads_with_the_groups_zone(organiser_client, group):
    html = organiser_client.get(NEW).content.decode()

    options = zone_options(html)
    assert options[0] == group.time_zone == "Europe/London"
    assert 40 <= len(options) <= 90
    assert "UTC" in options and "America/New_York" in options and "Africa/Lagos" in options
    assert not [z for z in options if z in ("Factory", "localtime") or z.startswith("Etc/")]
    select = re.search(r'<select name="time_zone".*?</select>', html, re.S)[0]
    for region in ("Europe", "Americas", "Africa", "Asia", "Oceania"):
        assert f'<optgroup label="{region}">' in select


def test_a_meeting_keeps_its_own_zone_selectable_even_off_the_list(organiser_client, group):
    event = make_event(group=group, time_zone="Etc/GMT+5")

    html = organiser_client.get(f"/organise/groups/uig/events/{event.slug}/").content.decode()

    assert "Etc/GMT+5" in zone_options(html)
    assert '<option value="Etc/GMT+5" selected>' in html


def test_a_typed_zone_off_the_list_is_accepted(organiser_client, group, form_data):
    response = organiser_client.post(NEW, form_data(time_zone="America/Argentina/Ushuaia"))

    assert response.status_code == 302
    assert Event.objects.get().time_zone == "America/Argentina/Ushuaia"


@pytest.mark.parametrize("zone", ["Mars/Base", "localtime ", "../etc"])
def test_a_zone_not_in_zoneinfo_is_refused_and_nothing_is_saved(
    organiser_client, group, form_data, zone
):
    response = organiser_client.post(NEW, form_data(time_zone=zone))

    assert response.status_code == 200
    assert list(response.context["form"].errors["time_zone"]) == [TIME_ZONE_MESSAGE % zone]
    assert not Event.objects.exists()


# --- sections ---


def sections(html: str) -> dict[str, str]:
    """Each <fieldset>'s legend and the HTML inside it."""
    found = re.findall(r"<fieldset[^>]*>\s*<legend>(.*?)</legend>(.*?)</fieldset>", html, re.S)
    return dict(found)


def test_the_form_is_in_sections_with_the_rare_ones_folded(organiser_client, group):
    html = organiser_client.get(NEW).content.decode()

    parts = sections(html)
    assert list(parts) == ["What", "When", "Where", "Registration", "Reminders"]
    assert 'name="title"' in parts["What"] and 'name="description"' in parts["What"]
    assert 'name="start_date"' in parts["When"] and 'name="time_zone"' in parts["When"]
    assert 'name="venue"' in parts["Where"] and 'name="online_url"' in parts["Where"]
    assert 'name="capacity"' in parts["Registration"]
    folded = re.findall(r"<details[^>]*>.*?</details>", html, re.S)
    assert any('name="max_guests"' in d and 'name="approval_required"' in d for d in folded)
    assert any('name="reminder_hours"' in d for d in folded)
    assert any('name="slug"' in d and 'name="unlisted"' in d for d in folded)
    assert not [d for d in folded if d.startswith("<details open")]  # all folded at first
    assert 'name="capacity"' not in "".join(folded)


def test_every_field_is_in_exactly_one_section(organiser_client, group):
    form = organiser_client.get(NEW).context["form"]

    placed = [f.name for s in form.sections() for f in (*s["fields"], *s["folded"])]
    assert sorted(placed) == sorted(f.name for f in form.visible_fields())


def test_a_folded_section_with_an_error_is_open(organiser_client, group, form_data):
    response = organiser_client.post(NEW, form_data(reminder_hours="0"))

    html = response.content.decode()
    opened = re.findall(r"<details open>.*?</details>", html, re.S)
    assert len(opened) == 1 and 'name="reminder_hours"' in opened[0]
    assert not Event.objects.exists()


# --- the description's preview ---

MARKDOWN = "Bring **ID** for the building.\n\n<script>alert(1)</script>[x](javascript:alert(2))"


def preview_of(html: str) -> str:
    return re.search(r'<div class="prose description-preview"[^>]*>(.*?)</div>', html, re.S)[1]


def test_the_form_has_a_preview_button(organiser_client, group):
    html = organiser_client.get(NEW).content.decode()

    assert re.search(r'<button type="submit" name="preview"[^>]*>Preview</button>', html)
    assert "description-preview" not in html


def test_preview_renders_the_description_like_the_public_page_and_saves_nothing(
    organiser_client, group, form_data
):
    response = organiser_client.post(NEW, form_data(description=MARKDOWN, preview="1"))

    assert response.status_code == 200
    shown = preview_of(response.content.decode())
    assert "<strong>ID</strong>" in shown
    assert "<script" not in shown and 'href="javascript' not in shown  # same sanitiser
    assert response.context["form"]["description"].value() == MARKDOWN  # kept in the field
    assert not Event.objects.exists()


def test_preview_of_a_meeting_changes_nothing(organiser_client, group, form_data):
    event = make_event(group=group, description="Before.")
    url = f"/organise/groups/uig/events/{event.slug}/"

    response = organiser_client.post(url, form_data(description="*After*", preview="1"))

    assert response.status_code == 200
    assert "<em>After</em>" in preview_of(response.content.decode())
    event.refresh_from_db()
    assert event.description == "Before."


def test_preview_of_an_empty_or_invalid_form_is_no_error_page(organiser_client, group):
    response = organiser_client.post(NEW, {"preview": "1", "description": ""})

    assert response.status_code == 200
    assert "Nothing to preview yet" in preview_of(response.content.decode())
    assert not Event.objects.exists()


# --- a zone typed (the search) ---
def test_the_form_offers_a_typed_zone_with_the_names_to_search(organiser_client, group):
    html = organiser_client.get(NEW).content.decode()

    field = re.search(r'<input type="text" name="time_zone_typed"[^>]*>', html)[0]
    assert 'list="time-zone-names"' in field
    names = re.search(r'<datalist id="time-zone-names">.*?</datalist>', html, re.S)[0]
    assert '<option value="Europe/Kyiv">' in names
    assert "Etc/" not in names and "Factory" not in names and "localtime" not in names
    assert '<label for="id_time_zone_typed">' in html


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("kyiv", "Europe/Kyiv"), ("Etc/GMT-3", "Etc/GMT-3"), ("new york", "America/New_York")],
)
def test_a_typed_zone_wins_over_the_menu(organiser_client, group, form_data, typed, zone):
    response = organiser_client.post(NEW, form_data(time_zone_typed=typed))

    assert response.status_code == 302
    assert Event.objects.get().time_zone == zone


def test_a_typed_zone_changes_a_meetings_zone(organiser_client, group, form_data):
    event = make_event(group=group, published=False)

    url = f"/organise/groups/uig/events/{event.slug}/"
    response = organiser_client.post(url, form_data(slug=event.slug, time_zone_typed="TOKYO"))

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.time_zone == "Asia/Tokyo"


@pytest.mark.parametrize("typed", ["Mars/Base", "localtime", "x" * 3000, "<b>Lon</b>"])
def test_an_unknown_typed_zone_is_refused_clearly_and_kept(
    organiser_client, group, form_data, typed
):
    response = organiser_client.post(NEW, form_data(time_zone_typed=typed))

    assert response.status_code == 200
    errors = response.context["form"].errors["time_zone_typed"]
    assert len(errors) == 1 and "is not a time zone we know" in errors[0]
    assert not Event.objects.exists()
    assert response.context["form"]["time_zone_typed"].value() == typed


def test_an_empty_typed_zone_leaves_the_menu_choice(organiser_client, group, form_data):
    response = organiser_client.post(NEW, form_data(time_zone="Asia/Tokyo", time_zone_typed="   "))

    assert response.status_code == 302
    assert Event.objects.get().time_zone == "Asia/Tokyo"
