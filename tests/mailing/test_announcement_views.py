"""The organiser's announcement pages, and the instance admin's approval."""

import html as htmllib
import re

import pytest
from django.contrib.admin.sites import site
from django.test import Client
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_group
from tests.html import without_own_scripts
from tests.mail import outbox
from tests.mailing.test_announcements import HOSTILE_BODY, assert_harmless, subscribe
from turnout.core.models import Message
from turnout.core.outbox import delivery as mail
from turnout.core.outbox import tasks as outbox_tasks
from turnout.groups import services as groups
from turnout.groups.models import Group, User
from turnout.mailing import tasks
from turnout.mailing.models import Announcement
from turnout.mailing.services import announcements

BASE = "/organise/groups/uig/announcements/"
ROUTES = ["", "preview/", "test/", "send/", "progress/"]


@pytest.fixture
def announcement(group, organiser):
    return announcements.create(
        group=group,
        subject="Meeting on Tuesday",
        body="Come to **Marchmont St** at 7pm.",
        created_by=organiser,
    )


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def field_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def flash(client: Client, response) -> str:
    """The page a redirect leads to, for its message."""
    assert response.status_code == 302
    return page(client.get(response["Location"]))


def srcdoc(html: str) -> str:
    [found] = re.findall(r'<iframe[^>]*\ssrcdoc="([^"]*)"', html)
    return htmllib.unescape(found)


# --- list ---


def test_group_settings_link_to_announcements(organiser_client, group):
    html = page(organiser_client.get("/organise/groups/uig/settings/"))

    assert f'href="{BASE}">Announcements</a>' in html


def test_list_shows_each_announcement_with_status_and_counts(
    organiser_client, group, organiser, announcement
):
    subscribe(group, "a@example.org", "b@example.org")
    sent = announcements.create(group=group, subject="Last week", body="Hi", created_by=organiser)
    announcements.send(announcement=sent, by=organiser)
    tasks.fan_out_announcement.call(announcement_id=sent.pk)
    outbox_tasks.deliver.call(message_ids=[Message.objects.order_by("id").first().pk])

    html = page(organiser_client.get(BASE))

    assert f'<a href="{BASE}{announcement.pk}/" dir="auto">Meeting on Tuesday</a>' in html
    assert f'<a href="{BASE}{sent.pk}/progress/" dir="auto">Last week</a>' in html
    assert '<span class="badge draft">draft</span>' in html
    assert '<span class="badge sending">sending</span>' in html
    assert '<td class="nowrap">1 of 2</td>' in html


def test_list_without_announcements_says_so(organiser_client, group):
    html = page(organiser_client.get(BASE))

    assert "No announcements yet." in html


@pytest.mark.parametrize("n", [1, 3])
def test_list_query_count(organiser_client, group, organiser, django_assert_num_queries, n):
    subscribe(group, "a@example.org")
    for i in range(n):
        made = announcements.create(group=group, subject=f"N{i}", body="x", created_by=organiser)
    announcements.send(announcement=made, by=organiser)
    tasks.fan_out_announcement.call(announcement_id=made.pk)

    # the session, the user, the group, then the announcements with their counts
    with django_assert_num_queries(4):
        organiser_client.get(BASE)


# --- write and edit ---


def test_new_announcement_is_saved_as_a_draft_and_previewed(organiser_client, group, organiser):
    response = organiser_client.post(
        f"{BASE}new/", {"subject": "Meeting", "body": "Come along.\r\n\r\nAll welcome."}
    )

    found = Announcement.objects.get()
    assert (found.subject, found.body, found.status) == (
        "Meeting",
        "Come along.\n\nAll welcome.",
        "draft",
    )
    assert (found.group, found.created_by) == (group, organiser)
    assert response["Location"] == f"{BASE}{found.pk}/preview/"
    assert "Draft saved. Check the preview, then send yourself a test." in flash(
        organiser_client, response
    )


def test_new_announcement_with_an_empty_subject_says_so(organiser_client, group):
    response = organiser_client.post(f"{BASE}new/", {"subject": "  ", "body": "Hello"})

    assert response.status_code == 200
    assert field_errors(response, "subject") == ["Give the announcement a subject."]
    assert Announcement.objects.count() == 0


def test_new_announcement_with_a_newline_in_the_subject_keeps_one_line(organiser_client, group):
    organiser_client.post(f"{BASE}new/", {"subject": "Hi\r\nBcc: x@evil.example", "body": "x"})

    assert Announcement.objects.get().subject == "Hi Bcc: x@evil.example"


