from django.db import models


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
