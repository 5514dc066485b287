"""The meeting page's Share panel (turnout.events.sharing, pages/_share.html) and its
Mastodon form (turnout.pages.views.share): links that work without JavaScript, text in
the meeting's language with the place the public may read, a server name checked before
anyone is sent there, and a remembered server that never reaches the page cache."""

import html
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import make_event, make_group, make_venue
from turnout.events import services as events
from turnout.events.models import Event
from turnout.pages.views.share import COOKIE

HREF = re.compile(r'href="([^"]+)"')


@pytest.fixture
def meeting(db) -> Event:
    group = make_group(name="Ukraine Information Group", slug="uig")
    return make_event(
        group=group,
        slug="talk",
        title="What internationalism means",
        venue=make_venue(group=group, name="Community Centre"),
    )


def page_url(event: Event) -> str:
    return reverse("public:event", kwargs={"group": event.group.slug, "event": event.slug})


def share_url(event: Event) -> str:
    return reverse("public:share_mastodon", kwargs={"group": event.group.slug, "event": event.slug})


def panel(client, event: Event) -> str:
    response = client.get(page_url(event))
    assert response.status_code == 200
    found = re.search(r'<section class="panel share".*?</section>', response.text, re.DOTALL)
    assert found, "no share panel"
    return found.group(0)


def link(panel_html: str, start: str) -> str:
    hrefs = [html.unescape(h) for h in HREF.findall(panel_html)]
    found = [h for h in hrefs if h.startswith(start)]
    assert len(found) == 1, (start, hrefs)
    return found[0]


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, strict_parsing=True).items()}


def forwarded_to(response) -> str:
    """Where the forwarding page sends the visitor: its refresh, and its link to click."""
    assert response.status_code == 200
    (target,) = re.findall(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', response.text)
    target = html.unescape(target)
    assert link(response.text, "https://") == target
    return target


def absolute(event: Event) -> str:
    return settings.BASE_URL + page_url(event)


def test_the_panel_links_work_without_javascript(client, meeting):
    shown = panel(client, meeting)

    text = query(link(shown, "https://wa.me/"))["text"]
    assert text.startswith("What internationalism means · ")
    assert " · Community Centre" in text
    assert text.endswith(absolute(meeting))
    telegram = query(link(shown, "https://t.me/share/url"))
    assert telegram["url"] == absolute(meeting)
    assert telegram["text"].startswith("What internationalism means · ")
    mail = link(shown, "mailto:")
    assert query(mail)["subject"] == "What internationalism means"
    assert query(mail)["body"].endswith(absolute(meeting))
    assert "+" not in mail  # mail programs read "+" as a plus sign: spaces are %20
    # The page's link to copy, the Mastodon form, and the Share button left for the script.
    assert f'value="{absolute(meeting)}"' in shown
    assert f'action="{share_url(meeting)}"' in shown
    assert re.search(r"<button[^>]*data-share[^>]*hidden", shown)
    script = '<script src="/static/pages/share.js" defer></script>'
    assert "<script" not in shown.replace(script, "")


def test_the_page_loads_the_panels_script_from_the_site(client, meeting):
    page = client.get(page_url(meeting)).text

    assert '<script src="/static/pages/share.js" defer></script>' in page
    assert re.findall(r"<script(?![^>]*(?:src=\"/static/|application/ld\+json))", page) == []


def test_the_shared_place_is_the_area_of_a_private_address(client, meeting):
    meeting = events.update_event(
        event=meeting, by=None, address_private=True, address_area="Near King’s Cross"
    )

    shown = panel(client, meeting)

    assert "Community Centre" not in shown and "Marchmont" not in shown
    assert query(link(shown, "https://wa.me/"))["text"].startswith("What internationalism means · ")
    assert " · Near King’s Cross" in query(link(shown, "https://wa.me/"))["text"]


def test_the_shared_text_is_in_the_meetings_language(client, db):
    group = make_group(slug="uig", language="uk", time_zone="Europe/Kyiv")
    event = make_event(group=group, slug="talk", language="uk", title="Що таке інтернаціоналізм")

    shown = panel(client, event)  # the visitor reads English

    text = query(link(shown, "https://wa.me/"))["text"]
    assert text.startswith("Що таке інтернаціоналізм · ")
    assert re.search("(понеділок|вівторок|середа|четвер|п’ятниця|субота|неділя), ", text)


def test_a_title_with_markup_is_escaped_in_the_page_and_encoded_in_the_links(client, meeting):
    meeting = events.update_event(event=meeting, by=None, title='<script>alert("x")</script>')

    shown = panel(client, meeting)

    assert "<script>alert" not in shown
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in shown
    for start in ("https://wa.me/", "https://t.me/", "mailto:"):
        url = link(shown, start)
        assert "<" not in url and '"' not in url and " " not in url
        assert '<script>alert("x")</script>' in unquote(url)


def test_a_cancelled_meeting_is_shared_as_cancelled(client, meeting):
    events.cancel_event(event=meeting, by=None)

    text = query(link(panel(client, meeting), "https://wa.me/"))["text"]

    assert text.startswith("Cancelled: What internationalism means · ")


def test_an_unlisted_meeting_shares_its_own_link(client, meeting):
    meeting = events.update_event(event=meeting, by=None, unlisted=True)

    shown = panel(client, meeting)

    assert query(link(shown, "https://t.me/share/url"))["url"] == absolute(meeting)


# --- Mastodon


def test_mastodon_sends_the_visitor_to_their_server_and_remembers_it(client, meeting):
    response = client.post(share_url(meeting), {"server": "Mastodon.Social"})

    target = urlsplit(forwarded_to(response))
    assert (target.scheme, target.netloc, target.path) == ("https", "mastodon.social", "/share")
    text = query(forwarded_to(response))["text"]
    assert text.startswith("What internationalism means · ")
    assert text.endswith(absolute(meeting))
    cookie = response.cookies[COOKIE]
    assert cookie.value == "mastodon.social"
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["secure"] == ""  # over http; over https it is Secure


def test_the_cookie_is_secure_over_https(client, meeting):
    response = client.post(share_url(meeting), {"server": "mastodon.social"}, secure=True)

    assert response.status_code == 200
    assert response.cookies[COOKIE]["secure"] is True


def test_an_idn_server_is_sent_to_in_punycode(client, meeting):
    response = client.post(share_url(meeting), {"server": "münchen.social"})

    assert urlsplit(forwarded_to(response)).netloc == "xn--mnchen-3ya.social"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("javascript:alert(1)", "without https://"),
        ("127.0.0.1", "not an IP address"),
        ("[::1]", "not an IP address"),
        ("localhost", "not a public server"),
        ("a.localhost", "not a public server"),
        ("evil.example/../", "without a path"),
        ("a" * 300, "too long"),
        ("", "Type"),
        ("example.org:22", "without a port"),
        ("user@example.org", "not your user name"),
    ],
)
def test_a_bad_server_is_refused_on_the_form_and_nothing_is_set(client, meeting, typed, says):
    response = client.post(share_url(meeting), {"server": typed})

    assert response.status_code == 400
    assert says in html.unescape(response.text)
    assert COOKIE not in response.cookies
    assert 'http-equiv="refresh"' not in response.text
    assert 'name="server"' in response.text  # the form again, to correct it


