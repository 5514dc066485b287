"""Reads of the blocks an event shows, shaped for its page and its flyer."""

from dataclasses import dataclass

from turnout.comparisons import selectors as comparisons
from turnout.comparisons.models import Comparison
from turnout.flyers.models import EventBlock, Quote, Statement


@dataclass
class ShownBlock:
    kind: str  # "statement", "quote" or "comparison"
    content: Statement | Quote | Comparison
    table: comparisons.TableView | None = None  # for a comparison


def event_blocks(event, *, with_drafts: bool = False) -> list[ShownBlock]:
    """The event's blocks in the organiser's order: one query, and four more for each
    comparison table. A table still in draft is left out unless ``with_drafts``."""
    blocks = EventBlock.objects.filter(event=event).select_related(
        "statement", "quote", "comparison"
    )
    shown = []
    for block in blocks:
        if block.comparison and not (block.comparison.is_published or with_drafts):
            continue
        table = comparisons.table_view(block.comparison) if block.comparison else None
        shown.append(ShownBlock(kind=block.kind, content=block.content, table=table))
    return shown


def blocks_for_organisers(*, event) -> list[EventBlock]:
    return list(
        EventBlock.objects.filter(event=event).select_related("statement", "quote", "comparison")
    )


def statements(*, group) -> list[Statement]:
    return list(Statement.objects.filter(group=group))


def quotes(*, group) -> list[Quote]:
    return list(Quote.objects.filter(group=group))
