"""The layers hold: the checks that import-linter cannot make, and proof that they bite."""

from django.db import models
from django.test.utils import isolate_apps

from tests import layers


def test_the_layers_run_from_core_up_to_pages():
    assert layers.levels() == {
        "core": 0,
        "groups": 1,
        "events": 2,
        "rsvp": 3,
        "mailing": 3,
        "feeds": 3,
        "flyers": 3,
        "comparisons": 3,
        "federation": 3,
        "pages": 4,
    }


def test_only_the_named_arrow_joins_siblings():
    assert layers.allowed_arrows() == {("flyers", "comparisons")}
    assert layers.may_depend("flyers", "comparisons")
    assert not layers.may_depend("comparisons", "flyers")
    assert not layers.may_depend("rsvp", "mailing")
    assert not layers.may_depend("groups", "events")
    assert layers.may_depend("pages", "rsvp")
    assert layers.may_depend("events", "core")


def test_no_foreign_key_points_up_a_layer():
    assert layers.foreign_key_breaches() == []


@isolate_apps("turnout.groups", "turnout.events")
def test_a_foreign_key_up_a_layer_is_found():
    class Meeting(models.Model):  # noqa: DJ008
        class Meta:
            app_label = "events"

    class Leader(models.Model):  # noqa: DJ008
        meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE)

        class Meta:
            app_label = "groups"

    assert layers.foreign_key_breaches(models=[Meeting, Leader]) == [
        "groups.Leader.meeting -> events.Meeting: groups may not point up to events"
    ]


def test_no_template_uses_a_template_of_a_layer_above():
    assert layers.template_breaches() == []


def test_a_template_of_a_layer_above_is_found(tmp_path):
    folder = tmp_path / "turnout" / "groups" / "templates" / "groups"
    folder.mkdir(parents=True)
    (folder / "page.html").write_text(
        '{% extends "base.html" %}{% include "groups/_a.html" %}{% include "rsvp/_panel.html" %}'
    )

    assert layers.template_breaches(root=tmp_path) == [
        "turnout/groups/templates/groups/page.html includes rsvp/_panel.html: "
        "groups may not use rsvp"
    ]


def test_no_function_imports_another_app():
    assert layers.local_import_breaches() == []


def test_a_function_importing_another_app_is_found(tmp_path):
    folder = tmp_path / "turnout" / "events"
    folder.mkdir(parents=True)
    (folder / "services.py").write_text(
        "from turnout.core import tokens\n\n\n"
        "def cancel():\n"
        "    from turnout.events import models\n"
        "    from turnout.rsvp import notices\n"
    )

    (folder / "apps.py").write_text(
        "def ready(self):\n    from turnout.core import schedule\n\n\n"
        "def elsewhere():\n    from turnout.core import schedule\n"
    )

    assert layers.local_import_breaches(root=tmp_path) == [
        "turnout/events/apps.py:6 imports turnout.core in a function",
        "turnout/events/services.py:6 imports turnout.rsvp in a function",
    ]


def test_no_module_outgrows_400_lines():
    assert layers.size_breaches() == []


def test_a_long_module_is_found(tmp_path):
    folder = tmp_path / "turnout" / "core"
    folder.mkdir(parents=True)
    (folder / "long.py").write_text("x = 1\n" * 401)
    for n in range(3):
        (folder / f"short{n}.py").write_text("x = 1\n")

    assert layers.size_breaches(root=tmp_path) == [
        "turnout/core/long.py has 401 lines (at most 400): make it a package"
    ]
