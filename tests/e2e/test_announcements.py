"""Announcements in the browser: progress updates in place; axe finds nothing serious."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import describe, serious_violations
from tests.factories import make_group, make_user
from tests.mailing.test_announcements import subscribe
from turnout.core.models import Message
from turnout.core.outbox import delivery as outbox
from turnout.core.outbox import tasks as outbox_tasks
from turnout.mailing import tasks
from turnout.mailing.services import announcements


@pytest.fixture
def organiser(transactional_db):
    return make_user(email="olena@example.org")


@pytest.fixture
def draft(organiser):
    group = make_group(owner=organiser, name="Ukraine Information Group", slug="uig")
    subscribe(group, "a@example.org", "b@example.org", "c@example.org")
    return announcements.create(
        group=group,
        subject="Meeting on Tuesday",
        body="## Agenda\n\nCome to **Marchmont St** at 7pm.\n\n- bring a friend",
        created_by=organiser,
    )


def test_progress_page_counts_update_without_reloading(new_context, log_in, organiser, draft):
    context = new_context()
    log_in(context, organiser)
    page = context.new_page()
    page.goto(f"/organise/groups/uig/announcements/{draft.pk}/send/")
    page.get_by_role("button", name="Yes, send to 3 people").click()
    expect(page.get_by_text("Preparing 3 emails…")).to_be_visible()
    page.evaluate("window.notReloaded = true")

    tasks.fan_out_announcement.call(announcement_id=draft.pk)
    expect(page.locator(".counts")).to_contain_text("Waiting to go3", timeout=8_000)
    a, b, c = Message.objects.order_by("to_email")
    outbox_tasks.deliver.call(message_ids=[a.pk, c.pk])
    outbox.give_up(message_ids=[b.pk], error="550 no such user")

    expect(page.get_by_text("Nothing is waiting to go.")).to_be_visible(timeout=8_000)
    expect(page.get_by_role("cell", name="550 no such user")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True


@pytest.mark.parametrize("phone", [False, True], ids=["1280", "375"])
def test_announcement_pages_have_no_serious_accessibility_violations(
    new_context, log_in, organiser, draft, phone
):
    sent = announcements.create(
        group=draft.group, subject="Last week", body="Thanks", created_by=organiser
    )
    announcements.send(announcement=sent, by=organiser)
    tasks.fan_out_announcement.call(announcement_id=sent.pk)
    context = new_context(phone=phone)
    log_in(context, organiser)
    page = context.new_page()
    base = "/organise/groups/uig/announcements/"
    found = []

    for path in (
        base,
        f"{base}new/",
        f"{base}{draft.pk}/",
        f"{base}{draft.pk}/preview/",
        f"{base}{draft.pk}/send/",
        f"{base}{sent.pk}/progress/",
    ):
        assert page.goto(path).status == 200
        violations = serious_violations(page)
        if violations:
            found.append(f"{path}:\n{describe(violations)}")

    assert found == []
