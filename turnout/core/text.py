"""Text cut to fit: a quote in a list, shortened where a reader expects it to be."""

ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters: whole words and an ellipsis when it is
    longer ("…its ongoing operation…", never "…operation again" for "against"). A
    single word longer than the limit is cut inside it."""
    if len(text) <= limit:
        return text
    room = text[: limit - 1]
    if not text[limit - 1].isspace() and " " in room.strip():  # cut inside a word
        room = room.rsplit(maxsplit=1)[0]
    return room.rstrip(" \t\n,;:.-–—") + ELLIPSIS
