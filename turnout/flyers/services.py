"""Every write to statements, quotes and the blocks an event shows.

A block's content must belong to the event's group; each statement, quote or table
is shown at most once per event, and an event shows at most 20 blocks.
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from turnout.comparisons.models import Comparison
from turnout.core.formats import grouped
from turnout.core.ordering import swap_with_neighbour
from turnout.core.validators import clean_past_date, has_control_characters, validate_web_url
from turnout.events.models import Event
from turnout.flyers.models import (
    MAX_BLOCKS_PER_EVENT,
    QUOTE_MAX_LENGTH,
    STATEMENT_BODY_MAX_LENGTH,
    STATEMENT_TITLE_MAX_LENGTH,
    EventBlock,
    Quote,
    Statement,
)
from turnout.groups.models import Group


def _line(raw: Mapping, field: str, *, limit: int, required: bool, errors: dict) -> str:
    """One line of text: spaces collapsed, within ``limit``, no control characters."""
    value = " ".join(str(raw.get(field) or "").split())
    if not value and required:
        errors[field] = [_("This field is required.")]
    elif len(value) > limit:
        errors[field] = [_("Keep this to %(limit)s characters.") % {"limit": grouped(limit)}]
    elif has_control_characters(value):
        errors[field] = [_("This cannot hold control characters.")]
    return value


HEADING_LINES = 3


def _heading(raw: Mapping, field: str, *, limit: int, errors: dict) -> str:
    """A heading of up to three lines, broken where it was typed: with Enter, or as
    Markdown writes a line break (a backslash, or two spaces, at the end of a line).
    Blank lines go; each line is one line of text as ``_line`` makes it."""
    typed = str(raw.get(field) or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [" ".join(line.rstrip().removesuffix("\\").split()) for line in typed.split("\n")]
    lines = [line for line in lines if line]
    value = _line({field: " ".join(lines)}, field, limit=limit, required=True, errors=errors)
    if len(lines) > HEADING_LINES and field not in errors:
        errors[field] = [_("Keep the heading to three lines or fewer.")]
    return "\n".join(lines) if field not in errors else value


def _text(raw: Mapping, field: str, *, limit: int, errors: dict) -> str:
    """Several lines of text: line endings made "\\n", trimmed, within ``limit``."""
    value = str(raw.get(field) or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not value:
        errors[field] = [_("This field is required.")]
    elif len(value) > limit:
        errors[field] = [
            _("Keep this to %(limit)s characters; it has %(count)s.")
            % {"limit": grouped(limit), "count": grouped(len(value))}
        ]
    elif has_control_characters(value):
        errors[field] = [_("This cannot hold control characters.")]
    return value


def _date(raw: Mapping, field: str, *, required: bool, errors: dict):
    try:
        return clean_past_date(raw.get(field), required=required, field=field)
    except ValidationError as error:
        errors.update(error.message_dict)
        return None


def clean_statement(raw: Mapping) -> dict:
    errors: dict[str, list] = {}
    clean = {
        "title": _heading(raw, "title", limit=STATEMENT_TITLE_MAX_LENGTH, errors=errors),
        "body": _text(raw, "body", limit=STATEMENT_BODY_MAX_LENGTH, errors=errors),
        "dated": _date(raw, "dated", required=True, errors=errors),
    }
    if errors:
        raise ValidationError(errors)
    return clean


def clean_quote(raw: Mapping) -> dict:
    """A quote's fields, checked: a speaker is required, the source is an http(s) address,
    the date is not in the future."""
    errors: dict[str, list] = {}
    clean = {
        "text": _text(raw, "text", limit=QUOTE_MAX_LENGTH, errors=errors),
        "speaker": _line(raw, "speaker", limit=200, required=True, errors=errors),
        "role": _line(raw, "role", limit=200, required=False, errors=errors),
        "said_on": _date(raw, "said_on", required=False, errors=errors),
        "source_title": _line(raw, "source_title", limit=300, required=False, errors=errors),
        "source_url": _line(raw, "source_url", limit=500, required=False, errors=errors),
    }
    if "speaker" in errors and not clean["speaker"]:
        errors["speaker"] = [_("Say who said it: a quote needs a speaker.")]
    if clean["source_url"] and "source_url" not in errors:
        try:
            validate_web_url(clean["source_url"])
        except ValidationError as error:
            errors["source_url"] = error.messages
    if errors:
        raise ValidationError(errors)
    return clean


def create_statement(*, group: Group, **fields) -> Statement:
    return Statement.objects.create(group=group, **clean_statement(fields))


def update_statement(*, statement: Statement, **fields) -> Statement:
    for name, value in clean_statement(fields).items():
        setattr(statement, name, value)
    statement.updated_at = timezone.now()
    statement.save()
    return statement


def create_quote(*, group: Group, **fields) -> Quote:
    return Quote.objects.create(group=group, **clean_quote(fields))


def update_quote(*, quote: Quote, **fields) -> Quote:
    for name, value in clean_quote(fields).items():
        setattr(quote, name, value)
    quote.updated_at = timezone.now()
    quote.save()
    return quote


@transaction.atomic
def attach(*, event: Event, content: Statement | Quote | Comparison) -> EventBlock:
    """Show ``content`` with ``event``, after its other blocks."""
    if content.group_id != event.group_id:
        raise ValidationError(_("Only the group's own statements, quotes and tables can be shown."))
    field = {Statement: "statement", Quote: "quote", Comparison: "comparison"}[type(content)]
    # Lock the event so that two attaches at once cannot take the same position.
    Event.objects.select_for_update().filter(pk=event.pk).first()
    blocks = EventBlock.objects.filter(event=event)
    if blocks.filter(**{field: content}).exists():
        raise ValidationError(_("This meeting already shows it."))
    if blocks.count() >= MAX_BLOCKS_PER_EVENT:
        raise ValidationError(
            _("A meeting can show up to %(limit)s blocks.") % {"limit": MAX_BLOCKS_PER_EVENT}
        )
    last = blocks.aggregate(last=Max("position"))["last"]
    return EventBlock.objects.create(
        event=event, position=0 if last is None else last + 1, **{field: content}
    )


def detach(*, block: EventBlock) -> None:
    """Stop showing a block with its event; the statement, quote or table stays."""
    block.delete()


@transaction.atomic
def move_block(*, block: EventBlock, direction: str) -> None:
    """Swap the block with its neighbour "up" (earlier) or "down" (later)."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move a block up or down."))
    swap_with_neighbour(EventBlock.objects.filter(event_id=block.event_id), block, direction)


@transaction.atomic
def add_statement(*, event: Event, **fields) -> EventBlock:
    """A new statement of the event's group, shown with the event; nothing is kept if it
    cannot be shown (the meeting has its 20 blocks already)."""
    return attach(event=event, content=create_statement(group=event.group, **fields))


@transaction.atomic
def add_quote(*, event: Event, **fields) -> EventBlock:
    """A new quote of the event's group, shown with the event (as ``add_statement``)."""
    return attach(event=event, content=create_quote(group=event.group, **fields))
