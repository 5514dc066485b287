from django.db import models


class RateCounter(models.Model):
    """How many times a key (action + client) was counted in one time window.

    Shared by every worker process through the database and incremented with
    ``UPDATE … SET count = count + 1`` (see ``turnout.core.ratelimit``).
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
