"""Markdown is rendered once, when its row is saved, and stored beside its source; a page
shows the stored HTML only while it is Turnout's own output for that very source under
the renderer as it is now (turnout.core.rendered), and renders afresh otherwise."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import make_event
from turnout.core import markdown, rendered
from turnout.core.markdown import render_markdown
from turnout.events import services as events
from turnout.events.models import Event
from turnout.flyers import services as flyers
from turnout.groups.models import Group

RULED = "Before the line.\n\n---\n\nAfter the line."
HOSTILE = '<script>alert(1)</script><a href="javascript:alert(1)">x</a>'


@pytest.fixture
def renderer_changed(monkeypatch):
    """The sanitiser's settings as an upgrade might change them: no more <hr>."""

    def change():
        monkeypatch.setattr(markdown, "ALLOWED_TAGS", markdown.ALLOWED_TAGS - {"hr"})
        forget()

    def forget():
        markdown.current_version.cache_clear()
        render_markdown.cache_clear()

    yield change
    forget()  # monkeypatch puts the allow-list back after this; forget again then
    monkeypatch.undo()
    forget()


def stored(event: Event) -> tuple[str, str]:
    row = Event.objects.values("description_rendered", "description_stamp").get(pk=event.pk)
    return row["description_rendered"], row["description_stamp"]


def event_page(client, event: Event) -> str:
    response = client.get(f"/{event.group.slug}/events/{event.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_version_changes_when_an_allow_list_changes(monkeypatch):
    before = markdown.render_version()

    monkeypatch.setattr(markdown, "ALLOWED_SCHEMES", markdown.ALLOWED_SCHEMES | {"ftp"})

    assert markdown.render_version() != before


def test_the_version_changes_when_the_allowed_attributes_change(monkeypatch):
    before = markdown.render_version()

    monkeypatch.setattr(markdown, "ALLOWED_ATTRIBUTES", {"a": {"href"}})

    assert markdown.render_version() != before


def test_the_version_is_the_same_for_the_same_settings():
    assert markdown.render_version() == markdown.render_version() == markdown.current_version()


def test_a_saved_meeting_stores_its_rendering(group):
    event = make_event(group=group, description="**Bring** a friend.")

    html, stamp = stored(event)

    assert html == '<p dir="auto"><strong>Bring</strong> a friend.</p>\n'
    assert stamp.startswith(markdown.current_version() + ":")


def test_rows_created_in_bulk_store_their_rendering(db):
    Group.objects.bulk_create(
        [Group(name="A", slug="a-group", contact_email="a@example.org", about="# About A")]
    )

    assert Group.objects.values_list("about_rendered", flat=True).get() == (
        '<h2 dir="auto">About A</h2>\n'
    )


def test_a_row_saved_with_only_its_source_named_stores_its_rendering_too(group):
    group.about = "*Changed*"
    group.save(update_fields=["about"])

    row = Group.objects.get(pk=group.pk)
    assert row.about_rendered == '<p dir="auto"><em>Changed</em></p>\n'
    assert row.about_stamp == rendered.stamp("*Changed*", row.about_rendered)


def test_a_meeting_edited_through_its_service_stores_the_new_rendering(group):
    event = make_event(group=group, description="Old words.")

    events.update_event(event=event, description="*New* words.")

    assert stored(event) == (
        '<p dir="auto"><em>New</em> words.</p>\n',
        rendered.stamp("*New* words.", '<p dir="auto"><em>New</em> words.</p>\n'),
    )


def test_a_rendering_made_under_an_old_version_is_rendered_again_and_stored(
    client, group, renderer_changed
):
    event = make_event(group=group, description=RULED)
    assert "<hr>" in stored(event)[0]

    renderer_changed()
    page = event_page(client, event)

    assert "<hr>" not in page
    assert str(render_markdown(RULED)) in page
    assert stored(event) == (
        render_markdown(RULED),
        rendered.stamp(RULED, render_markdown(RULED)),
    )


def test_hostile_html_stored_under_a_stale_version_is_never_shown(client, group):
    event = make_event(group=group, description="Plain words.")
    Event.objects.filter(pk=event.pk).update(
        description_rendered=HOSTILE, description_stamp="000000000000:0"
    )

    page = event_page(client, event)

    assert "<script>alert(1)" not in page
    assert "javascript:" not in page
    assert '<p dir="auto">Plain words.</p>' in page
    assert stored(event)[0] == '<p dir="auto">Plain words.</p>\n'


def test_hostile_html_with_another_rows_stamp_is_never_shown(client, group):
    event = make_event(group=group, description="Plain words.")
    other = make_event(group=group, description="Other words.")
    _html, other_stamp = stored(other)
    Event.objects.filter(pk=event.pk).update(
        description_rendered=HOSTILE, description_stamp=other_stamp
    )

    page = event_page(client, event)

    assert "<script>alert(1)" not in page
    assert '<p dir="auto">Plain words.</p>' in page


def test_a_source_changed_behind_the_renderer_s_back_is_shown_as_it_is_now(client, group):
    event = make_event(group=group, description="Old words.")
    Event.objects.filter(pk=event.pk).update(description="*New* words.")

    page = event_page(client, event)

    assert "Old words." not in page
    assert '<p dir="auto"><em>New</em> words.</p>' in page


@settings(max_examples=60, deadline=None)
@given(
    source=st.text(max_size=200),
    html=st.sampled_from(["", HOSTILE, "<p>Old words.</p>"]),
    stamp=st.sampled_from(["", "000000000000:0", "current-for-other"]),
)
def test_what_is_shown_is_always_the_rendering_of_the_source(source, html, stamp):
    if stamp == "current-for-other":
        stamp = rendered.stamp("Other words.", html)
    event = Event(description=source, description_rendered=html, description_stamp=stamp)

    assert event.description_html == render_markdown(source)


def test_the_command_rerenders_stale_rows_in_batches_and_then_finds_none(group, renderer_changed):
    events = [make_event(group=group, description=RULED) for _ in range(3)]
    renderer_changed()

    with CaptureQueriesContext(connection) as queries:
        call_command("rerender_markdown", batch_size=2, stdout=(out := _Output()))

    assert [stored(event)[0] for event in events] == [render_markdown(RULED)] * 3
    updates = [q for q in queries if q["sql"].startswith('UPDATE "events_event"')]
    assert len(updates) == 2  # three rows in batches of two
    assert "3 events.event" in out.text
    call_command("rerender_markdown", batch_size=2, stdout=(again := _Output()))
    assert "re-rendered 0 stored Markdown texts" in again.text


def test_the_meeting_page_costs_no_more_queries_than_before(
    client, django_assert_num_queries, group
):
    event = make_event(group=group, description=RULED)

    with django_assert_num_queries(2):  # as before: the event with its group and venue; blocks
        event_page(client, event)


class _Output:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_after_a_version_change_the_first_view_stores_back_and_the_next_costs_as_before(
    client, group, renderer_changed
):
    event = make_event(group=group, description=RULED)
    flyers.add_statement(event=event, title="Why", body=RULED, dated="2024-03-01")
    renderer_changed()

    with CaptureQueriesContext(connection) as first:
        page = event_page(client, event)
    with CaptureQueriesContext(connection) as second:
        again = event_page(client, event)

    writes = [q["sql"] for q in first if q["sql"].startswith("UPDATE")]
    assert len(writes) == 2  # the description's and the statement's rendering, once each
    assert len(second) == len(first) - len(writes) * 3 == 2  # each write in a savepoint
    assert page.count(str(render_markdown(RULED))) == again.count(str(render_markdown(RULED))) == 2
