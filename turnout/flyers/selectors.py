"""Reads of the blocks an event shows, shaped for its page and its flyer."""

from dataclasses import dataclass, field

from turnout.comparisons import selectors as comparisons
from turnout.comparisons.models import Comparison
from turnout.events.models import Event
from turnout.flyers.models import EventBlock, Quote, Statement


@dataclass
class ShownBlock:
    kind: str  # "statement", "quote" or "comparison"
    content: Statement | Quote | Comparison
    # For a comparison: its assessed cases, and the cases not yet assessed.
    table: comparisons.TableView | None = None
    not_assessed: list = field(default_factory=list)


def event_blocks(event, *, with_drafts: bool = False) -> list[ShownBlock]:
    """The event's blocks in the organiser's order: one query, and four more for each
    comparison table, which shows its assessed cases and names the others. A table
    still in draft is left out unless ``with_drafts``."""
    blocks = EventBlock.objects.filter(event=event).select_related(
        "statement", "quote", "comparison"
    )
    shown = []
    for block in blocks:
        if block.comparison and not (block.comparison.is_published or with_drafts):
            continue
        item = ShownBlock(kind=block.kind, content=block.content)
        if block.comparison:
            whole = comparisons.table_view(block.comparison)
            item.table, item.not_assessed = comparisons.assessed_part(whole)
        shown.append(item)
    return shown


def blocks_for_organisers(*, event) -> list[EventBlock]:
    return list(
        EventBlock.objects.filter(event=event).select_related("statement", "quote", "comparison")
    )


def statements(*, group) -> list[Statement]:
    return list(Statement.objects.filter(group=group))


def quotes(*, group) -> list[Quote]:
    return list(Quote.objects.filter(group=group))


def meetings_showing(content: Statement | Quote) -> list[Event]:
    """The group's meetings that show this statement or quote, latest first."""
    shown_as = {Statement: "blocks__statement", Quote: "blocks__quote"}[type(content)]
    return list(
        Event.objects.filter(group_id=content.group_id, **{shown_as: content}).order_by(
            "-starts_at"
        )
    )
