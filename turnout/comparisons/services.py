"""Every write to comparison tables: create, add rows and columns, reorder, fill, publish.

Every (criterion, case) pair has a cell: adding a criterion or a case creates its
cells, empty ("not yet assessed").
"""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from turnout.comparisons.checks import Problem, consistency_check
from turnout.comparisons.models import (
    CELL_MAX_LENGTH,
    LABEL_MAX_LENGTH,
    MAX_CASES,
    MAX_CITATIONS_PER_CELL,
    MAX_CRITERIA,
    Case,
    Cell,
    Citation,
    Comparison,
    Criterion,
)
from turnout.core.formats import grouped
from turnout.core.ordering import swap_with_neighbour
from turnout.core.slugs import slug_from, validate_slug
from turnout.core.validators import clean_past_date, has_control_characters, validate_web_url
from turnout.groups.models import Group

__all__ = [
    "Problem",
    "add_case",
    "add_criterion",
    "clean_citation",
    "clean_label",
    "clean_text",
    "consistency_check",
    "create_comparison",
    "move",
    "publish",
    "rename",
    "set_cell",
    "unpublish",
    "update_comparison",
]

CITATION_FIELDS = ("title", "publisher", "url", "date_published", "date_accessed")


def clean_label(value) -> str:
    """A criterion's or a case's label: one line of text, 1 to 200 characters."""
    label = " ".join(str(value or "").split())
    if not label:
        raise ValidationError(_("Enter a label."), code="required")
    if len(label) > LABEL_MAX_LENGTH:
        raise ValidationError(
            _("Keep a label to %(limit)s characters.") % {"limit": LABEL_MAX_LENGTH},
            code="max_length",
        )
    if has_control_characters(label):
        raise ValidationError(_("A label cannot hold control characters."), code="invalid")
    return label


def clean_text(value) -> str:
    """A cell's text: line endings made "\\n", spaces trimmed, up to 1,000 characters."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > CELL_MAX_LENGTH:
        raise ValidationError(
            _("Keep a cell to %(limit)s characters; this one has %(count)s.")
            % {"limit": grouped(CELL_MAX_LENGTH), "count": grouped(len(text))},
            code="max_length",
        )
    if has_control_characters(text):
        raise ValidationError(_("A cell cannot hold control characters."), code="invalid")
    return text


def clean_citation(raw: Mapping) -> dict:
    """A citation's fields, checked: an http(s) URL, dates not in the future."""
    if not isinstance(raw, Mapping):
        raise ValidationError(_("A citation must have a title, a URL and a date accessed."))
    errors: dict[str, list] = {}
    clean: dict = {}
    for field, limit in (("title", 300), ("publisher", 200), ("url", 500)):
        value = " ".join(str(raw.get(field) or "").split())
        if not value and field != "publisher":
            errors[field] = [_("This field is required.")]
        elif has_control_characters(value):
            errors[field] = [_("This cannot hold control characters.")]
        elif len(value) > limit:
            errors[field] = [_("Keep this to %(limit)s characters.") % {"limit": limit}]
        clean[field] = value
    if clean["url"] and "url" not in errors:
        try:
            validate_web_url(clean["url"])
        except ValidationError as error:
            errors["url"] = error.messages
    for field, required in (("date_published", False), ("date_accessed", True)):
        try:
            clean[field] = clean_past_date(raw.get(field), required=required, field=field)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return clean


def _next_position(queryset) -> int:
    last = queryset.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1


def _text_errors(*, title: str, introduction: str) -> dict[str, list]:
    errors = {}
    if not title:
        errors["title"] = [_("Enter a title.")]
    elif len(title) > 150:
        errors["title"] = [_("Keep the title to 150 characters.")]
    elif has_control_characters(title):
        errors["title"] = [_("The title cannot hold control characters.")]
    if has_control_characters(introduction.replace("\r", "")):
        errors["introduction"] = [_("The introduction cannot hold control characters.")]
    return errors


