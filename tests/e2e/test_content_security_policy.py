"""The Content-Security-Policy in chromium: no page breaks it, the pages' own scripts
still work, the widget may be framed and nothing else, and an inline script that found
its way into a page does not run (issue 16, finding 5)."""

import pytest
from django.http import HttpResponse
from django.urls import include, path
from playwright.sync_api import expect

from tests.comparisons.helpers import make_table
from tests.factories import make_event, make_group, make_user, make_venue
from turnout.events.models import Event
from turnout.mailing.services import announcements
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import token_for

# Records every violation the page reports, before any of the page's own code runs
# (an init script comes through the DevTools protocol: the policy does not apply to it).
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def injected(request):
    """A page whose text let a script through (an escaping bug), sent with the policy."""
    return HttpResponse(
        "<!doctype html><html lang='en'><head><title>Injected</title></head><body>"
        "<p id='text'>Hello</p><script>window.ran = true; "
        "document.getElementById('text').textContent = 'pwned';</script></body></html>"
    )


def other_site(request):
    """Another site (127.0.0.1 where ours is localhost) that frames two of our pages."""
    ours = f"http://localhost:{request.get_port()}"
    response = HttpResponse(
        "<!doctype html><title>Another site</title>"
        f"<iframe name=w src='{ours}/uig/widget/'></iframe>"
        f"<iframe name=e src='{ours}/uig/events/{request.GET['event']}/'></iframe>"
    )
    response["Content-Security-Policy"] = "frame-src *"  # its own policy, not ours
    return response


def broken(request):
    raise RuntimeError("a bug, to show the 500 page")


urlpatterns = [
    path("test-only/injected/", injected),
    path("test-only/broken/", broken),
    path("test-only/other-site/", other_site),
    path("", include("turnout.pages.urls")),
]
handler404 = "turnout.core.views.page_not_found"
handler500 = "turnout.core.views.server_error"


@pytest.fixture
def meeting(transactional_db, settings) -> Event:
    settings.ROOT_URLCONF = __name__
    group = make_group(
        owner=make_user(email="olena@example.org", name="Olena Organiser"),
        name="Ukraine Information Group",
        slug="uig",
    )
    event = make_event(
        group=group,
        venue=make_venue(group=group, name="Community Centre"),
        title="What internationalism means",
        capacity=60,
    )
    make_table(group=group, criteria=["Deaths"], cases=["A", "B"], slug="t", published=True)
    return event


@pytest.fixture
def watched(new_context):
    """A browser context whose pages record policy violations, from the console too."""

    def make(**options):
        context = new_context(**options)
        context.add_init_script(WATCH)
        return context

    return make


def violations(page, console: list[str]) -> list[str]:
    reported = page.evaluate("window.__violations")
    return reported + [text for text in console if "Content Security Policy" in text]


def visit(context, url: str, status: int = 200):
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    response = page.goto(url)
    assert response.status == status, url
    page.wait_for_load_state("networkidle")
    return page, console


def test_public_and_attendee_pages_break_no_policy(meeting, watched):
    registration, _ = rsvp.register(event=meeting, name="Ada Attendee", email="ada@example.org")
    context = watched()
    for url in [
        "/",
        "/uig/",
        f"/uig/events/{meeting.slug}/",
        "/uig/comparisons/t/",
        "/uig/widget/",
        f"/rsvp/{token_for(registration)}/",
        "/organise/login/",
    ]:
        page, console = visit(context, url)
        assert violations(page, console) == [], url
        page.close()


def test_error_pages_break_no_policy_and_keep_their_look(meeting, watched):
    context = watched()
    for url, status in [("/no-such-group/", 404), ("/test-only/broken/", 500)]:
        page, console = visit(context, url, status)
        assert violations(page, console) == [], url
        font = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert "system-ui" in font, url  # the stylesheet loaded
        page.close()


def test_organiser_pages_break_no_policy(meeting, watched, log_in):
    rsvp.register(event=meeting, name="Ada Attendee", email="ada@example.org")
    organiser = meeting.group.memberships.get().user
    draft = announcements.create(
        group=meeting.group, subject="Tuesday", body="Come **early**.", created_by=organiser
    )
    context = watched()
    log_in(context, organiser)
    base = f"/organise/groups/uig/events/{meeting.slug}/"
    for url in [
        "/organise/",
        "/organise/groups/uig/",
        base,
        base + "registrations/",
        base + "door/",
        "/organise/groups/uig/subscribers/import/",
        "/organise/groups/uig/comparisons/t/",
        "/organise/groups/uig/imports/new/",
        "/organise/account/two-factor/",
        f"/organise/groups/uig/announcements/{draft.pk}/preview/",
    ]:
        page, console = visit(context, url)
        assert violations(page, console) == [], url
        page.close()


def test_the_email_preview_keeps_the_emails_own_styles(meeting, watched, log_in):
    organiser = meeting.group.memberships.get().user
    draft = announcements.create(
        group=meeting.group, subject="Tuesday", body="Come early.", created_by=organiser
    )
    context = watched()
    log_in(context, organiser)

    page, console = visit(context, f"/organise/groups/uig/announcements/{draft.pk}/preview/")

    email = page.frame_locator("iframe.email-preview")
    width = email.locator("body > div").evaluate("(e) => getComputedStyle(e).maxWidth")
    assert width.endswith("px") and width != "none"  # its style="max-width:38rem" applied
    assert violations(page, console) == []


def test_the_door_count_still_updates_itself(meeting, watched, log_in):
    ada, _ = rsvp.register(event=meeting, name="Ada Attendee", email="ada@example.org")
    rsvp.confirm(registration=ada)
    organiser = meeting.group.memberships.get().user
    context = watched()
    log_in(context, organiser)
    page = context.new_page()
    page.clock.install()
    page.goto(f"/organise/groups/uig/events/{meeting.slug}/door/")
    expect(page.locator("[data-checked-in]")).to_have_text("0")

    rsvp.check_in(registration=ada, by=organiser)  # on another organiser's phone
    page.clock.run_for(11_000)

    expect(page.locator("[data-checked-in]")).to_have_text("1")
    assert page.evaluate("window.__violations") == []


def test_the_widget_may_be_framed_by_another_site_and_the_meeting_page_may_not(
    meeting, watched, live_server
):
    page = watched().new_page()
    assert live_server.url.startswith("http://localhost:")
    other = live_server.url.replace("localhost", "127.0.0.1")

    page.goto(f"{other}/test-only/other-site/?event={meeting.slug}")
    page.wait_for_timeout(500)

    widget = page.frame_locator("[name=w]")
    expect(widget.get_by_role("link", name="What internationalism means")).to_be_visible()
    assert page.frame(name="e").url.startswith("chrome-error://")  # refused


def test_an_inline_script_that_reached_a_page_does_not_run(meeting, watched):
    page, console = visit(watched(), "/test-only/injected/")

    assert page.evaluate("window.ran") is None
    assert page.locator("#text").text_content() == "Hello"
    assert page.evaluate("window.__violations") == ["script-src-elem inline"]
    assert any("Content Security Policy" in text for text in console)
