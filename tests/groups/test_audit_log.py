"""The group's audit log: its page (owners only, newest first, paginated), and its
entries forgotten after a year by a periodic job."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_group, make_user
from tests.mail import outbox
from turnout.core import schedule
from turnout.groups import audit, tasks
from turnout.groups import services as groups
from turnout.groups.models import AuditEntry

pytestmark = pytest.mark.django_db

Action = AuditEntry.Action
PAGE = "/organise/groups/uig/audit/"


def html(response) -> str:
    return response.content.decode()


def rows(response) -> list[list[str]]:
    """Each line of the log as its cells' text."""
    body = re.search(r"<tbody>(.*?)</tbody>", html(response), re.S)
    if body is None:
        return []
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]


def at(entry: AuditEntry, when: dt.datetime) -> AuditEntry:
    AuditEntry.objects.filter(pk=entry.pk).update(created_at=when)
    return entry


@pytest.fixture
def co_organiser(group, organiser):
    """Taras, who accepted an invitation: an organiser of the group, not an owner."""
    groups.invite_organiser(group=group, email="taras@example.org", invited_by=organiser)
    (token,) = re.findall(r"/organise/invitations/([^/\s]+)/", outbox()[-1].body)
    taras = make_user(email="taras@example.org", name="Taras")
    groups.accept_invitation(token=token, user=taras)
    return taras


def test_the_owner_sees_each_entry_in_the_groups_zone_newest_first(
    organiser_client, organiser, group
):
    groups.update_group(group=group, time_zone="America/New_York")
    older = audit.record(
        group=group, actor=organiser, action=Action.EXPORT, subject="Tuesday <b>talk</b>", count=12
    )
    at(older, dt.datetime(2025, 3, 3, 0, 30, tzinfo=dt.UTC))  # 7:30pm on the 2nd there
    newer = audit.record(group=group, actor=organiser, action=Action.DOOR_LIST_PRINTED, subject="")
    at(newer, dt.datetime(2025, 3, 4, 12, 0, tzinfo=dt.UTC))

    response = organiser_client.get(PAGE)

    assert response.status_code == 200
    assert rows(response) == [
        ["Tuesday 4 March 2025, 7am", "Olena Organiser", "printed the door list", "", ""],
        ["Sunday 2 March 2025, 7:30pm", "Olena Organiser", "downloaded the attendee list",
         "Tuesday &lt;b&gt;talk&lt;/b&gt;", "12"],
    ]  # fmt: skip


def test_an_entry_keeps_the_organisers_name_after_their_account_is_deleted(
    organiser_client, group, co_organiser
):
    audit.record(group=group, actor=co_organiser, action=Action.EXPORT, subject="Talk", count=1)
    co_organiser.delete()

    assert rows(organiser_client.get(PAGE))[0][1:] == [
        "Taras",
        "downloaded the attendee list",
        "Talk",
        "1",
    ]


def test_the_page_shows_only_this_groups_entries(organiser_client, organiser, group):
    other = make_group(owner=organiser, slug="other")
    audit.record(group=other, actor=organiser, action=Action.EXPORT, subject="Elsewhere")

    response = organiser_client.get(PAGE)

    assert rows(response) == []
    assert "Nothing is recorded yet." in html(response)


def test_an_organiser_who_is_not_an_owner_gets_404(group, co_organiser):
    audit.record(group=group, actor=co_organiser, action=Action.EXPORT, subject="Talk")
    client = Client()
    client.force_login(co_organiser)

    assert client.get(PAGE).status_code == 404


def test_another_groups_owner_gets_404(outsider_client, group):
    assert outsider_client.get(PAGE).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, group):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/organise/login/?next=")


def test_the_page_refuses_a_post(organiser_client, group):
    assert organiser_client.post(PAGE).status_code == 405


@pytest.mark.parametrize("n", [1, 3])
def test_the_page_query_count(organiser_client, organiser, group, django_assert_num_queries, n):
    for i in range(n):
        audit.record(group=group, actor=organiser, action=Action.EXPORT, subject=f"Talk {i}")

    # session, user, the group, the count, the page of entries
    with django_assert_num_queries(5):
        response = organiser_client.get(PAGE)

    assert len(rows(response)) == n


@pytest.fixture
def fifty_one(group, organiser):
    """51 entries: "Talk 0" the oldest, "Talk 50" the newest."""
    start = timezone.now() - dt.timedelta(days=1)
    for i in range(51):
        entry = audit.record(
            group=group, actor=organiser, action=Action.EXPORT, subject=f"Talk {i}"
        )
        at(entry, start + dt.timedelta(minutes=i))


def test_the_page_shows_fifty_entries_then_the_next_page(organiser_client, fifty_one):
    first, second = organiser_client.get(PAGE), organiser_client.get(PAGE + "?page=2")

    assert [row[3] for row in rows(first)] == [f"Talk {i}" for i in range(50, 0, -1)]
    assert [row[3] for row in rows(second)] == ["Talk 0"]
    assert 'href="?page=2"' in html(first)
    assert 'href="?page=1"' in html(second)


@pytest.mark.parametrize(
    ("page", "shown"),
    [
        ("0", "Talk 0"),  # below the first: the last page, as Django's get_page does
        ("-1", "Talk 0"),
        ("99999999999999999999", "Talk 0"),
        ("abc", "Talk 50"),
        ("", "Talk 50"),
        ("1.5", "Talk 50"),
        ("%00", "Talk 50"),
        ("2" * 5000, "Talk 50"),  # too long to be a number,
    ],
)
def test_a_hostile_page_number_shows_a_real_page(organiser_client, fifty_one, page, shown):
    before = AuditEntry.objects.count()

    response = organiser_client.get(f"{PAGE}?page={page}")

    assert response.status_code == 200
    assert rows(response)[0][3] == shown
    assert AuditEntry.objects.count() == before


def test_the_group_settings_link_to_the_log_for_owners_only(organiser_client, group, co_organiser):
    link = f'<a href="{PAGE}">Audit log</a>'
    client = Client()
    client.force_login(co_organiser)

    assert link in html(organiser_client.get("/organise/groups/uig/settings/"))
    assert link not in html(client.get("/organise/groups/uig/settings/"))


# --- kept one year ---


def test_forget_old_entries_deletes_those_over_a_year_old(organiser, group):
    now = timezone.now()
    old = at(
        audit.record(group=group, actor=organiser, action=Action.EXPORT),
        now - dt.timedelta(days=366),
    )
    kept = at(
        audit.record(group=group, actor=organiser, action=Action.EXPORT),
        now - dt.timedelta(days=364),
    )

    assert audit.forget_old_entries() == 1

    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not AuditEntry.objects.filter(pk=old.pk).exists()


def test_the_periodic_job_forgets_old_entries_hourly(organiser, group, settings):
    settings.TURNOUT_EXTRA_PERIODIC_JOBS = []
    at(
        audit.record(group=group, actor=organiser, action=Action.EXPORT),
        timezone.now() - dt.timedelta(days=400),
    )

    assert (
        "forget-old-audit-entries",
        tasks.forget_old_audit_entries,
        3600,
    ) in schedule.periodic_jobs()
    assert tasks.forget_old_audit_entries.call() == 1
    assert AuditEntry.objects.count() == 0
