"""Whether a request for a page asks for ActivityPub JSON rather than the HTML.

A server fetching ``https://host/<group>/`` (a link pasted into Mastodon's search, a
``url`` followed back) sends ``Accept: application/activity+json`` or
``application/ld+json; profile="https://www.w3.org/ns/activitystreams"`` (mastodon/mastodon
app/helpers/jsonld_helper.rb asks with both). It gets the JSON only when it prefers one
of those to HTML by its q-values; a tie, ``*/*``, a missing or unreadable header, or
plain ``application/ld+json`` without the profile, all get the HTML that browsers expect.
"""

from django.http import HttpRequest

ACTIVITY_JSON = "application/activity+json"
LD_JSON = "application/ld+json"
PROFILE = "https://www.w3.org/ns/activitystreams"
HTML = ("text/html", "application/xhtml+xml")
MAX_HEADER = 2000


def wants_activity_json(request: HttpRequest) -> bool:
    ranges = _media_ranges(request.headers.get("Accept", ""))
    activity = max((q for kind, q in ranges if kind == "activity"), default=0.0)
    html = max((q for kind, q in ranges if kind == "html"), default=0.0)
    return activity > 0 and activity > html


def _media_ranges(header: str) -> list[tuple[str, float]]:
    """Each media range of the header as ("activity" | "html" | "other", q)."""
    if len(header) > MAX_HEADER:
        return []
    found = []
    for part in header.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        media = media.lower()
        values = {}
        for param in params:
            name, _, value = param.partition("=")
            values[name.strip().lower()] = value.strip().strip('"')
        try:
            q = float(values.get("q", "1"))
        except ValueError:
            continue  # an unreadable range counts for nothing
        if not 0 <= q <= 1:
            continue
        if media == ACTIVITY_JSON or (media == LD_JSON and values.get("profile") == PROFILE):
            found.append(("activity", q))
        elif media in HTML:
            found.append(("html", q))
    return found
