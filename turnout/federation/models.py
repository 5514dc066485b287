"""What federation keeps.

Going out: each actor's key pair (``ActorKey``), the activities a group sent
(``SentActivity``) and one ``Delivery`` of each to each inbox, the hosts that stopped
answering (``RemoteHost``), and the ids of deleted meetings (``DeletedObject``, so their
id answers with a Tombstone). Coming in: what reached an inbox (``InboxItem``, answered
202 and worked through by the worker), the other servers' actors as last fetched
(``RemoteActor``: the key cache), and those that follow a group (``Follower``).

None of it is shown outside: the followers collection gives a count only.
"""

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
    # The id of the Follow it sent: the Accept (or Reject) names it, an Undo matches it.
    follow_id = models.URLField(max_length=2000, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "actor_id"], name="follower_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} → {self.group}"


class RemoteActor(models.Model):
    """Another server's actor as last fetched (by the worker, through turnout.core.fetch):
    the key its signatures are checked with, and where to deliver to it."""

    actor_id = models.URLField(max_length=2000, unique=True)
    key_id = models.URLField(max_length=2000, db_index=True)
    public_key_pem = models.TextField()
    inbox = models.URLField(max_length=2000, blank=True)
    shared_inbox = models.URLField(max_length=2000, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.actor_id


class InboxItem(models.Model):
    """A POST that reached an inbox and passed the checks that need no key (size, JSON,
    digest, date, signature present, key on the actor's host, rate): answered 202 at once,
    its signature verified and its activity acted on by the worker. What Turnout does not
    act on yet is kept as UNPROCESSED (counted, deleted after a week)."""

    class Status(models.TextChoices):
        WAITING = "waiting"
        DONE = "done"
        REFUSED = "refused"
        UNPROCESSED = "unprocessed"

    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )  # None: the shared inbox
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    url = models.URLField(max_length=2000)  # as the client asked, for the signature
    headers = models.JSONField(default=dict)  # only those a signature may cover
    body = models.TextField()
    actor_id = models.URLField(max_length=2000)
    key_id = models.URLField(max_length=2000)
    activity_type = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.WAITING)
    reason = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.activity_type or '?'} from {self.actor_id}"


class SentActivity(models.Model):
    """An activity a group sent (or the instance, when ``group`` is None), kept once for
    all its deliveries: ``body`` is the JSON exactly as signed and sent."""

    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    activity_id = models.URLField(max_length=2000, unique=True)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.activity_id


class Delivery(models.Model):
    """One activity to one inbox (shared inboxes counted once), retried with back-off;
    a worker claims it until ``claimed_until``, so one killed leaves it to be tried again."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        SENT = "sent"
        FAILED = "failed"

    activity = models.ForeignKey(SentActivity, on_delete=models.CASCADE, related_name="deliveries")
    inbox = models.URLField(max_length=2000)
    host = models.CharField(max_length=255, db_index=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "inbox"], name="delivery_unique"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.activity} → {self.inbox}"


class RemoteHost(models.Model):
    """A host deliveries have been failing to since ``failing_since``; past two days it is
    dead: skipped, and tried once a day (``next_try_at``) until it answers again."""

    host = models.CharField(max_length=255, unique=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    next_try_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.host


class DeletedObject(models.Model):
    """The id of a meeting deleted after it was federated: it answers 410 with a Tombstone."""

    federation_id = models.UUIDField(unique=True)
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    deleted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.federation_id)
