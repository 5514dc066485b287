from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RateCounter(models.Model):
    """How many times a key (action + client) was counted in one time window.

    Shared by every worker process through the database and incremented with
    ``INSERT … ON CONFLICT DO UPDATE SET count = count + 1`` (``turnout.core.ratelimit``).
    """

    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="ratecounter_unique"),
        ]
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.count}"


class WorkerHeartbeat(models.Model):
    """A running ``turnout worker`` says it is alive; a silent worker's tasks run again."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} @ {self.seen_at:%H:%M:%S}"


class ScheduledJob(models.Model):
    """When a periodic job is next due; workers claim a run with one conditional UPDATE."""

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} next at {self.next_run_at:%Y-%m-%d %H:%M:%S}"


SUBJECT_MAX_LENGTH = 200


class Message(models.Model):
    """One email to one person: the outbox row, written in the transaction that caused it.

    It holds what to send, not the text: the worker renders it at delivery through the
    renderer its ``kind`` names (turnout.core.outbox), so no working secret link is ever
    stored. ``about`` is what the email is about (a registration, an invitation, an
    announcement…): the upper apps reach their messages through a GenericRelation, so
    no foreign key points up from here. Its status is what organisers see.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        GONE = "gone", _("not sent: its subject is gone")

    kind = models.CharField(max_length=100)  # the renderer's key, e.g. "groups/email/verify"
    to_email = models.EmailField()
    language = models.CharField(max_length=10, blank=True)  # rendered in it at delivery
    # Ids and a snapshot of what must not change (a change notice's was → now); never a
    # secret. Cleared once the message is sent, failed or gone.
    params = models.JSONField(default=dict, blank=True)
    # Bulk mail (announcements, confirmations of imported addresses) counts against the
    # group's daily quota; mail a person asked for (a confirmation link) does not.
    bulk = models.BooleanField(default=False)
    about_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    # Filled in at delivery: what the organiser's and admin's records show.
    subject = models.CharField(max_length=SUBJECT_MAX_LENGTH, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Address, subject and error blanked; the row stays so counts (kind, status, when)
    # survive. Registration mail by turnout.rsvp.privacy; other mail once ``forget_after``
    # has passed (turnout.core.outbox.forget_due).
    anonymised_at = models.DateTimeField(null=True, blank=True)
    forget_after = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["about_type", "about_id", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_email} ({self.status})"


class Picture(models.Model):
    """A picture an organiser uploaded for a meeting or a group, as Turnout re-encoded it
    (turnout.core.pictures): three JPEG files without any metadata, in the default
    storage under random names, and the description read out in its place."""

    alt_text = models.CharField(_("description"), max_length=300)
    # Names in the default storage: 1200 and 600 pixels wide (or less, never enlarged),
    # and the 1080x1350 crop the social image is made from.
    large = models.CharField(max_length=200)
    large_width = models.PositiveIntegerField()
    large_height = models.PositiveIntegerField()
    small = models.CharField(max_length=200)
    small_width = models.PositiveIntegerField()
    small_height = models.PositiveIntegerField()
    social = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.large

    @property
    def large_url(self) -> str:
        return default_storage.url(self.large)

    @property
    def small_url(self) -> str:
        return default_storage.url(self.small)
