"""What federation keeps: each actor's key pair, and the servers' actors that follow a
group (no rows are made yet but by the tests: following arrives with the inbox)."""

from django.db import models
from django.utils import timezone

from turnout.groups.models import Group

INSTANCE = "instance"


class ActorKey(models.Model):
    """An actor's RSA key pair, made the first time the actor needs one
    (turnout.federation.keys). ``actor`` names it ("instance", or "group:<federation_id>")
    and is unique, so two requests racing to make the first key leave one row. The
    private key is kept only encrypted under a key derived from TURNOUT_SECRET_KEY."""

    actor = models.CharField(max_length=64, unique=True)
    group = models.OneToOneField(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    public_key_pem = models.TextField()
    private_key_encrypted = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.actor


class Follower(models.Model):
    """An actor on another server that follows a group; ``accepted_at`` is None while the
    group's organisers have still to approve it (``Group.manually_approves_followers``).
    Its id and inboxes never leave the server: the followers collection gives a count."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="followers")
    actor_id = models.URLField(max_length=2000)
    inbox = models.URLField(max_length=2000)
    shared_inbox = models.URLField(max_length=2000, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "actor_id"], name="follower_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} → {self.group}"
