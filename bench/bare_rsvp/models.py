from django.db import models
from django.utils import timezone


class Event(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=150)
    capacity = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    class Status(models.TextChoices):
        SEATED = "seated"
        WAITLISTED = "waitlisted"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    status = models.CharField(max_length=16, choices=Status.choices)
    waitlist_position = models.PositiveIntegerField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "email"], name="bare_one_per_email"),
            models.UniqueConstraint(
                fields=["event", "waitlist_position"], name="bare_waitlist_position_unique"
            ),
        ]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self) -> str:
        return self.name


class Outbox(models.Model):
    """One email to send, written in the registration's transaction."""

    to_email = models.EmailField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.subject