def test_new_announcement_with_a_long_subject_says_so(organiser_client, group):
    response = organiser_client.post(f"{BASE}new/", {"subject": "x" * 201, "body": "Hello"})

    assert field_errors(response, "subject") == [
        "Keep the subject to 200 characters or fewer (it has 201)."
    ]
    assert Announcement.objects.count() == 0


def test_new_announcement_over_the_length_limit_says_so(organiser_client, group):
    response = organiser_client.post(f"{BASE}new/", {"subject": "Hi", "body": "x" * 20_001})

    assert response.status_code == 200
    assert field_errors(response, "body") == [
        "Keep the message to 20,000 characters or fewer (it has 20,001)."
    ]
    assert Announcement.objects.count() == 0


def test_new_announcement_of_exactly_the_limit_is_saved(organiser_client, group):
    organiser_client.post(f"{BASE}new/", {"subject": "Hi", "body": "x" * 20_000})

    assert len(Announcement.objects.get().body) == 20_000


def test_edit_shows_the_draft_and_saves_changes(organiser_client, announcement):
    html = page(organiser_client.get(f"{BASE}{announcement.pk}/"))
    assert 'value="Meeting on Tuesday"' in html

    response = organiser_client.post(f"{BASE}{announcement.pk}/", {"subject": "New", "body": "B"})

    found = Announcement.objects.get()
    assert (found.subject, found.body) == ("New", "B")
    assert response["Location"] == f"{BASE}{announcement.pk}/preview/"


def test_edit_with_an_empty_subject_changes_nothing(organiser_client, announcement):
    response = organiser_client.post(f"{BASE}{announcement.pk}/", {"subject": "", "body": "B"})

    assert field_errors(response, "subject") == ["Give the announcement a subject."]
    found = Announcement.objects.get()
    assert (found.subject, found.body) == ("Meeting on Tuesday", "Come to **Marchmont St** at 7pm.")


def test_edit_of_a_sent_announcement_leads_to_its_progress(
    organiser_client, announcement, group, organiser
):
    subscribe(group, "a@example.org")
    announcements.send(announcement=announcement, by=organiser)

    response = organiser_client.post(f"{BASE}{announcement.pk}/", {"subject": "X", "body": "Y"})

    assert response["Location"] == f"{BASE}{announcement.pk}/progress/"
    assert "This announcement has already been sent." in flash(organiser_client, response)
    assert Announcement.objects.get().subject == "Meeting on Tuesday"


# --- preview and test ---


def test_preview_shows_the_email_as_recipients_get_it(organiser_client, announcement, group):
    subscribe(group, "a@example.org", "b@example.org")

    html = page(organiser_client.get(f"{BASE}{announcement.pk}/preview/"))

    _subject, text, email_html = announcements.preview(announcement=announcement)
    assert srcdoc(html) == email_html
    assert "<iframe" in html and " sandbox " in html
    assert f'<pre class="panel email-text">{htmllib.escape(text, quote=True)}</pre>' in html
    assert "<dd><strong>Meeting on Tuesday</strong></dd>" in html
    assert "<dd>Ukraine Information Group &lt;noreply@127.0.0.1&gt;</dd>" in html
    assert f'href="{BASE}{announcement.pk}/send/">Send to 2 subscribers…</a>' in html


def test_preview_of_hostile_subject_and_body_stays_harmless(organiser_client, group, organiser):
    hostile = announcements.create(
        group=group,
        subject='<script>alert("s")</script>',
        body=HOSTILE_BODY,
        created_by=organiser,
    )

    html = page(organiser_client.get(f"{BASE}{hostile.pk}/preview/"))

    assert "<script" not in without_own_scripts(html)
    assert "&lt;script&gt;alert(&quot;s&quot;)&lt;/script&gt;" in html
    assert_harmless(srcdoc(html))


def test_send_a_test_to_me_queues_one_message(organiser_client, announcement):
    response = organiser_client.post(f"{BASE}{announcement.pk}/test/")

    [email] = outbox()
    assert email.to == ["olena@example.org"]
    assert email.subject == "[Test] Meeting on Tuesday"
    assert response["Location"] == f"{BASE}{announcement.pk}/preview/"
    assert "A test is on its way to olena@example.org." in flash(organiser_client, response)
    assert Announcement.objects.get().status == "draft"


def test_send_a_test_by_get_is_refused(organiser_client, announcement):
    response = organiser_client.get(f"{BASE}{announcement.pk}/test/")

    assert response.status_code == 405
    assert outbox() == []


# --- send ---


def test_send_page_asks_to_confirm_with_the_number_of_people(organiser_client, announcement, group):
    subscribe(group, "a@example.org", "b@example.org")

    html = page(organiser_client.get(f"{BASE}{announcement.pk}/send/"))

    assert "<h1>Send to 2 people?</h1>" in html
    assert '<button type="submit">Yes, send to 2 people</button>' in html
    assert Announcement.objects.get().status == "draft"
    assert DBTaskResult.objects.count() == 0


def test_send_page_for_one_person_says_person(organiser_client, announcement, group):
    subscribe(group, "a@example.org")

    html = page(organiser_client.get(f"{BASE}{announcement.pk}/send/"))

    assert "<h1>Send to 1 person?</h1>" in html


def test_send_page_says_why_it_cannot_go_and_offers_no_button(
    organiser_client, announcement, group, settings
):
    settings.TURNOUT_REQUIRE_GROUP_APPROVAL = True
    subscribe(group, "a@example.org")

    html = page(organiser_client.get(f"{BASE}{announcement.pk}/send/"))

    assert "The instance admin has not yet approved this group for sending email." in html
    assert "<button" not in html.split("<main", 1)[1]


def test_send_hands_it_to_the_worker_and_shows_progress(organiser_client, announcement, group):
    subscribe(group, "a@example.org", "b@example.org")

    response = organiser_client.post(f"{BASE}{announcement.pk}/send/")

    assert response["Location"] == f"{BASE}{announcement.pk}/progress/"
    found = Announcement.objects.get()
    assert (found.status, found.recipient_count) == ("sending", 2)
    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "turnout.mailing.tasks.fan_out_announcement"
    ]
    assert Message.objects.count() == 0
    html = flash(organiser_client, response)
    assert "Sending. You can leave this page: it goes on without you." in html
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert '<script src="/static/turnout/progress.js" defer></script>' in html
    assert "Preparing 2 emails…" in html


def test_send_over_the_quota_says_how_many_are_left_and_queues_nothing(
    organiser_client, announcement, group
):
    groups.update_group(group=group, daily_email_quota=1)
    subscribe(group, "a@example.org", "b@example.org")

    response = organiser_client.post(f"{BASE}{announcement.pk}/send/")

    assert response["Location"] == f"{BASE}{announcement.pk}/preview/"
    assert (
        "Only 1 email is left of this group&#x27;s daily limit of 1, and this announcement "
        "needs 2. Send it tomorrow, or ask the instance admin to raise the limit."
    ) in flash(organiser_client, response)
    assert Announcement.objects.get().status == "draft"
    assert DBTaskResult.objects.count() == 0


def test_send_before_approval_says_so(organiser_client, announcement, group, settings):
    settings.TURNOUT_REQUIRE_GROUP_APPROVAL = True
    subscribe(group, "a@example.org")

    response = organiser_client.post(f"{BASE}{announcement.pk}/send/")

    assert "The instance admin has not yet approved this group for sending email." in flash(
        organiser_client, response
    )
    assert DBTaskResult.objects.count() == 0


def test_send_twice_sends_once(organiser_client, announcement, group):
    subscribe(group, "a@example.org")
    organiser_client.post(f"{BASE}{announcement.pk}/send/")

    response = organiser_client.post(f"{BASE}{announcement.pk}/send/")

    assert response["Location"] == f"{BASE}{announcement.pk}/progress/"
    assert "This announcement has already been sent." in flash(organiser_client, response)
    assert DBTaskResult.objects.count() == 1


# --- progress ---


def test_progress_counts_and_lists_failed_addresses_with_the_error(
    organiser_client, announcement, group, organiser
):
    subscribe(group, "a@example.org", "b@example.org", "c@example.org")
    announcements.send(announcement=announcement, by=organiser)
    tasks.fan_out_announcement.call(announcement_id=announcement.pk)
    a, b, _c = Message.objects.order_by("to_email")
    outbox_tasks.deliver.call(message_ids=[a.pk])
    mail.give_up(message_ids=[b.pk], error="550 'no such user <b@example.org>'")

    html = page(organiser_client.get(f"{BASE}{announcement.pk}/progress/"))

    counts = re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", html)
    assert counts == [("Sent", "1"), ("Waiting to go", "1"), ("Failed", "1")]
    assert (
        "<tr><td>b@example.org</td><td>550 &#x27;no such user &lt;b@example.org&gt;&#x27;</td></tr>"
        in html
    )
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert '<script src="/static/turnout/progress.js" defer></script>' in html


