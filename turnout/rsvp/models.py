from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from turnout.core.models import Message
from turnout.core.tokens import new_secret
from turnout.events.models import Event

NAME_MAX_LENGTH = 200
EMAIL_MAX_LENGTH = 254
ACCESS_NEEDS_MAX_LENGTH = 1000
NOTE_MAX_LENGTH = 200


class RegistrationStatus(models.TextChoices):
    HELD = "held", _("seats held until the email is confirmed")
    CONFIRMED = "confirmed", _("confirmed")
    WAITLIST_UNCONFIRMED = "waitlist_unconfirmed", _("on the waitlist once the email is confirmed")
    WAITLISTED = "waitlisted", _("on the waitlist")
    CANCELLED = "cancelled", _("cancelled")
    # Meetings whose organisers approve each place (Event.approval_required): no seat.
    REQUEST_UNCONFIRMED = "request_unconfirmed", _("asked for a place, once the email is confirmed")
    REQUESTED = "requested", _("asked for a place, waiting for an organiser")
    DECLINED = "declined", _("declined by an organiser")


class Source(models.TextChoices):
    FORM = "form", _("the registration form")
    ORGANISER = "organiser", _("added by an organiser")
    WALK_IN = "walk_in", _("walk-in")


Status = RegistrationStatus
TAKING_SEATS = (Status.HELD, Status.CONFIRMED)  # 1 + guests each, in Event.seats_taken
ON_WAITLIST = (Status.WAITLIST_UNCONFIRMED, Status.WAITLISTED)  # with a waitlist_position
# Until hold_expires_at; an unconfirmed request lapses like a hold, with no seat to free.
AWAITING_EMAIL = (Status.HELD, Status.WAITLIST_UNCONFIRMED, Status.REQUEST_UNCONFIRMED)
PENDING_REQUEST = (Status.REQUEST_UNCONFIRMED, Status.REQUESTED)  # no seat, no position


class Registration(models.Model):
    """One person's RSVP to one event, for themselves and ``guests`` more seats.

    Held and confirmed registrations take ``1 + guests`` seats, counted in
    ``Event.seats_taken`` by ``turnout.rsvp.services``; a request (a meeting whose
    organisers approve each place) takes none until approved. The attendee reaches it
    by a secret token (see ``token_secret``).
    """

    Status = RegistrationStatus
    Source = Source
    TAKING_SEATS = TAKING_SEATS
    ON_WAITLIST = ON_WAITLIST
    AWAITING_EMAIL = AWAITING_EMAIL
    PENDING_REQUEST = PENDING_REQUEST

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    # Blank only for a walk-in an organiser added by name.
    email = models.EmailField(_("email"), max_length=EMAIL_MAX_LENGTH, blank=True)
    guests = models.PositiveSmallIntegerField(_("guests"), default=0)
    # Health data: asked only with a consent line, deleted with the rest.
    access_needs = models.TextField(
        _("access needs"), blank=True, max_length=ACCESS_NEEDS_MAX_LENGTH
    )
    # What the person wrote on a meeting that needs approval, for the organisers.
    note = models.CharField(_("how they know the group"), max_length=NOTE_MAX_LENGTH, blank=True)
    status = models.CharField(max_length=24, choices=Status.choices)
    # The page's token is an HMAC of this secret under SECRET_KEY (turnout.rsvp.links):
    # every email carries the same link, and the database alone gives no working link.
    token_secret = models.CharField(max_length=64, default=new_secret, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    waitlist_position = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # When the attendee confirmed the address from the emailed link. Until then emails to
    # it carry no text the group chose (turnout.rsvp.services.emails): anyone can type
    # anyone's address into the form, and an organiser into theirs.
    email_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.FORM)
    # The language of the page they registered from: every email about it is in it.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Seats given by an organiser beyond the capacity, on purpose (a walk-in, a manual add).
    over_capacity = models.BooleanField(default=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Name, email and access needs blanked and the link made dead (turnout.rsvp.privacy):
    # N days after the meeting, or when the attendee erased their registration.
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Checked in at the door although not confirmed (waitlisted, cancelled): the
    # organiser's choice, recorded.
    check_in_override = models.BooleanField(default=False)
    # The emails about it (turnout.core's outbox), blanked with it by turnout.rsvp.privacy.
    messages = GenericRelation(
        Message,
        content_type_field="about_type",
        object_id_field="about_id",
        related_query_name="registration",
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(email=""),
                name="registration_one_per_email",
            ),
            models.UniqueConstraint(
                fields=["event", "waitlist_position"], name="registration_waitlist_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="registration_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=AWAITING_EMAIL) | Q(hold_expires_at__isnull=False),
                name="registration_hold_expires",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=ON_WAITLIST) | Q(waitlist_position__isnull=False),
                name="registration_waitlist_has_position",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CONFIRMED) | Q(confirmed_at__isnull=False),
                name="registration_confirmed_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CANCELLED) | Q(cancelled_at__isnull=False),
                name="registration_cancelled_at",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=PENDING_REQUEST) | Q(waitlist_position__isnull=True),
                name="registration_request_not_waiting",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "waitlist_position"]),
            models.Index(fields=["status", "hold_expires_at"]),
            # The anonymisation job's: a meeting's people not anonymised yet (once past,
            # few rows: the index stays small however many registrations there were).
            models.Index(
                fields=["event"],
                condition=Q(anonymised_at__isnull=True),
                name="registration_not_anonymised",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    @property
    def display_name(self) -> str:
        """The name to show organisers: "Anonymised" once the personal data is gone."""
        return _("Anonymised") if self.anonymised_at else self.name

    @property
    def seats(self) -> int:
        return 1 + self.guests

    @property
    def takes_seats(self) -> bool:
        return self.status in self.TAKING_SEATS

    @property
    def is_on_waitlist(self) -> bool:
        return self.status in self.ON_WAITLIST


class AttendeeExport(models.Model):
    """Who downloaded an event's attendee list, which file, and when: shown to the
    group's organisers. (Downloads from before the file was recorded have no kind.)"""

    class Kind(models.TextChoices):
        CSV = "csv", _("the list as a spreadsheet (CSV)")
        PDF = "pdf", _("the door list (PDF)")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="exports")
    kind = models.CharField(_("file"), max_length=8, choices=Kind.choices, blank=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    exported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-exported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event} by {self.exported_by} at {self.exported_at:%Y-%m-%d %H:%M}"


