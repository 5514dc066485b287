"""An organiser's notification settings: their own, on their account pages; bad numbers
refused with a clear message, nothing changed."""

import re

import pytest
from django.urls import reverse

from turnout.groups import notifications
from turnout.groups.models import NotificationSettings

URL = "/organise/account/notifications/"


def test_settings_page_shows_the_defaults(organiser_client):
    response = organiser_client.get(URL)

    assert response.status_code == 200
    assert reverse("accounts:notifications") == URL
    html = response.content.decode()
    assert re.search(r'<input type="checkbox" name="meeting_full"[^>]* checked>', html)
    assert not re.search(r'<input type="checkbox" name="daily_digest"[^>]* checked>', html)
    assert re.search(r'<input type="number" name="waitlist_threshold" value="5"', html)


def test_settings_saved_for_the_logged_in_organiser(organiser_client, organiser):
    response = organiser_client.post(
        URL, {"daily_digest": "on", "waitlist": "on", "waitlist_threshold": "12"}
    )

    assert response.status_code == 302
    saved = NotificationSettings.objects.get(user=organiser)
    assert (saved.daily_digest, saved.meeting_full, saved.waitlist) == (True, False, True)
    assert (saved.waitlist_threshold, saved.late_cancellation) == (12, False)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "Give a number of people from 1 to 1000."),
        ("-1", "Give a number of people from 1 to 1000."),
        ("1000000000", "Give a number of people from 1 to 1000."),
        ("abc", "Give the number of people as a whole number, like 5."),
        ("", "Give the number of people as a whole number, like 5."),
    ],
)
def test_bad_waitlist_number_refused_nothing_changed(organiser_client, organiser, value, message):
    response = organiser_client.post(URL, {"waitlist": "on", "waitlist_threshold": value})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not NotificationSettings.objects.filter(user=organiser).exists()


def test_service_refuses_a_bad_number(organiser):
    with pytest.raises(notifications.ValidationError) as refused:
        notifications.update_settings(user=organiser, waitlist_threshold=0)
    assert refused.value.message_dict == {
        "waitlist_threshold": ["Give a number of people from 1 to 1000."]
    }


def test_forged_user_field_changes_only_ones_own_settings(organiser_client, organiser, outsider):
    forged = {"daily_digest": "on", "waitlist_threshold": "5", "user": outsider.pk}
    organiser_client.post(URL, {**forged, "user_id": outsider.pk})

    assert NotificationSettings.objects.get(user=organiser).daily_digest is True
    assert not NotificationSettings.objects.filter(user=outsider).exists()


def test_settings_page_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
