"""A meeting's picture, uploaded by its organisers through their meeting's pages and
shown at the top of its page, on its cards, in its link preview and JSON-LD (issue 19,
item 4)."""

import io
import json
import os
import re

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from tests import pictures as made
from tests.core.test_uploads import post_large
from tests.factories import make_event
from turnout.core.models import Picture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def files(media) -> list:
    return sorted(p.name for p in media.rglob("*") if p.is_file()) if media.exists() else []


def picture_url(event) -> str:
    return f"/organise/groups/{event.group.slug}/events/{event.slug}/picture/"


def send(client, event, data: bytes | None, name="photo.jpg", alt_text="People in a hall", **more):
    fields = {"alt_text": alt_text, **more}
    if data is not None:
        fields["picture"] = io.BytesIO(data)
        fields["picture"].name = name
    return client.post(picture_url(event), fields)


def test_a_portrait_photo_with_gps_uploaded_through_the_form_comes_out_upright_and_clean(
    organiser_client, event, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(organiser_client, event, made.portrait_photo_with_gps())

    assert response.status_code == 302
    event.refresh_from_db()
    picture = event.picture
    assert picture.alt_text == "People in a hall"
    for name in (picture.large, picture.small, picture.social):
        with default_storage.open(name) as f:
            image = Image.open(io.BytesIO(f.read()))
        assert image.width < image.height
        assert dict(image.getexif()) == {}
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
        assert image.getpixel((image.width - 3, 2))[0] > 200  # the red marker, top right
        assert image.getpixel((image.width - 3, 2))[1] < 60
    assert len(files(media)) == 3


def test_the_organisers_meeting_page_links_to_the_picture_form(organiser_client, event):
    page = organiser_client.get(f"/organise/groups/uig/events/{event.slug}/").content.decode()
    form = organiser_client.get(picture_url(event)).content.decode()

    assert f'href="{picture_url(event)}"' in page
    assert 'type="file"' in form and 'accept="image/jpeg,image/png,image/webp"' in form
    assert "Show the picture on the A4 flyer" in form


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (made.PDF, "flyer.jpg", "This file is not a JPEG, PNG or WebP picture."),
        (made.SVG, "logo.svg", "This file is not a JPEG, PNG or WebP picture."),
        (made.picture("GIF"), "moving.gif", "This file is not a JPEG, PNG or WebP picture."),
        (made.jpeg_claiming(12000, 12000), "big.jpg", "The picture is 12000 × 12000 pixels"),
        (made.truncated_jpeg(), "cut.jpg", "The picture is damaged or cut short."),
        (None, "", "Choose a picture to upload."),
    ],
    ids=["pdf-named-jpg", "svg", "gif", "12000x12000", "truncated", "none"],
)
def test_a_bad_file_is_refused_through_the_form_and_nothing_changes(
    organiser_client, event, media, data, name, message
):
    response = send(organiser_client, event, data, name)

    assert response.status_code == 200
    assert message in response.content.decode()
    event.refresh_from_db()
    assert event.picture is None
    assert files(media) == []


@pytest.mark.parametrize(
    ("alt_text", "message"),
    [
        ("", "Describe the picture for people who cannot see it: a sentence is enough."),
        ("a" * 2000, "Keep the description to 300 characters (it has 2000)."),
    ],
    ids=["empty", "2000-characters"],
)
def test_a_missing_or_too_long_alternative_text_is_refused(
    organiser_client, event, media, alt_text, message
):
    response = send(organiser_client, event, made.picture(), alt_text=alt_text)

    assert response.status_code == 200
    assert message in response.content.decode()
    event.refresh_from_db()
    assert event.picture is None
    assert files(media) == []


def test_a_60_mb_picture_is_refused_while_it_streams_in(organiser_client, event, media):
    response, body = post_large(organiser_client, picture_url(event), "picture")

    assert body.read_bytes < 11_000_000
    assert response.status_code == 200
    assert "The picture is larger than 10 MB. Make it smaller and upload it again." in (
        response.content.decode()
    )
    event.refresh_from_db()
    assert event.picture is None
    assert files(media) == []


