"""Statement and quote blocks, and the blocks an event shows in the organiser's order.

A statement or a quote belongs to a group and can be shown with several of its
meetings; ``EventBlock`` attaches one statement, quote or comparison table to one
event at a position. Every write goes through ``turnout.flyers.services``.
"""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from turnout.comparisons.models import Comparison
from turnout.core.rendered import StoredMarkdown, stored_markdown
from turnout.core.text import shorten
from turnout.core.validators import validate_web_url
from turnout.events.models import Event
from turnout.groups.models import Group

STATEMENT_TITLE_MAX_LENGTH = 200
STATEMENT_BODY_MAX_LENGTH = 10_000
QUOTE_MAX_LENGTH = 1_000
MAX_BLOCKS_PER_EVENT = 20


class Statement(StoredMarkdown):
    """What the group says, in its own name and dated (signed by the group)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="statements")
    title = models.CharField(_("title"), max_length=STATEMENT_TITLE_MAX_LENGTH)
    body = models.TextField(
        _("text"),
        max_length=STATEMENT_BODY_MAX_LENGTH,
        validators=[MaxLengthValidator(STATEMENT_BODY_MAX_LENGTH)],
        help_text=_("Markdown. Up to 10,000 characters."),
    )
    body_rendered, body_stamp = stored_markdown("body")
    dated = models.DateField(_("date"), default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-dated", "title"]

    def __str__(self) -> str:
        return self.title


class Quote(models.Model):
    """Words someone said, with who they are, when and where it was reported."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="quotes")
    text = models.TextField(
        _("quotation"),
        max_length=QUOTE_MAX_LENGTH,
        validators=[MaxLengthValidator(QUOTE_MAX_LENGTH)],
    )
    speaker = models.CharField(_("who said it"), max_length=200)
    role = models.CharField(_("their role"), max_length=200, blank=True)
    said_on = models.DateField(_("date said"), null=True, blank=True)
    source_title = models.CharField(_("source"), max_length=300, blank=True)
    source_url = models.URLField(
        _("source web address"), max_length=500, blank=True, validators=[validate_web_url]
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["speaker", "pk"]

    def __str__(self) -> str:
        return f"{self.speaker}: “{shorten(self.text, 60)}”"


class EventBlock(models.Model):
    """One statement, quote or comparison table shown with an event, at a position."""

    class Kind(models.TextChoices):
        STATEMENT = "statement", _("statement")
        QUOTE = "quote", _("quote")
        COMPARISON = "comparison", _("comparison table")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveIntegerField(default=0)
    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    quote = models.ForeignKey(
        Quote, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comparison = models.ForeignKey(
        Comparison, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                name="block_holds_exactly_one_thing",
                condition=(
                    Q(statement__isnull=False, quote__isnull=True, comparison__isnull=True)
                    | Q(statement__isnull=True, quote__isnull=False, comparison__isnull=True)
                    | Q(statement__isnull=True, quote__isnull=True, comparison__isnull=False)
                ),
            ),
            models.UniqueConstraint(fields=["event", "statement"], name="statement_once_per_event"),
            models.UniqueConstraint(fields=["event", "quote"], name="quote_once_per_event"),
            models.UniqueConstraint(
                fields=["event", "comparison"], name="comparison_once_per_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.position}"

    @property
    def kind(self) -> str:
        if self.statement_id:
            return self.Kind.STATEMENT
        if self.quote_id:
            return self.Kind.QUOTE
        return self.Kind.COMPARISON

    @property
    def content(self) -> Statement | Quote | Comparison:
        return self.statement or self.quote or self.comparison