@transaction.atomic
def create_comparison(
    *, group: Group, title: str, introduction: str = "", slug: str = ""
) -> Comparison:
    title = " ".join(str(title or "").split())
    introduction = str(introduction or "")
    errors = _text_errors(title=title, introduction=introduction)
    slug = slug or slug_from(title, fallback="table")
    try:
        validate_slug(slug)
    except ValidationError as error:
        errors["slug"] = error.messages
    if not errors.get("slug") and Comparison.objects.filter(group=group, slug=slug).exists():
        errors["slug"] = [_("This group already has a table at this address.")]
    comparison = Comparison(group=group, slug=slug, title=title, introduction=introduction)
    try:
        comparison.full_clean(exclude=["group", "slug", "title"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    comparison.save()
    return comparison


@transaction.atomic
def update_comparison(*, comparison: Comparison, title: str, introduction: str) -> Comparison:
    title, introduction = " ".join(str(title or "").split()), str(introduction or "")
    errors = _text_errors(title=title, introduction=introduction)
    if errors:
        raise ValidationError(errors)
    comparison.title, comparison.introduction = title, introduction
    comparison.updated_at = timezone.now()
    comparison.full_clean(exclude=["group"])
    comparison.save()
    return comparison


def _touch(comparison: Comparison) -> None:
    Comparison.objects.filter(pk=comparison.pk).update(updated_at=timezone.now())


@transaction.atomic
def add_criterion(*, comparison: Comparison, label: str) -> Criterion:
    """A new last row; an empty cell ("not yet assessed") for every case."""
    label = _new_label(Criterion, comparison, label, limit=MAX_CRITERIA)
    criterion = Criterion.objects.create(
        comparison=comparison,
        label=label,
        position=_next_position(comparison.criteria.all()),
    )
    Cell.objects.bulk_create(
        Cell(criterion=criterion, case=case) for case in comparison.cases.all()
    )
    _touch(comparison)
    return criterion


@transaction.atomic
def add_case(*, comparison: Comparison, label: str) -> Case:
    """A new last column; every criterion shows as "not yet assessed" for it."""
    label = _new_label(Case, comparison, label, limit=MAX_CASES)
    case = Case.objects.create(
        comparison=comparison, label=label, position=_next_position(comparison.cases.all())
    )
    Cell.objects.bulk_create(
        Cell(criterion=criterion, case=case) for criterion in comparison.criteria.all()
    )
    _touch(comparison)
    return case


def _new_label(model, comparison: Comparison, label: str, *, limit: int) -> str:
    try:
        label = clean_label(label)
    except ValidationError as error:
        raise ValidationError({"label": error.messages}) from None
    siblings = model.objects.filter(comparison=comparison)
    if siblings.count() >= limit:
        raise ValidationError(
            {"label": _("A table holds at most %(limit)s of these.") % {"limit": limit}}
        )
    if siblings.filter(label=label).exists():
        raise ValidationError({"label": _("The table already has “%(label)s”.") % {"label": label}})
    return label


@transaction.atomic
def rename(*, item: Criterion | Case, label: str) -> Criterion | Case:
    """Rename a criterion or a case."""
    try:
        label = clean_label(label)
    except ValidationError as error:
        raise ValidationError({"label": error.messages}) from None
    others = type(item).objects.filter(comparison_id=item.comparison_id).exclude(pk=item.pk)
    if others.filter(label=label).exists():
        raise ValidationError({"label": _("The table already has “%(label)s”.") % {"label": label}})
    item.label = label
    try:
        item.save(update_fields=["label"])
    except IntegrityError:  # renamed the same way at the same moment
        raise ValidationError(
            {"label": _("The table already has “%(label)s”.") % {"label": label}}
        ) from None
    _touch(item.comparison)
    return item


@transaction.atomic
def move(*, item: Criterion | Case, direction: str) -> None:
    """Swap a criterion (row) or a case (column) with its neighbour "up" or "down"
    (for a case: left or right). At the end already, nothing changes."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Move up or down.")})
    siblings = type(item).objects.filter(comparison_id=item.comparison_id)
    if swap_with_neighbour(siblings, item, direction):
        _touch(item.comparison)


@transaction.atomic
def set_cell(*, cell: Cell, text: str, citations: Iterable[Mapping] = ()) -> Cell:
    """Replace the cell's text and its citations (in the order given)."""
    errors: dict[str, list] = {}
    try:
        text = clean_text(text)
    except ValidationError as error:
        errors["text"] = error.messages
    cleaned = []
    citations = list(citations)
    if len(citations) > MAX_CITATIONS_PER_CELL:
        errors["citations"] = [
            _("A cell holds at most %(limit)s citations.") % {"limit": MAX_CITATIONS_PER_CELL}
        ]
    for n, raw in enumerate(citations, start=1):
        try:
            cleaned.append(clean_citation(raw))
        except ValidationError as error:
            for message in _flat(error):
                errors.setdefault("citations", []).append(
                    _("Citation %(n)s: %(message)s") % {"n": n, "message": message}
                )
    if errors:
        raise ValidationError(errors)
    cell.text = text
    cell.save(update_fields=["text"])
    cell.citations.all().delete()
    Citation.objects.bulk_create(
        Citation(cell=cell, position=position, **fields) for position, fields in enumerate(cleaned)
    )
    _touch(cell.criterion.comparison)
    return cell


def _flat(error: ValidationError) -> list[str]:
    """Each message of a field-keyed error, as 'field: message'."""
    if not hasattr(error, "error_dict"):
        return error.messages
    return [
        f"{field.replace('_', ' ')}: {message}"
        for field, messages in error.message_dict.items()
        for message in messages
    ]


@transaction.atomic
def publish(*, comparison: Comparison) -> list[Problem]:
    """Publish the table even with problems; returns them, for the organiser to see."""
    now = timezone.now()
    comparison.status = Comparison.Status.PUBLISHED
    comparison.published_at = comparison.published_at or now
    comparison.updated_at = now
    comparison.save(update_fields=["status", "published_at", "updated_at"])
    return consistency_check(comparison)


@transaction.atomic
def unpublish(*, comparison: Comparison) -> None:
    comparison.status = Comparison.Status.DRAFT
    comparison.updated_at = timezone.now()
    comparison.save(update_fields=["status", "updated_at"])