class ChangeNotice(models.Model):
    """What changed about a meeting people registered for, and whether they were told.

    Written when an organiser changes the time, venue or online link of an event
    with registrations, or cancels it; the organiser then sends it with one click
    (or leaves it). ``changes`` holds what changed: [{"field", "old", "new"}], as
    values with no attendee data, written out in each reader's language by
    turnout.rsvp.changes.
    """

    class Kind(models.TextChoices):
        CHANGED = "changed", _("changed")
        CANCELLED = "cancelled", _("cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="change_notices")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    changes = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event}: {self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_pending(self) -> bool:
        return self.sent_at is None and self.dismissed_at is None


class OrganiserAlert(models.Model):
    """An organiser was told (or is being told) this about this meeting: one row per
    meeting, organiser and kind, so each alert goes once, however many transactions
    race to send it (the unique constraint decides; turnout.rsvp.notify)."""

    class Kind(models.TextChoices):
        FULL = "full"
        WAITLIST = "waitlist"
        LATE_CANCELLATION = "late_cancellation"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user", "kind"], name="organiser_alert_once"),
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.kind} to {self.user_id}"


class MeetingMessage(models.Model):
    """A message an organiser wrote to the people registered for a meeting (subject and
    Markdown body as sent), to whom (``audience``) and how many were emailed.

    ``send_key`` is the compose form's one-time key: a second submission of the same
    form (a double click, a reload) finds it taken and emails nobody. It goes as an
    announcement does (turnout.rsvp.messages_sending): SCHEDULED until ``send_at`` (if
    the organiser chose a time), SENDING once counted against the quota and handed to
    the worker, SENT when nothing is left queued; CANCELLED (with ``not_sent_reason``)
    if it never went. ``sent_at``: when it went, or is to go.
    """

    class Audience(models.TextChoices):
        CONFIRMED = "confirmed", _("people with a confirmed place")
        WAITLISTED = "waitlisted", _("people on the waitlist")
        CHECKED_IN = "checked_in", _("people checked in at the door")
        ALL = "all", _("all of them")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        CANCELLED = "cancelled", _("not sent")

    class NotSent(models.TextChoices):
        BY_ORGANISER = "by_organiser", _("an organiser cancelled it")
        MEETING_CANCELLED = "meeting_cancelled", _("the meeting was cancelled")
        MEETING_STARTED = "meeting_started", _("the meeting had started")
        OVER_QUOTA = "over_quota", _("the group's daily email limit was reached")
        NOBODY = "nobody", _("nobody in its choice had a confirmed email address")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_messages")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    audience = models.CharField(_("to"), max_length=16, choices=Audience.choices)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    recipient_count = models.PositiveIntegerField(default=0)
    send_key = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENT)
    send_at = models.DateTimeField(null=True, blank=True)  # the organiser's chosen time
    not_sent_reason = models.CharField(max_length=24, choices=NotSent.choices, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["status", "send_at"])]

    def __str__(self) -> str:
        return f"{self.event}: {self.subject} ({self.sent_at:%Y-%m-%d %H:%M})"


class MeetingMessageDelivery(models.Model):
    """Who a meeting message went to: one row per recipient, written by the fan-out with
    their email (``message``), so a re-run finds them and the attendee's page shows the
    messages actually sent to them (the email's own params are cleared once sent).
    Unique per recipient: nobody is written to twice."""

    meeting_message = models.ForeignKey(
        MeetingMessage, on_delete=models.CASCADE, related_name="deliveries"
    )
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting_message", "registration"], name="one_delivery_per_recipient"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting_message_id} → registration {self.registration_id}"
