"""The group's "anonymise attendees after (days)" setting: its messages, and its page."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from turnout.groups.forms import GroupForm
from turnout.groups.models import Group

AT_LEAST_ONE = (
    "Give at least 1 day: attendees’ details are kept until the meeting is over, "
    "and erased at the earliest the day after."
)
AT_MOST = "Give at most 3650 days (ten years)."
WHOLE_NUMBER = "Give a whole number of days, for example 90."


def group_data(**changes) -> dict:
    return {
        "name": "Tenants Union",
        "slug": "tenants",
        "about": "",
        "contact_email": "tenants@example.org",
        "website": "",
        "time_zone": "Europe/London",
        "language": "en",
        **changes,
    }


def days_errors(form) -> list[str]:
    return list(form.errors.get("anonymise_after_days", []))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", AT_LEAST_ONE),
        ("-1", AT_LEAST_ONE),
        ("soon", WHOLE_NUMBER),
        ("1.5", WHOLE_NUMBER),
        ("90 days", WHOLE_NUMBER),
        ("99999", AT_MOST),
        ("3651", AT_MOST),
        ("99999999999999999999", AT_MOST),
    ],
)
def test_bad_number_of_days_gets_a_clear_message(db, typed, message):
    form = GroupForm(group_data(anonymise_after_days=typed))

    assert not form.is_valid()
    assert days_errors(form) == [message]


@pytest.mark.parametrize(("typed", "days"), [("1", 1), ("7", 7), (" 30 ", 30), ("3650", 3650)])
def test_good_number_of_days_is_taken(db, typed, days):
    form = GroupForm(group_data(anonymise_after_days=typed))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["anonymise_after_days"] == days


def test_empty_keeps_the_groups_setting_and_a_new_group_gets_90(db, group):
    Group.objects.filter(pk=group.pk).update(anonymise_after_days=14)
    group.refresh_from_db()

    edited = GroupForm(group_data(anonymise_after_days=""), instance=group)
    new = GroupForm(group_data())

    assert edited.is_valid() and new.is_valid()
    assert (
        edited.cleaned_data["anonymise_after_days"],
        new.cleaned_data["anonymise_after_days"],
    ) == (
        14,
        90,
    )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(typed=st.one_of(st.text(max_size=30), st.integers().map(str)))
def test_any_input_is_taken_or_refused_with_one_of_the_messages(db, typed):
    form = GroupForm(group_data(anonymise_after_days=typed))

    valid = form.is_valid()

    errors = days_errors(form)
    if valid:
        assert 1 <= form.cleaned_data["anonymise_after_days"] <= 3650
    else:
        assert errors in ([AT_LEAST_ONE], [AT_MOST], [WHOLE_NUMBER]), errors


def test_settings_page_shows_the_field_with_its_limits(organiser_client, group):
    response = organiser_client.get(f"/organise/groups/{group.slug}/edit/")

    text = response.content.decode()
    assert '<label for="id_anonymise_after_days">Anonymise attendees after (days)' in text
    assert re.search(
        r'<input type="number" name="anonymise_after_days" value="90"[^>]*min="1"', text
    )
    assert 'max="3650"' in text


def test_settings_page_saves_the_days(organiser_client, group):
    response = organiser_client.post(
        f"/organise/groups/{group.slug}/edit/",
        group_data(slug=group.slug, name=group.name, anonymise_after_days="30"),
    )

    assert response.status_code == 302
    group.refresh_from_db()
    assert group.anonymise_after_days == 30


@pytest.mark.parametrize("typed", ["0", "-1", "soon", "99999"])
def test_settings_page_with_bad_days_shows_the_message_and_changes_nothing(
    organiser_client, group, table_rows, typed
):
    before = table_rows()

    response = organiser_client.post(
        f"/organise/groups/{group.slug}/edit/",
        group_data(slug=group.slug, name="Renamed", anonymise_after_days=typed),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["anonymise_after_days"]
    assert 'id="id_anonymise_after_days_error"' in response.content.decode()
    assert table_rows() == before