def test_progress_when_nothing_is_queued_shows_sent_and_stops_refreshing(
    organiser_client, announcement, group, organiser
):
    subscribe(group, "a@example.org")
    announcements.send(announcement=announcement, by=organiser)
    tasks.fan_out_announcement.call(announcement_id=announcement.pk)
    outbox_tasks.deliver.call(message_ids=list(Message.objects.values_list("pk", flat=True)))

    html = page(organiser_client.get(f"{BASE}{announcement.pk}/progress/"))

    assert '<span class="badge sent">sent</span> Nothing is waiting to go.' in html
    assert 'http-equiv="refresh"' not in html
    assert "progress.js" not in html
    assert Announcement.objects.get().status == "sent"


def test_progress_of_a_draft_says_it_has_not_gone(organiser_client, announcement):
    html = page(organiser_client.get(f"{BASE}{announcement.pk}/progress/"))

    assert "This announcement is a draft: nobody has been sent it yet." in html
    assert 'http-equiv="refresh"' not in html


# --- who may ---


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("route", ROUTES)
def test_another_groups_organiser_gets_404_on_every_route(
    outsider_client, announcement, group, route, method
):
    subscribe(group, "a@example.org")

    response = getattr(outsider_client, method)(f"{BASE}{announcement.pk}/{route}")

    if (route, method) == ("test/", "get"):  # a button's action: refused alike for anyone
        assert response.status_code == 405
    else:
        assert response.status_code == 404
    assert "Meeting on Tuesday" not in response.content.decode()
    assert Announcement.objects.get().status == "draft"
    assert DBTaskResult.objects.count() == 0


@pytest.mark.parametrize("path", ["", "new/"])
def test_another_groups_organiser_gets_404_for_the_list_and_new(outsider_client, group, path):
    assert outsider_client.get(f"{BASE}{path}").status_code == 404
    assert outsider_client.post(f"{BASE}{path}", {"subject": "x"}).status_code == 404
    assert Announcement.objects.count() == 0


@pytest.mark.parametrize("route", ROUTES)
def test_an_announcement_under_another_of_my_groups_is_404(
    outsider_client, outsider, announcement, route
):
    """The outsider's own group in the URL, this group's announcement id: still nothing."""
    path = f"/organise/groups/another/announcements/{announcement.pk}/{route}"

    assert outsider_client.post(path).status_code == 404


def test_anonymous_is_sent_to_log_in(client, announcement):
    response = client.get(f"{BASE}{announcement.pk}/preview/")

    assert response.status_code == 302
    assert response["Location"].startswith("/organise/login/?next=")


# --- any text in the form ---


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    subject=st.one_of(st.text(max_size=300), st.just("Meeting")),
    body=st.one_of(st.text(max_size=300), st.just("Hello")),
)
def test_announcement_forms_take_any_text(organiser_client, announcement, subject, body):
    data = {"subject": subject, "body": body}

    assert organiser_client.post(f"{BASE}new/", data).status_code < 500
    assert organiser_client.post(f"{BASE}{announcement.pk}/", data).status_code < 500


# --- instance admin ---


@pytest.fixture
def admin_client(db):
    admin = User.objects.create_superuser(email="admin@example.org", name="Admin", password="pw")
    client = Client()
    client.force_login(admin)
    return client


def test_admin_approves_groups_for_sending_email(admin_client, group):
    other = make_group(name="Other")

    response = admin_client.post(
        "/admin/groups/group/",
        {"action": "approve_for_email", "_selected_action": [group.pk, other.pk]},
    )

    assert response.status_code == 302
    assert Group.objects.filter(email_approved_at__isnull=True).count() == 0
    assert "2 groups may now send email." in page(admin_client.get(response["Location"]))


def test_admin_group_list_shows_the_approval(admin_client, group):
    html = page(admin_client.get("/admin/groups/group/"))

    assert "column-email_approved_at" in html
    assert "Approve for sending email" in html


def test_admin_shows_announcements_and_messages_read_only(
    admin_client, announcement, group, organiser
):
    subscribe(group, "a@example.org")
    announcements.send(announcement=announcement, by=organiser)
    tasks.fan_out_announcement.call(announcement_id=announcement.pk)
    message = Message.objects.get()

    assert "Meeting on Tuesday" in page(admin_client.get("/admin/mailing/announcement/"))
    assert "a@example.org" in page(admin_client.get("/admin/core/message/"))
    html = page(admin_client.get(f"/admin/core/message/{message.pk}/change/"))
    assert 'name="_save"' not in html
    assert admin_client.get("/admin/core/message/add/").status_code == 403
    assert site._registry[Message].has_delete_permission(None) is False
