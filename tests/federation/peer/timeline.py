"""What Mastodon does with an activity once its signature is verified, kept small: the
follows it asked for, the posts it holds, and what a follower would see.

Written from mastodon/mastodon:

- ``Accept`` (app/lib/activitypub/activity/accept.rb): its object is the id of a
  Follow asked for, or an embedded ``Follow`` whose ``actor`` is the local account;
  the follow request becomes a follow.
- ``Create`` (activity/create.rb): an object given inline, of a supported type (Note,
  Question) or a converted one (app/lib/activitypub/activity.rb ``CONVERTED_TYPES``:
  Image Audio Video Article Page Event); the object's id on the actor's own host
  (``invalid_origin?``). A converted object's post is ``<h2>name</h2>``, then
  ``summary``, then a link to ``url`` (or the id), ``content`` dropped
  (parser/status_parser.rb); a Note's post is its ``content``. Visibility from
  ``to``/``cc`` (status_parser.rb ``visibility``), the language from
  ``contentMap``/``nameMap``/``summaryMap``, image ``attachment``s with ``url`` and
  ``mediaType`` become media described by their ``summary`` or ``name``
  (parser/media_attachment_parser.rb). Followers see it in their home feed.
- ``Update`` (activity/update.rb, app/services/activitypub/process_status_update_service.rb):
  a post held, by the same account, is edited in place; nobody is notified.
- ``Delete`` (activity/delete.rb): the post whose uri is the object's id, by the same
  account, is removed; a ``Tombstone`` is kept either way.
"""

import html
from urllib.parse import urlsplit

PUBLIC = ("https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public")
SUPPORTED = {"Note", "Question"}
CONVERTED = {"Image", "Audio", "Video", "Article", "Page", "Event"}
IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/avif"}


class Timeline:
    """The peer's account's follows and the posts it received (in memory)."""

    def __init__(self, local_actor: str) -> None:
        self.local_actor = local_actor
        self.follows: dict[str, dict] = {}  # target actor id -> {"follow_id", "state"}
        self.posts: dict[str, dict] = {}  # object id -> post
        self.tombstones: set[str] = set()

    def requested(self, *, target: str, follow_id: str) -> None:
        self.follows[target] = {"follow_id": follow_id, "state": "requested"}

    def apply(self, activity: dict, signer: str) -> dict:
        """What this activity did here: {"effect": …, …}."""
        kind = activity.get("type")
        handler = {
            "Accept": self._accept,
            "Create": self._create,
            "Update": self._update,
            "Delete": self._delete,
        }.get(kind)
        if handler is None:
            return {"effect": "ignored", "why": f"type {kind!r}"}
        return handler(activity, signer)

    def _accept(self, activity: dict, signer: str) -> dict:
        obj = activity.get("object")
        follow = self.follows.get(signer)
        if follow is None:
            return {"effect": "ignored", "why": "no follow asked of this actor"}
        object_id = obj.get("id") if isinstance(obj, dict) else obj
        embedded = (
            isinstance(obj, dict)
            and obj.get("type") == "Follow"
            and _id(obj.get("actor")) == self.local_actor
        )
        if object_id != follow["follow_id"] and not embedded:
            return {"effect": "ignored", "why": f"accepts {object_id!r}, not our Follow"}
        follow["state"] = "accepted"
        return {"effect": "follow accepted", "target": signer}

    def _create(self, activity: dict, signer: str) -> dict:
        obj = activity.get("object")
        if not isinstance(obj, dict):
            return {"effect": "ignored", "why": "object given by reference"}
        kind = obj.get("type")
        if kind not in SUPPORTED | CONVERTED:
            return {"effect": "ignored", "why": f"unsupported object type {kind!r}"}
        if _host(obj.get("id")) != _host(signer):
            return {"effect": "rejected", "why": "object id on another host (invalid_origin?)"}
        if obj.get("id") in self.tombstones:
            return {"effect": "ignored", "why": "deleted before it arrived"}
        if obj["id"] in self.posts:
            return {"effect": "ignored", "why": "already held"}
        post = self._post(obj, signer)
        self.posts[obj["id"]] = post
        following = self.follows.get(signer, {}).get("state") == "accepted"
        return {"effect": "post", "post": post, "in_home_feed": following}

    def _update(self, activity: dict, signer: str) -> dict:
        obj = activity.get("object")
        if not isinstance(obj, dict) or obj.get("type") not in SUPPORTED | CONVERTED:
            return {"effect": "ignored", "why": "not a status update"}
        held = self.posts.get(obj.get("id"))
        if held is None or held["account"] != signer:
            return {"effect": "ignored", "why": "no such post held from this account"}
        post = self._post(obj, signer)
        self.posts[obj["id"]] = post
        return {"effect": "edit", "post": post, "notified": False}

    def _delete(self, activity: dict, signer: str) -> dict:
        object_id = _id(activity.get("object"))
        if object_id == signer:
            return {"effect": "account deleted"}
        if _host(object_id) != _host(signer):
            return {"effect": "ignored", "why": "object on another host"}
        self.tombstones.add(object_id)
        held = self.posts.get(object_id)
        if held is None or held["account"] != signer:
            return {"effect": "tombstone", "why": "no such post held"}
        del self.posts[object_id]
        return {"effect": "post deleted", "uri": object_id}

    def _post(self, obj: dict, signer: str) -> dict:
        kind = obj.get("type")
        name = _text(obj, "name")
        summary = _text(obj, "summary")
        link = _link(obj.get("url")) or obj["id"]
        if kind in CONVERTED:
            parts = [f"<h2>{name}</h2>" if name else None, summary or None, _linkify(link)]
            text, spoiler = "\n\n".join(p for p in parts if p), ""
        else:
            text, spoiler = _text(obj, "content"), summary
        return {
            "uri": obj["id"],
            "url": link,
            "account": signer,
            "text": text,
            "spoiler_text": spoiler,
            "created_at": obj.get("published"),
            "edited_at": obj.get("updated"),
            "visibility": _visibility(obj),
            "language": _language(obj),
            "media": [m for m in map(_media, _list(obj.get("attachment"))) if m],
        }


