"""Comparison tables: criteria (rows) x cases (columns), a cell for every pair.

Each cell holds a short text (empty means "not yet assessed") and zero or more
citations. Every write goes through ``turnout.comparisons.services``, which keeps a
cell for every (criterion, case) pair.
"""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from turnout.core.rendered import StoredMarkdown, stored_markdown
from turnout.core.slugs import SLUG_MAX_LENGTH, validate_slug
from turnout.core.validators import validate_web_url
from turnout.groups.models import Group

INTRODUCTION_MAX_LENGTH = 10_000
LABEL_MAX_LENGTH = 200
CELL_MAX_LENGTH = 1_000
MAX_CRITERIA = 100
MAX_CASES = 20
MAX_CITATIONS_PER_CELL = 20


class Comparison(StoredMarkdown):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="comparisons")
    slug = models.SlugField(
        _("web address"), max_length=SLUG_MAX_LENGTH, validators=[validate_slug]
    )
    title = models.CharField(_("title"), max_length=150)
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        max_length=INTRODUCTION_MAX_LENGTH,
        validators=[MaxLengthValidator(INTRODUCTION_MAX_LENGTH)],
        help_text=_("Markdown. Up to 10,000 characters."),
    )
    introduction_rendered, introduction_stamp = stored_markdown("introduction")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["group", "slug"], name="comparison_slug_per_group"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Criterion(models.Model):
    """A row of the table."""

    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE, related_name="criteria")
    label = models.CharField(_("criterion"), max_length=LABEL_MAX_LENGTH)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comparison", "label"], name="criterion_label_per_comparison"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Case(models.Model):
    """A column of the table: one of the things compared."""

    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE, related_name="cases")
    label = models.CharField(_("case"), max_length=LABEL_MAX_LENGTH)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comparison", "label"], name="case_label_per_comparison"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Cell(models.Model):
    """What the table says about one case against one criterion; empty: not yet assessed."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="cells")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="cells")
    text = models.CharField(
        _("text"),
        max_length=CELL_MAX_LENGTH,
        blank=True,
        help_text=_("Up to 1,000 characters. Leave empty for “not yet assessed”."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["criterion", "case"], name="cell_per_pair"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_assessed(self) -> bool:
        return bool(self.text)


class Citation(models.Model):
    cell = models.ForeignKey(Cell, on_delete=models.CASCADE, related_name="citations")
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    url = models.URLField(_("web address"), max_length=500, validators=[validate_web_url])
    date_published = models.DateField(_("date published"), null=True, blank=True)
    date_accessed = models.DateField(_("date accessed"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title
