"""Importing allied groups' events from ICS: where a calendar comes from, and the
allied events shown on a group's page.

Every write goes through ``turnout.feeds.imports``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from turnout.groups.models import Group


class ImportSource(models.Model):
    """A calendar an organiser imports from: a URL (fetched by a task) or an uploaded file.

    ``found`` holds what the last parse found, as JSON (see ``imports.parse_calendar``):
    the review page lists it and ``imports.apply_source`` imports it.
    """

    class Mode(models.TextChoices):
        DRAFTS = "drafts", _("import as draft meetings of this group")
        ALLIED = "allied", _("show as allied events on the group page")

    class State(models.TextChoices):
        FETCHING = "fetching", _("fetching")
        READY = "ready", _("ready to review")
        FAILED = "failed", _("failed")
        IMPORTED = "imported", _("imported")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="import_sources")
    url = models.URLField(_("calendar address"), max_length=2000, blank=True)
    filename = models.CharField(_("file"), max_length=255, blank=True)
    mode = models.CharField(_("import"), max_length=16, choices=Mode.choices)
    subscribed = models.BooleanField(_("keep in sync"), default=False)
    name = models.CharField(_("name"), max_length=200, blank=True)  # X-WR-CALNAME
    state = models.CharField(max_length=16, choices=State.choices, default=State.FETCHING)
    error = models.TextField(blank=True)
    found = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    fetched_at = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["subscribed", "synced_at"])]

    def __str__(self) -> str:
        return self.name or self.url or self.filename or f"import {self.pk}"


class AlliedEvent(models.Model):
    """An event of an allied group, from an imported calendar, listed on the group's
    page with a link back to its source. Its local date, time and zone are kept as
    the source gave them; ``starts_at``/``ends_at`` are the UTC instants."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        TENTATIVE = "tentative", _("tentative")
        CANCELLED = "cancelled", _("cancelled")

    source = models.ForeignKey(ImportSource, on_delete=models.CASCADE, related_name="allied")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="allied_events")
    uid = models.CharField(max_length=255)
    title = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    location = models.CharField(max_length=500, blank=True)
    url = models.URLField(max_length=500, blank=True)
    start_date = models.DateField()
    start_time = models.TimeField()
    end_date = models.DateField()
    end_time = models.TimeField()
    time_zone = models.CharField(max_length=64)
    all_day = models.BooleanField(default=False)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "uid"], name="allied_uid_unique_in_source"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="allied_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["group", "ends_at"])]

    def __str__(self) -> str:
        return self.title