def test_an_empty_field_uses_the_server_remembered(client, meeting):
    client.cookies[COOKIE] = "mastodon.social"

    response = client.post(share_url(meeting), {"server": ""})

    assert urlsplit(forwarded_to(response)).netloc == "mastodon.social"


def test_a_tampered_cookie_is_not_followed(client, meeting):
    client.cookies[COOKIE] = "127.0.0.1"

    response = client.post(share_url(meeting), {"server": ""})

    assert response.status_code == 400
    assert 'http-equiv="refresh"' not in response.text


def test_the_share_page_is_prefilled_from_the_cookie_and_never_shared(client, meeting):
    client.cookies[COOKIE] = "social.example.org"

    response = client.get(share_url(meeting))

    assert response.status_code == 200
    assert 'value="social.example.org"' in response.text
    assert "Cookie" in response["Vary"]
    assert "private" in response["Cache-Control"]


def test_the_cached_meeting_page_never_holds_the_remembered_server(client, meeting, settings):
    settings.TURNOUT_PAGE_CACHE_SECONDS = 60
    client.cookies[COOKIE] = "social.example.org"

    first = client.get(page_url(meeting)).text
    client.cookies.pop(COOKIE)
    second = client.get(page_url(meeting)).text

    assert "social.example.org" not in first + second


def test_the_mastodon_form_is_rate_limited(client, meeting, settings):
    settings.TURNOUT_SHARE_PER_CLIENT = 2
    for _ in range(2):
        assert client.post(share_url(meeting), {"server": "mastodon.social"}).status_code == 200

    response = client.post(share_url(meeting), {"server": "mastodon.social"})

    assert response.status_code == 429


def test_no_share_page_for_a_draft_or_no_meeting(client, db):
    group = make_group(slug="uig")
    draft = make_event(group=group, slug="draft", published=False)

    assert client.post(share_url(draft), {"server": "mastodon.social"}).status_code == 404
    assert client.get("/uig/events/nothing/share/mastodon/").status_code == 404
