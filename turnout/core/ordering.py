"""Items kept in an order chosen by hand: a ``position`` column, moved one step at a time."""

from django.db.models import QuerySet


def swap_with_neighbour(siblings: QuerySet, item, direction: str) -> bool:
    """Swap ``item`` with the one before it ("up") or after it ("down") among
    ``siblings`` (its queryset, ``item`` included), renumbering them 0, 1, 2…; False at
    the end already. Call it in a transaction: the siblings are locked."""
    ordered = list(siblings.select_for_update().order_by("position", "pk"))
    index = next(i for i, sibling in enumerate(ordered) if sibling.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, sibling in enumerate(ordered):
        sibling.position = position
    siblings.model.objects.bulk_update(ordered, ["position"])
    item.position = other
    return True
