"""The meeting's picture on its social image, and on the A4 flyer when the organiser
asks for it (issue 19, item 4): read from the store and put in the page as data, never
fetched by URL."""

import io

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from turnout.events import services as events
from turnout.flyers import render as flyers

GREEN = (0, 170, 0)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def green_picture(event, *, on_flyer=False):
    out = io.BytesIO()
    Image.new("RGB", (1600, 1000), GREEN).save(out, "PNG")
    upload = SimpleUploadedFile("green.png", out.getvalue())
    events.set_picture(event=event, upload=upload, alt_text="A green field", on_flyer=on_flyer)
    return event


def pixel(png: bytes, xy) -> tuple[int, int, int]:
    return Image.open(io.BytesIO(png)).convert("RGB").getpixel(xy)


def pdf_images(pdf: bytes) -> int:
    return sum(len(page.images) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_the_social_image_shows_the_picture_behind_the_text(event, no_flyer_cache):
    before = flyers.flyer_png(event)

    after = flyers.flyer_png(green_picture(event))

    red, green, blue = pixel(before, (1000, 40))
    assert max(red, green, blue) < 30  # the dark card
    red, green, blue = pixel(after, (1000, 40))
    assert green > red + 30 and green > blue + 30  # the picture, darkened for the text


def test_a_new_picture_makes_a_new_flyer(event):
    first = flyers.flyer_png_key(green_picture(event))
    second = flyers.flyer_png_key(green_picture(event))

    assert first != second


def test_the_a4_flyer_shows_the_picture_only_when_asked(event, no_flyer_cache):
    green_picture(event)
    without = flyers.flyer_pdf(event, "A4")
    events.set_picture(event=event, alt_text="A green field", on_flyer=True)
    with_it = flyers.flyer_pdf(event, "A4")

    assert pdf_images(without) == 0
    assert pdf_images(with_it) == 1
    assert pdf_images(flyers.flyer_pdf(event, "A5")) == 0


def test_the_picture_is_put_in_the_flyer_as_data_never_as_an_address(event):
    shown = flyers.facts(green_picture(event, on_flyer=True))

    for size in ("A4", flyers.SOCIAL):
        page = flyers.html(shown, size)
        assert "data:image/jpeg;base64," in page
        assert "/media/" not in page and "pictures/" not in page


def test_a_picture_whose_file_is_gone_leaves_the_flyer_without_it(event, media_root):
    green_picture(event)
    for path in media_root.rglob("*.jpg"):
        path.unlink()

    png = flyers.flyer_png(event)

    assert max(pixel(png, (1000, 40))) < 30
