"""The organiser's ICS import, page by page: upload or URL, review, import as drafts or
allied events, re-import by UID, the fetch task and the periodic re-fetch."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.core.test_fetch import serve
from tests.factories import make_event
from tests.feeds.test_import_parse import calendar, vevent
from tests.jobs import run_as_a_worker
from turnout.core import schedule
from turnout.events.models import Event
from turnout.feeds import imports, selectors, tasks
from turnout.feeds.models import AlliedEvent, ImportSource

NEW = "/organise/groups/uig/imports/new/"


@pytest.fixture
def serving_ics():
    with serve() as server:
        yield server


def upload(client, data: bytes, *, mode="drafts", name="allies.ics"):
    file = SimpleUploadedFile(name, data, content_type="text/calendar")
    return client.post(NEW, {"file": file, "mode": mode, "url": ""})


def source_path(source: ImportSource, action: str = "") -> str:
    return f"/organise/groups/uig/imports/{source.pk}/{action}"


def run_queued(task) -> list[DBTaskResult]:
    """Run, in this process as ``turnout worker`` would, every queued run of ``task``."""
    queued = DBTaskResult.objects.ready().filter(task_path=task.module_path)
    return [run_as_a_worker(row.pk) for row in queued]


KYIV_DST = calendar(
    vevent(
        uid="night@allies.example",
        SUMMARY="Night vigil",
        **{
            "DTSTART;TZID=Europe/Kyiv": "20301026T230000",
            "DTEND;TZID=Europe/Kyiv": "20301027T050000",  # clocks go back at 04:00
        },
    ),
    vevent(
        uid="summer@allies.example",
        SUMMARY="Summer meeting",
        **{
            "DTSTART;TZID=Europe/Kyiv": "20300612T190000",
            "DTEND;TZID=Europe/Kyiv": "20300612T210000",
        },
    ),
    vevent(
        uid="winter@allies.example",
        SUMMARY="Winter meeting",
        LOCATION="Hall 2, 1 Main St",
        DESCRIPTION="Bring *friends* <script>alert(1)</script>",
        URL="https://allies.example/winter",
        **{
            "DTSTART;TZID=Europe/Kyiv": "20301212T190000",
            "DTEND;TZID=Europe/Kyiv": "20301212T210000",
        },
    ),
    vevent(
        uid="fair@allies.example",
        SUMMARY="Book fair",
        **{
            "DTSTART;VALUE=DATE": "20300704",
            "DTEND;VALUE=DATE": "20300706",
            "DTSTART;TZID=Europe/Kyiv": None,
            "DTEND;TZID=Europe/Kyiv": None,
        },
    ),
    vevent(uid=None, SUMMARY="No UID here"),
)


# --- the pages


def test_import_page_says_the_limits(organiser_client, group):
    html = organiser_client.get(NEW).content.decode()

    assert "up to 5 MB and 1,000 events" in html
    assert 'enctype="multipart/form-data"' in html


def test_group_settings_link_to_imports(organiser_client, group):
    html = organiser_client.get("/organise/groups/uig/settings/").content.decode()

    assert 'href="/organise/groups/uig/imports/"' in html


def test_upload_shows_the_review_and_changes_no_event(organiser_client, group):
    response = upload(organiser_client, KYIV_DST)

    source = ImportSource.objects.get()
    assert response.status_code == 302
    assert response["Location"] == source_path(source)
    html = organiser_client.get(response["Location"]).content.decode()
    assert html.count('<span class="badge new">new</span>') == 4
    assert "Skipped: it has no UID, so a later import could not update it." in html
    assert "Thursday 4 July 2030 – Friday 5 July 2030, all day" in html
    assert "Wednesday 12 June 2030, 7pm – 9pm (Europe/Kyiv)" in html
    assert "&lt;script&gt;" not in html or "<script>alert" not in html
    assert Event.objects.count() == 0


def test_import_as_drafts_keeps_zone_all_day_and_local_time_across_dst(organiser_client, group):
    upload(organiser_client, KYIV_DST)
    source = ImportSource.objects.get()

    response = organiser_client.post(source_path(source, "import/"))

    assert response.status_code == 302
    events = {e.external_uid: e for e in Event.objects.filter(group=group)}
    assert sorted(events) == [
        "fair@allies.example",
        "night@allies.example",
        "summer@allies.example",
        "winter@allies.example",
    ]
    assert {e.status for e in events.values()} == {"draft"}
    night = events["night@allies.example"]
    assert (night.time_zone, night.start_time, night.end_time) == (
        "Europe/Kyiv",
        dt.time(23),
        dt.time(5),
    )
    assert night.ends_at - night.starts_at == dt.timedelta(hours=7)  # 6 on the clock + 1
    summer, winter = events["summer@allies.example"], events["winter@allies.example"]
    assert summer.starts_at == dt.datetime(2030, 6, 12, 16, 0, tzinfo=dt.UTC)  # UTC+3
    assert winter.starts_at == dt.datetime(2030, 12, 12, 17, 0, tzinfo=dt.UTC)  # UTC+2
    assert (summer.start_time, winter.start_time) == (dt.time(19), dt.time(19))
    fair = events["fair@allies.example"]
    assert (fair.all_day, fair.start_date, fair.end_date, fair.start_time, fair.end_time) == (
        True,
        dt.date(2030, 7, 4),
        dt.date(2030, 7, 6),
        dt.time(0),
        dt.time(0),
    )
    assert winter.external_url == "https://allies.example/winter"
    assert winter.description == (
        "Location: Hall 2, 1 Main St\n\nBring \\*friends\\* \\<script\\>alert\\(1\\)\\</script\\>"
    )
    assert winter.venue is None


def test_reimport_updates_by_uid_without_duplicating(organiser_client, group):
    upload(organiser_client, KYIV_DST)
    organiser_client.post(source_path(ImportSource.objects.get(), "import/"))
    changed = KYIV_DST.replace(b"SUMMARY:Summer meeting", b"SUMMARY:Summer assembly")

    upload(organiser_client, changed)
    second = ImportSource.objects.order_by("-pk").first()
    html = organiser_client.get(source_path(second)).content.decode()
    organiser_client.post(source_path(second, "import/"))

    assert html.count('<span class="badge update">update</span>') == 1
    assert html.count('<span class="badge unchanged">unchanged</span>') == 3
    assert Event.objects.filter(group=group).count() == 4
    assert Event.objects.get(external_uid="summer@allies.example").title == "Summer assembly"


def test_reimport_never_changes_a_published_event(organiser_client, group, venue):
    upload(organiser_client, KYIV_DST)
    source = ImportSource.objects.get()
    organiser_client.post(source_path(source, "import/"))
    summer = Event.objects.get(external_uid="summer@allies.example")
    from turnout.events import services as events

    events.update_event(event=summer, venue=venue, allow_past_start=True)
    events.publish_event(event=summer)
    changed = KYIV_DST.replace(b"SUMMARY:Summer meeting", b"SUMMARY:Summer assembly")
    source.found = imports.parse_calendar(changed, default_zone=group.time_zone)
    source.save()

    counts = imports.apply_source(source=source)

    assert counts["kept"] == 1
    assert Event.objects.get(pk=summer.pk).title == "Summer meeting"


def test_import_as_allied_events_and_show_them(organiser_client, group, client):
    upload(organiser_client, KYIV_DST, mode="allied")
    source = ImportSource.objects.get()

    organiser_client.post(source_path(source, "import/"))

    assert Event.objects.count() == 0
    allied = {a.uid: a for a in AlliedEvent.objects.all()}
    assert sorted(allied) == [
        "fair@allies.example",
        "night@allies.example",
        "summer@allies.example",
        "winter@allies.example",
    ]
    winter = allied["winter@allies.example"]
    assert (winter.location, winter.url, winter.time_zone) == (
        "Hall 2, 1 Main St",
        "https://allies.example/winter",
        "Europe/Kyiv",
    )


def test_allied_include_lists_upcoming_events_with_links_and_text_escaped(group):
    source = ImportSource.objects.create(
        group=group, url="https://allies.example/cal.ics", mode="allied", name="Allies"
    )
    source.found = imports.parse_calendar(KYIV_DST, default_zone=group.time_zone)
    imports.apply_source(source=source)
    AlliedEvent.objects.filter(uid="winter@allies.example").update(
        title="<script>alert(1)</script>"
    )

    html = render_to_string("feeds/_allied.html", {"allied": selectors.allied_events(group=group)})

    assert "Allied events" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    assert 'href="https://allies.example/winter"' in html
    assert 'href="https://allies.example/cal.ics"' in html
    assert "Thursday 4 July 2030 – Friday 5 July 2030, all day" in html
    assert render_to_string("feeds/_allied.html", {"allied": []}).strip() == ""


@pytest.mark.parametrize("count", [1, 3])
def test_allied_events_is_one_query(group, django_assert_num_queries, count):
    source = ImportSource.objects.create(group=group, mode="allied")
    source.found = imports.parse_calendar(
        calendar(*[vevent(uid=f"e{n}@x") for n in range(count)]), default_zone=group.time_zone
    )
    imports.apply_source(source=source)

    with django_assert_num_queries(1):
        found = selectors.allied_events(group=group)

    assert len(found) == count


def test_allied_reimport_updates_and_removes_what_left_the_calendar(group):
    source = ImportSource.objects.create(group=group, mode="allied")
    source.found = imports.parse_calendar(KYIV_DST, default_zone=group.time_zone)
    imports.apply_source(source=source)
    shorter = calendar(vevent(uid="summer@allies.example", SUMMARY="Summer assembly"))
    source.found = imports.parse_calendar(shorter, default_zone=group.time_zone)

    counts = imports.apply_source(source=source)

    assert (counts["update"], counts["removed"]) == (1, 3)
    assert list(AlliedEvent.objects.values_list("uid", "title")) == [
        ("summer@allies.example", "Summer assembly")
    ]


# --- bad input: a clear message, nothing changed


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"just text", "This is not an iCalendar (.ics) file"),
        (
            b"BEGIN:VCALENDAR\r\n" + b"BEGIN:VEVENT\r\nEND:VEVENT\r\n" * 100_000,
            "The calendar holds 100,000 events; at most 1,000 can be imported at once.",
        ),
    ],
)
def test_upload_of_a_bad_file_says_why_and_changes_nothing(
    organiser_client, group, table_rows, data, message
):
    before = table_rows()

    response = upload(organiser_client, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert table_rows() == before


def test_upload_over_5_mb_is_refused_by_the_upload_handler(organiser_client, group, table_rows):
    before = table_rows()
    data = calendar(vevent(DESCRIPTION="x" * (5 * 1024 * 1024)))

    response = upload(organiser_client, data)

    assert response.status_code == 200
    assert "The file is larger than 5 MB. Import a smaller calendar." in response.content.decode()
    assert table_rows() == before


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"url": "", "mode": "drafts"}, "Give a calendar address or choose an .ics file."),
        ({"url": "ftp://x.example/a.ics", "mode": "drafts"}, "Only http:// and https://"),
        ({"url": "javascript:alert(1)", "mode": "allied"}, "Only http:// and https://"),
        ({"url": "https://x.example/a.ics", "mode": "everything"}, "Select a valid choice."),
        ({"url": "https://x.example/a.ics"}, "Choose what to do with the events."),
    ],
)
def test_import_form_refuses_bad_input(organiser_client, group, table_rows, post, message):
    before = table_rows()

    response = organiser_client.post(NEW, post)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert table_rows() == before


# --- URL sources: the fetch task and the periodic re-fetch


def test_url_import_is_fetched_by_a_task_then_reviewed(organiser_client, group, serving_ics):
    serving_ics.body = KYIV_DST
    response = organiser_client.post(NEW, {"url": serving_ics.url("/cal.ics"), "mode": "drafts"})
    source = ImportSource.objects.get()

    waiting = organiser_client.get(response["Location"]).content.decode()
    (ran,) = run_queued(tasks.fetch_source)
    ready = organiser_client.get(response["Location"]).content.decode()

    assert '<meta http-equiv="refresh" content="3">' in waiting
    assert "Fetching the calendar…" in waiting
    assert ran.status == "SUCCESSFUL"
    assert ran.return_value == "fetched: 4 events"
    source.refresh_from_db()
    assert source.state == "ready"
    assert 'http-equiv="refresh"' not in ready
    assert ready.count('<span class="badge new">new</span>') == 4
    assert Event.objects.count() == 0


def test_the_same_calendar_address_twice_is_refused(organiser_client, group, serving_ics):
    data = {"url": serving_ics.url("/cal.ics"), "mode": "allied"}
    organiser_client.post(NEW, data)

    again = organiser_client.post(NEW, {**data, "url": f"  {data['url']} "})

    assert again.status_code == 200
    assert "This calendar is already imported" in again.content.decode()
    assert ImportSource.objects.count() == 1


def test_url_import_refused_in_production_mode_says_why_and_imports_nothing(
    organiser_client,
    group,
    serving_ics,
    settings,
):
    settings.TURNOUT_IMPORT_ALLOW_PRIVATE_ADDRESSES = False
    organiser_client.post(NEW, {"url": serving_ics.url("/cal.ics"), "mode": "allied"})
    source = ImportSource.objects.get()

    result = tasks.fetch_source.call(source.pk)

    html = organiser_client.get(source_path(source)).content.decode()
    assert result == "failed: private"
    assert "This address points inside the server&#x27;s own network" in html
    assert "Nothing was changed." in html
    assert serving_ics.seen == []
    assert AlliedEvent.objects.count() == 0


def test_periodic_refetch_applies_changes_to_a_subscribed_source(
    organiser_client,
    group,
    serving_ics,
):
    serving_ics.body = KYIV_DST
    organiser_client.post(
        NEW, {"url": serving_ics.url("/cal.ics"), "mode": "allied", "subscribed": "on"}
    )
    source = ImportSource.objects.get()
    run_queued(tasks.fetch_source)  # the first fetch, queued by the form
    organiser_client.post(source_path(source, "import/"))
    ImportSource.objects.filter(pk=source.pk).update(
        fetched_at=timezone.now() - dt.timedelta(hours=7)
    )
    serving_ics.body = calendar(vevent(uid="summer@allies.example", SUMMARY="Summer assembly"))

    started = schedule.enqueue_due_jobs()
    (refresh,) = run_queued(tasks.refresh_subscribed)
    (fetched,) = run_queued(tasks.fetch_source)

    assert "refresh-ics-imports" in started
    assert refresh.return_value == 1
    assert fetched.return_value.startswith("synced:")
    assert list(AlliedEvent.objects.values_list("uid", "title")) == [
        ("summer@allies.example", "Summer assembly")
    ]
    assert tasks.refresh_subscribed.call() == 0  # fetched just now: not due again


def test_periodic_refetch_of_drafts_updates_only_unpublished_events(group, venue, serving_ics):
    serving_ics.body = KYIV_DST
    source = imports.create_from_url(
        group=group, url=serving_ics.url("/cal.ics"), mode="drafts", subscribed=True
    )
    tasks.fetch_source.call(source.pk)
    imports.apply_source(source=ImportSource.objects.get(pk=source.pk))
    winter = Event.objects.get(external_uid="winter@allies.example")
    from turnout.events import services as events

    events.update_event(event=winter, venue=venue, allow_past_start=True)
    events.publish_event(event=winter)
    serving_ics.body = re.sub(rb"SUMMARY:(\w+) meeting", rb"SUMMARY:\1 assembly", KYIV_DST)

    result = tasks.fetch_source.call(source.pk)

    assert result.startswith("synced:")
    assert Event.objects.get(external_uid="summer@allies.example").title == "Summer assembly"
    assert Event.objects.get(pk=winter.pk).title == "Winter meeting"
    assert Event.objects.filter(group=group).count() == 4


def test_a_failed_refetch_keeps_what_was_imported(group, serving_ics):
    serving_ics.body = KYIV_DST
    source = imports.create_from_url(
        group=group, url=serving_ics.url("/cal.ics"), mode="allied", subscribed=True
    )
    tasks.fetch_source.call(source.pk)
    imports.apply_source(source=ImportSource.objects.get(pk=source.pk))
    serving_ics.body = b"<html>gone</html>"

    result = tasks.fetch_source.call(source.pk)

    source.refresh_from_db()
    assert result == "failed: not_ics"
    assert source.state == "imported"
    assert source.error.startswith("This is not an iCalendar (.ics) file")
    assert AlliedEvent.objects.count() == 4


def test_fetch_task_for_a_deleted_source_returns_quietly(db):
    assert tasks.fetch_source.call(999_999) == "gone"


def test_another_groups_published_event_with_the_same_uid_is_untouched(organiser_client, group):
    from tests.factories import make_group

    other = make_group(slug="other")
    theirs = make_event(group=other, title="Theirs")
    Event.objects.filter(pk=theirs.pk).update(external_uid="summer@allies.example")

    upload(organiser_client, KYIV_DST)
    organiser_client.post(source_path(ImportSource.objects.get(), "import/"))

    assert Event.objects.get(pk=theirs.pk).title == "Theirs"
    assert Event.objects.filter(external_uid="summer@allies.example").count() == 2