def _id(value) -> str | None:
    return value.get("id") if isinstance(value, dict) else value


def _host(url) -> str | None:
    return urlsplit(url).hostname if isinstance(url, str) else None


def _list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(obj: dict, name: str) -> str:
    if obj.get(name):
        return obj[name]
    mapped = obj.get(f"{name}Map")
    return next(iter(mapped.values()), "") if isinstance(mapped, dict) else ""


def _language(obj: dict) -> str | None:
    for name in ("contentMap", "nameMap", "summaryMap"):
        if isinstance(obj.get(name), dict) and obj[name]:
            return next(iter(obj[name]))
    return None


def _link(url) -> str | None:
    """``url_to_href(url, 'text/html')``: a string, or the Link of that media type."""
    for candidate in _list(url):
        if isinstance(candidate, str):
            return candidate
        if isinstance(candidate, dict) and candidate.get("mediaType", "text/html") == "text/html":
            return candidate.get("href")
    return None


def _linkify(url: str) -> str:
    return f'<a href="{html.escape(url)}">{html.escape(url)}</a>'


def _visibility(obj: dict) -> str:
    if any(_id(x) in PUBLIC for x in _list(obj.get("to"))):
        return "public"
    if any(_id(x) in PUBLIC for x in _list(obj.get("cc"))):
        return "unlisted"
    return "private or direct"


def _media(attachment) -> dict | None:
    if not isinstance(attachment, dict) or not _link(attachment.get("url")):
        return None
    media_type = attachment.get("mediaType")
    description = (attachment.get("summary") or attachment.get("name") or "").strip() or None
    return {
        "remote_url": _link(attachment.get("url")),
        "type": "image" if media_type in IMAGE_TYPES else "unknown",
        "media_type": media_type,
        "description": description,
    }
