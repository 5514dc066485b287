"""The hooks events sends when a meeting changes, so the apps above it can react.

events sits below the apps that hang off a meeting (rsvp, federation) and
never imports them (STYLE.md habit 13: lower layers never call up; upper ones
subscribe). When something must happen above because a meeting changed, events sends
one of these ``django.dispatch.Signal``s and the app above reacts: it connects its
receivers in its ``AppConfig.ready()``, each with a ``dispatch_uid`` (so connecting
twice changes nothing), each receiver one call to a service of its own.

Who sends: turnout.events.services and turnout.events.publishing, always inside the
transaction of the change, with ``sender=Event``. So:

- what a receiver writes (an outbox row included) commits or rolls back with the
  change: a change rolled back leaves nothing behind and emails nobody;
- a receiver that raises rolls the whole change back, and its exception reaches
  whoever asked for the change (except a ValidationError from ``meeting_moving_to_past``,
  which is the organiser's message, below).

Arguments are keywords, and receivers take ``**kwargs`` too (a hook may gain one).

``meeting_moving_to_past``
    Sent by ``update_event`` before it saves, when the start moves to a moment that
    has passed and the caller does not allow that (the organiser's form; imports do
    allow it). Events refuses the move in any case; a receiver may give the organiser
    a more specific reason, and what to do instead, by raising a field-level
    ``ValidationError`` (``{"start_date": message}``), shown instead of events' own.
    It must not write. Arguments: ``event`` (as edited, not saved; ``starts_at``
    derived) and ``before`` (as stored). rsvp: people have registered for it.

``meeting_changed``
    Sent by ``update_event`` after it saved the meeting, on every save (each one
    counts as a change: its iCalendar SEQUENCE went up). Arguments: ``event`` (as
    saved), ``before`` (as stored before this edit, read under the row lock) and
    ``by`` (the organiser who saved it; None for an import or a script). Receivers
    may write, and may set ``event.change_notice``, the notice the organiser is then
    offered to send (None unless a receiver sets it; the organiser's pages read it).
    rsvp: reminders due again when the start moved, the change notice, the waitlist
    promoted when the capacity changed.

``meeting_cancelled``
    Sent by ``cancel_event`` after it saved the cancellation; once (cancelling a
    cancelled meeting sends nothing). Arguments: ``event`` (as cancelled), ``before``
    (the same instance as it was before cancelling) and ``by``. Receivers may write,
    and may set ``event.change_notice`` as above. rsvp: the cancellation notice.

``meeting_withdrawing``
    Sent by ``turnout.events.publishing`` before a meeting goes back to draft or is
    deleted, under the meeting's row lock. A receiver refuses by raising a
    ``ValidationError`` with the organiser's message (nothing has changed then). It
    must not write. Arguments: ``event`` and ``action`` (``"unpublish"`` or
    ``"delete"``). rsvp: anyone has ever registered (cancelled ones too: each was
    sent the meeting's link, so only a cancellation tells them honestly).

``meeting_published``
    Sent by ``publish_event`` after a draft became published (the first time, or again
    after ``unpublish_event``); publishing a published meeting sends nothing.
    Arguments: ``event`` (as published). Receivers may write. federation: Create{Event}
    to the group's followers.

``meeting_unpublished``
    Sent by ``turnout.events.publishing.unpublish_event`` after a published meeting went
    back to draft. Arguments: ``event`` (the draft, as saved) and ``before`` (as it was,
    read under the row lock). Receivers may write. federation: Delete{Tombstone}.

``meeting_deleting``
    Sent by ``turnout.events.publishing.delete_event`` once the deletion is decided
    (``meeting_withdrawing`` refused nothing), just before the row is deleted, under its
    lock, so receivers still read it. Arguments: ``event`` and ``by``. Receivers may
    write (not rows that point to the meeting: they go with it). federation:
    Delete{Tombstone}, and the id kept to answer 410 Gone.
"""

from django.dispatch import Signal

meeting_moving_to_past = Signal()
meeting_changed = Signal()
meeting_cancelled = Signal()
meeting_withdrawing = Signal()
meeting_published = Signal()
meeting_unpublished = Signal()
meeting_deleting = Signal()
