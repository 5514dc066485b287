"""The embeddable widget: the one page another site may put in an <iframe>."""

import html
import re

from tests.factories import make_event
from turnout.events import services as events
from turnout.groups import services as groups

LINK = re.compile(
    r'<a class="title" href="([^"]+)" target="_blank" rel="noopener" dir="auto">([^<]+)</a>'
)
SNIPPET = re.compile(r'<textarea id="widget-snippet" readonly[^>]*>(.*?)</textarea>', re.S)


def listed(response) -> list[tuple[str, str]]:
    return LINK.findall(response.content.decode())


def test_widget_lists_upcoming_published_meetings_only(client, group, venue):
    later = make_event(group=group, venue=venue, title="Later", days_ahead=20)
    soon = make_event(group=group, venue=venue, title="Soon", days_ahead=2)
    make_event(group=group, venue=venue, title="Past", days_ahead=-3)
    make_event(group=group, venue=venue, title="Secret draft", published=False)
    events.cancel_event(event=make_event(group=group, venue=venue, title="Called off"))

    response = client.get("/uig/widget/")

    assert response.status_code == 200
    assert listed(response) == [
        (f"/uig/events/{soon.slug}/", "Soon"),
        (f"/uig/events/{later.slug}/", "Later"),
    ]
    body = response.content.decode()
    assert "Secret draft" not in body and "Called off" not in body
    assert '<a href="/uig/" target="_blank" rel="noopener">' in body


def test_widget_may_be_framed_and_other_pages_may_not(client, event):
    widget = client.get("/uig/widget/")

    assert widget.status_code == 200
    assert "X-Frame-Options" not in widget
    for url in ("/", "/uig/", f"/uig/events/{event.slug}/", "/uig/feed.atom"):
        assert client.get(url)["X-Frame-Options"] == "DENY"


def test_widget_stands_alone_without_the_site_chrome(client, event):
    body = client.get("/uig/widget/").content.decode()

    assert "site-header" not in body and "site.css" not in body
    assert "<style" not in body and "/static/feeds/widget.css" in body
    assert "<script" not in body.lower()


def test_widget_of_a_group_without_meetings_says_so(client, group):
    body = client.get("/uig/widget/").content.decode()

    assert "No meetings planned just now." in body


def test_widget_of_an_unknown_group_is_404(client, db):
    for url in ("/nobody/widget/", "/NOBODY/widget/", "/uig/widget/x"):
        assert client.get(url).status_code == 404


def test_widget_refuses_post(client, group):
    assert client.post("/uig/widget/").status_code == 405


def test_widget_escapes_hostile_titles_and_hides_the_online_link(client, group):
    make_event(
        group=group, title="<script>alert(1)</script>", online_url="https://meet.example.org/x"
    )

    body = client.get("/uig/widget/").content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script" not in body.lower()
    assert "meet.example.org" not in body


def test_widget_costs_two_queries_whatever_the_number_of_meetings(
    client, group, venue, django_assert_num_queries
):
    for i in range(3):
        make_event(group=group, venue=venue, title=f"Meeting {i}", days_ahead=i + 1)

    with django_assert_num_queries(2):  # the group, its meetings with their venues
        response = client.get("/uig/widget/")

    assert [title for _url, title in listed(response)] == ["Meeting 0", "Meeting 1", "Meeting 2"]


def test_group_settings_have_the_copy_paste_snippet(organiser_client, group):
    body = organiser_client.get("/organise/groups/uig/settings/").content.decode()

    snippet = html.unescape(SNIPPET.search(body).group(1))
    assert snippet.startswith('<iframe src="http://testserver/uig/widget/"')
    assert 'title="Meetings of Ukraine Information Group"' in snippet
    assert snippet.endswith("></iframe>")
    assert '<label for="widget-snippet">' in body


def test_snippet_stays_valid_html_with_quotes_in_the_group_name(organiser_client, group):
    groups.update_group(group=group, name='The "Best" <Group> & Co')

    body = organiser_client.get("/organise/groups/uig/settings/").content.decode()

    snippet = html.unescape(SNIPPET.search(body).group(1))
    assert 'title="Meetings of The &quot;Best&quot; &lt;Group&gt; &amp; Co"' in snippet
