"""The flyer downloads: sizes, who may see a draft's flyer, caching headers."""

import io

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from tests.factories import make_event
from turnout.flyers import render


def _pdf_url(event, size=None) -> str:
    url = reverse("public:flyer_pdf", kwargs={"group": event.group.slug, "event": event.slug})
    return f"{url}?size={size}" if size else url


def _png_url(event) -> str:
    return reverse("public:flyer_png", kwargs={"group": event.group.slug, "event": event.slug})


def test_flyer_pdf_is_a4_by_default_inline_with_its_hash_as_etag(client, event):
    response = client.get(_pdf_url(event))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{event.slug}-A4.pdf"'
    assert response["ETag"] == f'"{render.flyer_pdf_key(event, "A4")}"'
    (page,) = PdfReader(io.BytesIO(response.content)).pages
    assert round(float(page.mediabox.width)) == 595


def test_flyer_pdf_in_a5(client, event):
    response = client.get(_pdf_url(event, "A5"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'inline; filename="{event.slug}-A5.pdf"'
    (page,) = PdfReader(io.BytesIO(response.content)).pages
    assert round(float(page.mediabox.width)) == 420


@pytest.mark.parametrize("size", ["Letter2", "a4", "", "<script>", "A4" * 300])
def test_flyer_pdf_of_an_unknown_size_is_a_clear_400_listing_the_sizes(client, event, size):
    response = client.get(_pdf_url(event), {"size": size})

    assert response.status_code == 400
    assert "A flyer can be printed in these sizes: A4, A5." in response.content.decode()


def test_flyer_pdf_not_modified_when_the_etag_matches(client, event):
    etag = client.get(_pdf_url(event))["ETag"]

    response = client.get(_pdf_url(event), headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""


def test_flyer_png_is_the_1080_by_1350_social_card(client, event):
    response = client.get(_png_url(event))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (1080, 1350)


def test_cached_flyer_is_sent_as_it_is_on_disk(client, event):
    first = client.get(_pdf_url(event)).content

    again = client.get(_pdf_url(event))

    assert again.content == first


@pytest.mark.parametrize("url", [_pdf_url, _png_url])
def test_draft_flyer_is_404_for_anonymous_visitors_and_other_groups(
    client, outsider_client, group, venue, url
):
    draft = make_event(group=group, venue=venue, published=False)

    assert client.get(url(draft)).status_code == 404
    assert outsider_client.get(url(draft)).status_code == 404


@pytest.mark.parametrize("url", [_pdf_url, _png_url])
def test_draft_flyer_is_shown_to_the_group_s_organisers_not_cached_publicly(
    organiser_client, group, venue, url
):
    draft = make_event(group=group, venue=venue, published=False)

    response = organiser_client.get(url(draft))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"


def test_flyer_of_an_unknown_event_is_404(client, group):
    url = reverse("public:flyer_pdf", kwargs={"group": group.slug, "event": "no-such-event"})

    assert client.get(url).status_code == 404


def test_flyer_refuses_post(client, event):
    assert client.post(_pdf_url(event)).status_code == 405


@pytest.fixture
def page_cache(settings):
    """The few-seconds cache of what anonymous visitors are shown, on (tests run with it
    off), empty before and after."""
    settings.TURNOUT_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("url", [_pdf_url, _png_url])
def test_a_shared_flyer_s_next_downloads_are_a_file_read_without_a_query(
    page_cache, event, url, django_assert_num_queries
):
    first = Client().get(url(event))

    with django_assert_num_queries(0):
        again = Client().get(url(event))

    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "public, max-age=300"
    assert again["Content-Disposition"] == first["Content-Disposition"]


def test_a_remembered_flyer_is_rendered_again_when_its_file_is_gone(page_cache, event, flyer_cache):
    first = Client().get(_pdf_url(event)).content
    for path in flyer_cache.rglob("*.pdf"):
        path.unlink()

    again = Client().get(_pdf_url(event))

    assert again.status_code == 200
    assert again.content == first


def test_a_changed_flyer_is_sent_once_the_few_seconds_are_over(page_cache, event):
    before = Client().get(_pdf_url(event))["ETag"]
    event.title = "A new title"
    event.save()

    cache.clear()  # what the expiry does after TURNOUT_PAGE_CACHE_SECONDS

    response = Client().get(_pdf_url(event))
    assert response["ETag"] != before
    assert "A new title" in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()


@pytest.mark.parametrize("url", [_pdf_url, _png_url])
def test_a_draft_s_flyer_stays_404_for_anonymous_visitors_with_the_cache_on(
    page_cache, organiser_client, group, venue, url
):
    draft = make_event(group=group, venue=venue, published=False)
    assert organiser_client.get(url(draft)).status_code == 200  # rendered for them only

    assert Client().get(url(draft)).status_code == 404
    assert Client().get(url(draft)).status_code == 404
