"""The meeting's picture on its flyers: behind the social image's text whenever the
meeting has one, at the top of the A4 flyer when its organisers ask for it.

The flyer's facts (its cache key) name the stored files, so a new picture makes a new
flyer; the page gets their bytes as ``data:`` URIs (``turnout.core.pictures``), so
WeasyPrint never fetches a picture by its address, from a disk or a store alike.
"""

from turnout.core import pictures


def picture_fact(event) -> dict | None:
    if event.picture is None:
        return None
    shown = event.picture
    return {"social": shown.social, "large": shown.large, "on_a4": event.picture_on_flyer}


def picture_uri(picture: dict | None, *, social: bool, a4: bool) -> str:
    """The picture (``picture_fact``) for the social image or a printed flyer as a
    ``data:`` URI, or "" where it does not show."""
    if not picture:
        return ""
    if social:
        return pictures.data_uri(picture["social"])
    return pictures.data_uri(picture["large"]) if a4 and picture["on_a4"] else ""
