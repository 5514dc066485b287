"""Pictures are verified, turned upright and re-encoded without any metadata, in three
sizes, before anything stores them (issue 19, item 4); bad files are refused with a
clear message and nothing stored."""

import io
import tracemalloc

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests import pictures as made
from turnout.core import pictures
from turnout.core.models import Picture

pytestmark = pytest.mark.django_db

NOT_A_PICTURE = "This file is not a JPEG, PNG or WebP picture. Upload one of those."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def stored_files(media) -> list:
    return sorted(p.name for p in media.rglob("*") if p.is_file()) if media.exists() else []


def refusal(data: bytes, name: str = "photo.jpg", alt_text: str = "A hall") -> dict:
    with pytest.raises(ValidationError) as caught:
        pictures.store(upload=upload(data, name), alt_text=alt_text)
    return caught.value.message_dict


def test_a_portrait_photo_comes_out_upright_in_every_size_without_metadata(media):
    picture = pictures.store(upload=upload(made.portrait_photo_with_gps()), alt_text="A hall")

    sizes = {}
    for name in (picture.large, picture.small, picture.social):
        with default_storage.open(name) as f:
            image = Image.open(io.BytesIO(f.read()))
            image.load()
        sizes[name] = image.size
        assert image.format == "JPEG"
        assert image.width < image.height
        assert dict(image.getexif()) == {}
        assert not {"exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"} & set(image.info)
        red, green, blue = image.convert("RGB").getpixel((image.width - 3, 2))
        assert red > 200 and green < 60 and blue < 60  # the marker: top right once turned
    assert list(sizes.values()) == [(1200, 1600), (600, 800), (1080, 1350)]
    assert (picture.large_width, picture.large_height) == (1200, 1600)
    assert (picture.small_width, picture.small_height) == (600, 800)
    assert len(stored_files(media)) == 3


def test_a_small_picture_is_never_made_larger():
    picture = pictures.store(upload=upload(made.picture("PNG", (500, 300)), "a.png"), alt_text="x")

    assert (picture.large_width, picture.large_height) == (500, 300)
    assert (picture.small_width, picture.small_height) == (500, 300)


def test_file_names_are_random_and_say_nothing_of_the_upload():
    first = pictures.store(upload=upload(made.picture("WEBP"), "my-home.webp"), alt_text="x")
    second = pictures.store(upload=upload(made.picture("WEBP"), "my-home.webp"), alt_text="x")

    assert "my-home" not in first.large
    assert first.large.startswith("pictures/") and first.large.endswith(".jpg")
    assert len(first.large.split("/")[-1]) >= 30
    assert first.large != second.large


def test_discarding_a_picture_deletes_its_files(media, django_capture_on_commit_callbacks):
    picture = pictures.store(upload=upload(made.picture()), alt_text="x")

    with django_capture_on_commit_callbacks(execute=True):
        pictures.discard(picture)

    assert stored_files(media) == []
    assert Picture.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (made.PDF, "flyer.jpg"),
        (made.SVG, "logo.svg"),
        (made.SVG, "logo.jpg"),
        (made.picture("GIF"), "moving.gif"),
        (b"", "empty.jpg"),
        (b"just some text", "notes.png"),
    ],
    ids=["pdf-named-jpg", "svg-with-script", "svg-named-jpg", "gif", "empty", "text"],
)
def test_what_is_not_a_jpeg_png_or_webp_is_refused(media, data, name):
    assert refusal(data, name) == {"picture": [NOT_A_PICTURE]}
    assert stored_files(media) == []
    assert Picture.objects.count() == 0


@pytest.mark.parametrize("crafted", [made.jpeg_claiming, made.png_claiming], ids=["jpeg", "png"])
def test_a_12000_by_12000_picture_is_refused_before_it_is_decoded(media, crafted):
    data = crafted(12000, 12000)

    tracemalloc.start()
    try:
        message = refusal(data)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert message == {
        "picture": [
            "The picture is 12000 × 12000 pixels; at most 40 megapixels are taken "
            "(8000 × 5000, for example). Make it smaller and upload it again."
        ]
    }
    assert peak < 2_000_000  # decoded, it would take 432 MB
    assert stored_files(media) == []


def test_a_truncated_jpeg_is_refused(media):
    assert refusal(made.truncated_jpeg()) == {
        "picture": ["The picture is damaged or cut short. Save it again and upload the new file."]
    }
    assert stored_files(media) == []


@pytest.mark.parametrize(
    ("alt_text", "message"),
    [
        ("", "Describe the picture for people who cannot see it: a sentence is enough."),
        ("   ", "Describe the picture for people who cannot see it: a sentence is enough."),
        ("a" * 2000, "Keep the description to 300 characters (it has 2000)."),
    ],
    ids=["empty", "blank", "2000-characters"],
)
def test_an_alternative_text_is_required_and_short(media, alt_text, message):
    assert refusal(made.picture(), alt_text=alt_text) == {"alt_text": [message]}
    assert stored_files(media) == []


def test_a_truncated_jpeg_is_refused_even_after_weasyprint_made_pillow_lenient(media):
    import weasyprint  # noqa: F401 - sets ImageFile.LOAD_TRUNCATED_IMAGES on import
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    assert refusal(made.truncated_jpeg()) == {
        "picture": ["The picture is damaged or cut short. Save it again and upload the new file."]
    }
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # as WeasyPrint wants it back
