"""An organiser adds a venue from the meeting form without losing what they typed, with
and without JavaScript, on a phone (issue 20, item 5)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from turnout.events.models import Event


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_meeting_with_a_new_venue_without_leaving_the_form(
    new_context, log_in, organiser, group, javascript
):
    context = new_context(phone=True, java_script_enabled=javascript)
    log_in(context, organiser)
    page = context.new_page()
    day = (timezone.localdate() + dt.timedelta(days=20)).isoformat()

    page.goto("/organise/groups/uig/events/new/")
    page.get_by_label("Title").fill("Solidarity picnic")
    page.get_by_label("Description").fill("We meet **by the pond**.")
    page.get_by_label("Date:", exact=True).fill(day)
    page.get_by_label("Start time").fill("12:00")
    page.get_by_label("End time").fill("16:00")
    page.get_by_label("Or type a time zone").fill("kyiv")
    page.get_by_role("button", name="New venue…").click()

    expect(page.get_by_role("heading", name="New venue")).to_be_visible()
    page.get_by_label("Name").fill("Pond pavilion")
    page.get_by_label("Street address").fill("1 Park Road")
    page.get_by_label("Town or city").fill("London")
    page.get_by_role("button", name="Save venue").click()

    expect(page.get_by_text("Venue saved and chosen.")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Solidarity picnic")
    expect(page.get_by_label("Description")).to_have_value("We meet **by the pond**.")
    expect(page.get_by_label("Date:", exact=True)).to_have_value(day)
    expect(page.get_by_label("Venue")).to_have_value(str(group.venues.get(name="Pond pavilion").pk))
    page.get_by_role("button", name="Save draft").last.click()

    expect(page.get_by_text("Draft saved.")).to_be_visible()
    event = Event.objects.get()
    assert (event.title, event.venue.name, event.time_zone) == (
        "Solidarity picnic",
        "Pond pavilion",
        "Europe/Kyiv",
    )
