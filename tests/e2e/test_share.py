"""The Share panel on a 375 px phone without JavaScript: its links are there, the Mastodon
form sends the visitor to their server's share page (stopped at the browser, nothing
leaves the machine) and remembers it; the poster links give PDFs and the social image.
With JavaScript, the Copy button appears and copies the link."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.factories import make_event, make_group, make_venue
from turnout.events.models import Event

TITLE = "What internationalism means"


@pytest.fixture
def meeting(transactional_db) -> Event:
    group = make_group(name="Ukraine Information Group", slug="uig")
    return make_event(
        group=group, venue=make_venue(group=group, name="Community Centre"), title=TITLE
    )


def meeting_url(page, meeting) -> str:
    return f"{settings.BASE_URL}/uig/events/{meeting.slug}/"


def test_the_share_panel_works_without_javascript(meeting, new_context):
    context = new_context(phone=True, java_script_enabled=False)
    reached = []

    def mastodon(route):
        reached.append(route.request.url)
        route.fulfill(status=200, content_type="text/plain", body="Mastodon")

    context.route("https://social.example.org/**", mastodon)
    page = context.new_page()
    page.goto(f"/uig/events/{meeting.slug}/")
    panel = page.locator("section.share")

    for name, start in [
        ("WhatsApp", "https://wa.me/?text="),
        ("Telegram", "https://t.me/share/url?url="),
        ("Email", "mailto:?subject="),
    ]:
        assert panel.get_by_role("link", name=name).get_attribute("href").startswith(start)
    expect(panel.get_by_role("button", name="Share…")).to_be_hidden()
    expect(panel.get_by_role("button", name="Copy")).to_be_hidden()
    link = panel.get_by_label("The meeting’s link, to copy into Signal or anywhere else")
    expect(link).to_have_value(f"{meeting_url(page, meeting)}")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375

    panel.get_by_label("Share on Mastodon: your server").fill("social.example.org")
    panel.get_by_role("button", name="Share on Mastodon").click()

    page.wait_for_url("https://social.example.org/**")
    (url,) = reached
    assert urlsplit(url).path == "/share"
    assert parse_qs(urlsplit(url).query)["text"][0].startswith(f"{TITLE} · ")
    (cookie,) = [c for c in context.cookies() if c["name"] == "turnout_mastodon"]
    assert (cookie["value"], cookie["httpOnly"], cookie["sameSite"]) == (
        "social.example.org",
        True,
        "Lax",
    )

    # A mistake comes back with its reason, the form ready to correct.
    page.goto(f"/uig/events/{meeting.slug}/share/mastodon/")
    expect(page.get_by_label("Share on Mastodon: your server")).to_have_value("social.example.org")
    page.get_by_label("Share on Mastodon: your server").fill("127.0.0.1")
    page.get_by_role("button", name="Share on Mastodon").click()
    expect(page.get_by_role("alert")).to_contain_text("not an IP address")


def test_the_poster_links_give_pdfs_and_the_copy_button_works(meeting, new_context):
    context = new_context(phone=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"/uig/events/{meeting.slug}/")
    panel = page.locator("section.share")

    for name, content_type, magic in [
        ("Print the poster (A4)", "application/pdf", b"%PDF"),
        ("Print the poster (A5)", "application/pdf", b"%PDF"),
        ("Image for social media", "image/png", b"\x89PNG"),
    ]:
        href = panel.get_by_role("link", name=name).get_attribute("href")
        response = page.request.get(href)
        assert response.status == 200, name
        assert response.headers["content-type"] == content_type
        assert response.body().startswith(magic)

    copy = panel.get_by_role("button", name="Copy")
    expect(copy).to_be_visible()
    copy.click()
    expect(panel.locator("[data-copy]")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == meeting_url(page, meeting)
