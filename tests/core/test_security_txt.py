"""/.well-known/security.txt (RFC 9116): how to report a vulnerability, from settings."""

import datetime as dt

import pytest
from django.utils import timezone


def fields(response) -> list[tuple[str, str]]:
    text = response.content.decode()
    return [tuple(line.split(": ", 1)) for line in text.splitlines() if line]


def test_security_txt_is_404_until_the_admin_names_a_contact(client, db, settings):
    settings.TURNOUT_SECURITY_CONTACT = []

    response = client.get("/.well-known/security.txt")

    assert response.status_code == 404


def test_security_txt_lists_the_contacts_and_an_expiry_within_a_year(client, db, settings):
    settings.TURNOUT_SECURITY_CONTACT = ["mailto:security@example.org", "https://example.org/vdp"]
    settings.TURNOUT_SECURITY_EXPIRES = None

    response = client.get("/.well-known/security.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    found = fields(response)
    assert found[:2] == [
        ("Contact", "mailto:security@example.org"),
        ("Contact", "https://example.org/vdp"),
    ]
    expires = dt.datetime.fromisoformat(dict(found)["Expires"])
    assert timezone.now() < expires <= timezone.now() + dt.timedelta(days=366)
    assert dict(found)["Canonical"] == "http://127.0.0.1:8000/.well-known/security.txt"
    assert dict(found)["Preferred-Languages"] == "en, uk, ar"


def test_security_txt_uses_the_admins_expiry_date(client, db, settings):
    settings.TURNOUT_SECURITY_CONTACT = ["mailto:security@example.org"]
    settings.TURNOUT_SECURITY_EXPIRES = dt.datetime(2030, 1, 31, tzinfo=dt.UTC)

    response = client.get("/.well-known/security.txt")

    assert dict(fields(response))["Expires"] == "2030-01-31T00:00:00Z"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_security_txt_answers_only_get(client, db, settings, method):
    settings.TURNOUT_SECURITY_CONTACT = ["mailto:security@example.org"]

    response = getattr(client, method)("/.well-known/security.txt")

    assert response.status_code == 405
