"""An announcement's first draft about one meeting, for "Email your followers" on the
organisers' "Now spread it" page (turnout.pages): its title, tagline, when and where (the
public place only: turnout.events.places) and its link, in the meeting's own language.
The organiser reads and changes it before anything is sent."""

from django.utils import translation

from turnout.core.links import absolute_url
from turnout.core.timefmt import event_when
from turnout.events import places
from turnout.events.models import Event
from turnout.groups.models import Group


def meeting_for_announcement(*, group: Group, slug: str) -> Event | None:
    """The group's published, listed meeting at ``slug``; None for anything else (a
    draft, an unlisted meeting, another group's, a made-up slug), which prefills nothing:
    followers are told only of what anyone may find."""
    return Event.objects.listed().filter(group=group, slug=slug).select_related("venue").first()


def first_draft(*, event: Event) -> dict[str, str]:
    """``subject`` and ``body`` (Markdown) for the announcement form."""
    with translation.override(event.language):
        place = places.public_place(event)
        lines = [
            event.tagline,
            event_when(event),
            place.text if place else "",
            absolute_url("public:event", group=event.group.slug, event=event.slug),
        ]
    return {"subject": event.title, "body": "\n\n".join(line for line in lines if line) + "\n"}
