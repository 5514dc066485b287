"""The meeting form's "address for confirmed attendees only" and its area: refused
without an area, hostile area text refused or shown harmless, nothing changed by a
refusal, never a 5xx."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_event
from tests.private_address import AREA
from turnout.events import services as events
from turnout.events.models import Event

NEEDS_AREA = (
    "Write the area the public may see, like “Central London, near King’s Cross”, "
    "or untick “Address for confirmed attendees only”."
)
AREA_TOO_LONG = "Keep the area to 120 characters or fewer (it has 121)."
AREA_CONTROL = "The area must be one line of plain text: remove line breaks and control characters."


@pytest.fixture
def form_data(venue):
    day = timezone.localdate() + dt.timedelta(days=30)

    def data(**changes) -> dict:
        return {
            "title": "Refugee support meeting",
            "slug": "",
            "start_date": day.isoformat(),
            "start_time": "19:00",
            "end_time": "21:00",
            "time_zone": "Europe/London",
            "language": "en",
            "venue": str(venue.pk),
            "capacity": "40",
            "max_guests": "0",
            "confirmation_required": "on",
            "public_counts": "capacity",
            **changes,
        }

    return data


def edit_url(event) -> str:
    return f"/organise/groups/{event.group.slug}/events/{event.slug}/"


def errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def test_form_offers_the_choice_with_one_sentence_each(organiser_client, group):
    html = organiser_client.get("/organise/groups/uig/events/new/").content.decode()

    assert 'name="address_private"' in html
    assert 'name="address_area"' in html
    assert "Only people whose place is confirmed see the venue" in html


def test_form_saves_a_private_address_with_its_area(organiser_client, group, form_data):
    response = organiser_client.post(
        "/organise/groups/uig/events/new/",
        form_data(address_private="on", address_area=f"  {AREA}  "),
    )

    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.address_private, event.address_area) == (True, AREA)


def test_form_refuses_private_without_an_area(organiser_client, group, form_data, table_rows):
    before = table_rows()

    response = organiser_client.post(
        "/organise/groups/uig/events/new/", form_data(address_private="on", address_area="   ")
    )

    assert response.status_code == 200
    assert errors(response, "address_area") == [NEEDS_AREA]
    assert table_rows() == before


def test_editing_a_meeting_private_without_an_area_changes_nothing(
    organiser_client, event, form_data, table_rows
):
    before = table_rows()

    response = organiser_client.post(edit_url(event), form_data(address_private="on"))

    assert errors(response, "address_area") == [NEEDS_AREA]
    assert table_rows() == before


def test_service_refuses_private_without_an_area(event, table_rows):
    before = table_rows()

    with pytest.raises(ValidationError) as refused:
        events.update_event(event=event, address_private=True, address_area="")

    assert refused.value.message_dict == {"address_area": [NEEDS_AREA]}
    assert table_rows() == before


def test_database_refuses_private_without_an_area(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(address_private=True, address_area="")


@pytest.mark.parametrize(
    ("area", "message"),
    [
        ("x" * 121, AREA_TOO_LONG),
        ("Central London\nnear King’s Cross", AREA_CONTROL),
        ("Central London\r\nBEGIN:VEVENT", AREA_CONTROL),
        ("Central\x00London", AREA_CONTROL),
        ("Central\x07London", AREA_CONTROL),
        ("Central\x1b[31mLondon", AREA_CONTROL),
        ("Central\x7fLondon", AREA_CONTROL),
    ],
)
def test_hostile_area_is_refused_and_nothing_changes(
    organiser_client, event, form_data, table_rows, area, message
):
    before = table_rows()

    response = organiser_client.post(
        edit_url(event), form_data(address_private="on", address_area=area)
    )

    assert response.status_code == 200
    assert errors(response, "address_area") == [message]
    assert table_rows() == before


def test_area_of_exactly_120_characters_is_accepted(event):
    events.update_event(event=event, address_private=True, address_area="x" * 120)

    event.refresh_from_db()
    assert event.address_area == "x" * 120


def test_area_with_markup_is_shown_as_text(group, event):
    events.update_event(
        event=event, address_private=True, address_area="<script>alert(1)</script> & <b>Soho</b>"
    )

    for url in (f"/uig/events/{event.slug}/", "/uig/", "/", "/uig/widget/"):
        html = Client().get(url).content.decode()
        assert "<script>alert(1)</script>" not in html, url
        assert "<b>Soho</b>" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;Soho&lt;/b&gt;" in html, url


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(area=st.text(max_size=200))
def test_any_area_text_is_saved_as_typed_or_refused_with_a_message(
    organiser_client, event, form_data, area
):
    response = organiser_client.post(
        edit_url(event), form_data(address_private="on", address_area=area)
    )

    assert response.status_code in (200, 302)
    stored = Event.objects.get(pk=event.pk)
    if response.status_code == 302:
        assert stored.address_private is True
        assert stored.address_area == area.strip()
    else:
        assert errors(response, "address_area")
    Event.objects.filter(pk=event.pk).update(address_private=False, address_area="")


def test_public_meeting_area_may_stay_empty(event):
    made = make_event(group=event.group)

    assert (made.address_private, made.address_area) == (False, "")
