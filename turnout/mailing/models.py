from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from turnout.groups.models import Group

SUBJECT_MAX_LENGTH = 200
ANNOUNCEMENT_MAX_LENGTH = 20_000


class Message(models.Model):
    """One email to one person: the outbox row, written in the transaction that caused it.

    The worker delivers it (turnout.mailing.tasks); its status is what organisers see.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    announcement = models.ForeignKey(
        "Announcement", on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    # The registration this email is about, so erasing it can find its mail records.
    registration = models.ForeignKey(
        "rsvp.Registration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    kind = models.CharField(max_length=100)  # the template's name, e.g. "groups/email/verify"
    # Bulk mail (announcements, confirmations of imported addresses) counts against the
    # group's daily quota; mail a person asked for (a confirmation link) does not.
    bulk = models.BooleanField(default=False)
    to_email = models.EmailField()
    from_name = models.CharField(max_length=150, blank=True)
    reply_to = models.EmailField(blank=True)
    subject = models.CharField(max_length=SUBJECT_MAX_LENGTH)
    text_body = models.TextField()
    html_body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    # Text attachments, each {"filename", "content", "mimetype"} (an event's .ics).
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Address, subject, bodies and attachments blanked (turnout.rsvp.privacy); the
    # row stays so counts (kind, status, when) survive.
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["announcement", "status"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_email} ({self.status})"


class Subscriber(models.Model):
    """A confirmed member of a group's mailing list (unconfirmed addresses are not stored)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="subscribers")
    email = models.EmailField()
    confirmed_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=20, default="form")  # "form" or "import"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "email"], name="subscriber_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.group}"


class Suppression(models.Model):
    """An address that unsubscribed from a group, kept only as a keyed hash, for good."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="suppressions")
    email_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "email_hash"], name="suppression_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.email_hash[:12]}… suppressed for {self.group}"


class Announcement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="announcements")
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    body = models.TextField(
        _("message"),
        max_length=ANNOUNCEMENT_MAX_LENGTH,
        help_text=_("Markdown. Up to 20,000 characters."),
    )
    created_by = models.ForeignKey(
        "groups.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    recipient_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject
