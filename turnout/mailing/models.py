from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from turnout.core.models import SUBJECT_MAX_LENGTH, Message
from turnout.groups.models import Group

ANNOUNCEMENT_MAX_LENGTH = 20_000


class Subscriber(models.Model):
    """A confirmed member of a group's mailing list (unconfirmed addresses are not stored)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="subscribers")
    email = models.EmailField()
    confirmed_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=20, default="form")  # "form" or "import"
    # The language they followed in (blank, before it was kept: the group's).
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True)

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
    # Its messages (turnout.core's outbox), one per recipient.
    messages = GenericRelation(
        Message,
        content_type_field="about_type",
        object_id_field="about_id",
        related_query_name="announcement",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject
