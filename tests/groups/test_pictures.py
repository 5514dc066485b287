"""A group's picture, set by its owners on the group's settings and shown on its page
(issue 19, item 4)."""

import io
import re

import pytest

from tests import pictures as made

pytestmark = pytest.mark.django_db
URL = "/organise/groups/uig/picture/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def send(client, data: bytes, name="photo.jpg", alt_text="Our banner at the march"):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(URL, {"picture": upload, "alt_text": alt_text})


def test_an_owner_sets_the_groups_picture_and_the_group_page_shows_it(
    organiser_client, group, client
):
    settings_page = organiser_client.get("/organise/groups/uig/edit/").content.decode()
    assert f'href="{URL}"' in settings_page

    response = send(organiser_client, made.portrait_photo_with_gps())

    assert response.status_code == 302
    group.refresh_from_db()
    organiser_client.logout()
    page = client.get("/uig/").content.decode()
    img = re.search(r'<img class="group-picture"[^>]*>', page).group(0)
    assert f'src="/media/{group.picture.large}"' in img
    assert 'alt="Our banner at the march"' in img
    assert "Show the picture on the A4 flyer" not in organiser_client.get(URL).content.decode()


def test_a_disguised_pdf_is_refused_for_the_group_and_nothing_changes(
    organiser_client, group, media
):
    response = send(organiser_client, made.PDF, "banner.jpg")

    assert response.status_code == 200
    assert "This file is not a JPEG, PNG or WebP picture." in response.content.decode()
    group.refresh_from_db()
    assert group.picture is None
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_an_empty_description_is_refused_for_the_group(organiser_client, group):
    response = send(organiser_client, made.picture(), alt_text="")

    assert "Describe the picture for people who cannot see it" in response.content.decode()
    group.refresh_from_db()
    assert group.picture is None


def test_an_organiser_who_is_not_an_owner_cannot_change_the_groups_picture(client, group):
    from tests.factories import make_user
    from turnout.groups.models import Membership

    helper = make_user(email="helper@example.org")
    Membership.objects.create(group=group, user=helper, role=Membership.Role.ORGANISER)
    client.force_login(helper)

    assert send(client, made.picture()).status_code == 404
    assert client.post(URL + "remove/").status_code == 404
    group.refresh_from_db()
    assert group.picture is None