def test_a_7_mb_picture_is_taken_although_other_uploads_stop_at_5_mb(organiser_client, event):
    noise = Image.frombytes("RGB", (1600, 1500), os.urandom(1600 * 1500 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert 6_000_000 < len(out.getvalue()) < 10_000_000

    response = send(organiser_client, event, out.getvalue(), "noise.png")

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.picture.large_width == 1200


def test_a_new_picture_replaces_the_old_one_and_its_files_go(
    organiser_client, event, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(organiser_client, event, made.picture())
    event.refresh_from_db()
    old = {event.picture.large, event.picture.small, event.picture.social}

    with django_capture_on_commit_callbacks(execute=True):
        send(organiser_client, event, made.picture("JPEG"), alt_text="Another hall")

    event.refresh_from_db()
    assert event.picture.alt_text == "Another hall"
    assert len(files(media)) == 3
    assert not any(default_storage.exists(name) for name in old)
    assert Picture.objects.count() == 1


def test_the_description_and_flyer_choice_change_without_a_new_file(organiser_client, event):
    send(organiser_client, event, made.picture())
    event.refresh_from_db()
    large = event.picture.large

    response = send(organiser_client, event, None, alt_text="A full hall", on_flyer="on")

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.picture.large, event.picture.alt_text) == (large, "A full hall")
    assert event.picture_on_flyer is True


def test_removing_the_picture_deletes_its_files(
    organiser_client, event, media, django_capture_on_commit_callbacks
):
    send(organiser_client, event, made.picture())

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(picture_url(event) + "remove/")

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.picture is None
    assert files(media) == []


def test_another_groups_organiser_cannot_set_a_picture(client, outsider, event, media):
    client.force_login(outsider)

    response = send(client, event, made.picture())

    assert response.status_code == 404
    assert files(media) == []


# --- where it shows


def with_picture(client, event):
    send(client, event, made.portrait_photo_with_gps())
    event.refresh_from_db()
    return event.picture


def test_the_meeting_page_shows_the_picture_at_the_top_with_its_sizes(organiser_client, event):
    picture = with_picture(organiser_client, event)
    organiser_client.logout()

    page = organiser_client.get(f"/uig/events/{event.slug}/").content.decode()

    img = re.search(r'<img class="event-picture"[^>]*>', page).group(0)
    assert 'alt="People in a hall"' in img
    assert f'src="/media/{picture.large}"' in img
    assert f'srcset="/media/{picture.small} 600w, /media/{picture.large} 1200w"' in img
    assert 'width="1200" height="1600"' in img
    assert page.index("event-picture") < page.index("<h1")


def test_the_link_preview_and_json_ld_use_the_picture(organiser_client, event):
    picture = with_picture(organiser_client, event)
    organiser_client.logout()

    page = organiser_client.get(f"/uig/events/{event.slug}/").content.decode()

    url = f"http://127.0.0.1:8000/media/{picture.large}"
    assert f'<meta property="og:image" content="{url}">' in page
    assert '<meta property="og:image:type" content="image/jpeg">' in page
    assert '<meta property="og:image:width" content="1200">' in page
    assert '<meta property="og:image:alt" content="People in a hall">' in page
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', page).group(1))
    assert data["image"] == [url, f"http://127.0.0.1:8000/uig/events/{event.slug}/flyer.png"]


def test_without_a_picture_the_flyer_stays_the_preview(client, event):
    page = client.get(f"/uig/events/{event.slug}/").content.decode()

    flyer = f"http://127.0.0.1:8000/uig/events/{event.slug}/flyer.png"
    assert f'<meta property="og:image" content="{flyer}">' in page
    assert "event-picture" not in page


def test_cards_on_the_home_and_group_pages_show_the_picture(organiser_client, event, group):
    picture = with_picture(organiser_client, event)
    organiser_client.logout()

    for path in ("/", "/uig/"):
        page = organiser_client.get(path).content.decode()
        assert f'src="/media/{picture.small}"' in page, path
        assert 'alt="People in a hall"' in page


def home_queries() -> tuple[int, str]:
    """How many queries ``/`` costs a visitor when it is built (not from the page cache),
    and the page."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        page = Client().get("/").content.decode()
    return len(captured), page


def test_the_home_page_costs_no_query_more_per_picture(organiser_client, group):
    meetings = [make_event(group=group, title=f"M{n}") for n in range(3)]
    without, _page = home_queries()
    for meeting in meetings:
        send(organiser_client, meeting, made.picture())

    with_pictures, page = home_queries()

    assert with_pictures == without  # pinned for / in tests/test_public_queries.py
    assert page.count('class="card-picture"') == 3


def test_the_demo_and_tests_serve_the_pictures_but_list_no_folder(organiser_client, event):
    picture = with_picture(organiser_client, event)
    organiser_client.logout()

    found = organiser_client.get(f"/media/{picture.small}")
    folder = organiser_client.get("/media/pictures/")

    assert (found.status_code, found["Content-Type"]) == (200, "image/jpeg")
    assert Image.open(io.BytesIO(b"".join(found.streaming_content))).size == (600, 800)
    assert folder.status_code == 404
    assert organiser_client.get("/media/../settings.py").status_code == 404
