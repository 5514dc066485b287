"""The upgrade (groups 0017, events 0015, flyers 0002, comparisons 0002) stores the
rendering of every existing group's, meeting's, statement's and table's Markdown."""

import datetime as dt

from django.utils import timezone

from tests.migrations import migrate
from turnout.core import rendered
from turnout.core.markdown import render_markdown

BEFORE = [
    ("groups", "0016_manually_approves_followers"),
    ("events", "0014_federation_id"),
    ("flyers", "0001_blocks"),
    ("comparisons", "0001_initial"),
]
AFTER = [
    ("groups", "0017_stored_markdown"),
    ("events", "0015_stored_markdown"),
    ("flyers", "0002_stored_markdown"),
    ("comparisons", "0002_stored_markdown"),
]


def test_the_upgrade_stores_every_existing_rendering(latest_schema_after):
    old = migrate(BEFORE)
    group = old.get_model("groups", "Group").objects.create(
        name="Tenants", slug="tenants", contact_email="g@example.org", about="# Who we are"
    )
    start = timezone.now() + dt.timedelta(days=7)
    old.get_model("events", "Event").objects.create(
        group=group, slug="agm", title="AGM", description="**Bring** a friend.",
        start_date=start.date(), start_time=dt.time(19), end_date=start.date(),
        end_time=dt.time(21), time_zone="Europe/London", language="en", starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )  # fmt: skip
    old.get_model("flyers", "Statement").objects.create(
        group=group, title="Why", body="<script>alert(1)</script> [x](javascript:alert(1))"
    )
    old.get_model("comparisons", "Comparison").objects.create(
        group=group, slug="rents", title="Rents", introduction="Why *these* cases."
    )

    new = migrate(AFTER)

    for label, source in (
        ("groups.Group", "about"),
        ("events.Event", "description"),
        ("flyers.Statement", "body"),
        ("comparisons.Comparison", "introduction"),
    ):
        row = new.get_model(*label.split(".")).objects.get()
        text, html = getattr(row, source), getattr(row, f"{source}_rendered")
        assert html == render_markdown(text), label
        assert getattr(row, f"{source}_stamp") == rendered.stamp(text, html), label
