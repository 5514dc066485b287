import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from turnout.core.rendered import StoredMarkdown, stored_markdown
from turnout.core.slugs import SLUG_MAX_LENGTH, validate_slug
from turnout.core.timezones import to_aware, validate_time_zone
from turnout.core.validators import validate_web_url
from turnout.groups.models import Group, Venue

DESCRIPTION_MAX_LENGTH = 20_000
REMINDER_MAX_HOURS = 168  # a week
# An unlisted meeting's address: this many random lower-case letters and digits (82 bits).
UNLISTED_SLUG_LENGTH = 16
AREA_MAX_LENGTH = 120


class PublicCounts(models.TextChoices):
    SEATS_LEFT = "seats_left", _("the room size and how many seats are left")
    CAPACITY = "capacity", _("the room size only")
    NONE = "none", _("no numbers")


class Topic(models.Model):
    """What meetings are about, from a short list the instance admin keeps (Django admin);
    organisers tick them in the meeting form, and "/" filters by them."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(
        _("web address"),
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        validators=[validate_slug],
        help_text=_("Lower-case letters, digits and hyphens; “/?topic=<address>” lists them."),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EventQuerySet(models.QuerySet):
    """The two public selections of meetings; every public page, feed and widget (and
    federation, when it comes) starts from one of them."""

    def reachable(self) -> "EventQuerySet":
        """Meetings whose own page anyone with the link may open: published or cancelled."""
        return self.filter(status__in=(Event.Status.PUBLISHED, Event.Status.CANCELLED))

    def listed(self) -> "EventQuerySet":
        """Meetings any listing may show: reachable ones that are not unlisted. The one
        selector for "/", group pages, the widget, feeds, search and federation."""
        return self.reachable().filter(unlisted=False)

    def in_feeds(self) -> "EventQuerySet":
        """What calendar feeds carry: listed meetings, and those published once and taken
        back to draft since (turnout.events.publishing), shown as cancelled, so that a
        calendar that saw one learns it is off instead of losing it without a word."""
        withdrawn = models.Q(status=Event.Status.DRAFT, published_at__isnull=False)
        return self.filter(
            models.Q(status__in=(Event.Status.PUBLISHED, Event.Status.CANCELLED)) | withdrawn,
            unlisted=False,
        )


class Event(StoredMarkdown):
    """A meeting, kept as the organiser meant it: local date and time in a named zone.

    ``starts_at``/``ends_at`` are the UTC instants derived from the local fields
    (by ``turnout.events.services``) for ordering and feeds; if time zone rules
    change, they are derived again and the announced local time stays put.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="events")
    slug = models.SlugField(
        _("web address"), max_length=SLUG_MAX_LENGTH, validators=[validate_slug]
    )
    title = models.CharField(_("title"), max_length=150)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=DESCRIPTION_MAX_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
        help_text=_("Markdown. Up to 20,000 characters."),
    )
    description_rendered, description_stamp = stored_markdown("description")
    start_date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    end_date = models.DateField(_("end date"))
    end_time = models.TimeField(_("end time"))
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    starts_at = models.DateTimeField(editable=False, db_index=True)
    ends_at = models.DateTimeField(editable=False)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    # The venue's address for confirmed attendees only: everyone else reads the area
    # (turnout.events.places decides who sees what).
    address_private = models.BooleanField(
        _("address for confirmed attendees only"),
        default=False,
        db_default=False,
        help_text=_(
            "Only people whose place is confirmed see the venue, its address and map; "
            "everyone else, the flyer and the feeds show the area below."
        ),
    )
    address_area = models.CharField(
        _("area shown to the public"),
        max_length=AREA_MAX_LENGTH,
        blank=True,
        default="",
        db_default="",
        help_text=_("Like “Central London, near King’s Cross”: enough to plan the journey."),
    )
    # The venue's town as anyone may read it, what "/?city=" filters by (places.public_city).
    public_city = models.CharField(max_length=100, editable=False, default="", db_default="")
    online_url = models.URLField(
        _("online meeting link"),
        blank=True,
        validators=[validate_web_url],
        help_text=_("Shown only to confirmed attendees."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("How many people fit. Leave empty for no limit."),
    )
    max_guests = models.PositiveSmallIntegerField(
        _("guests per person"),
        default=0,
        help_text=_("How many guests each person may bring. Each guest takes a seat."),
    )
    confirmation_required = models.BooleanField(
        _("confirm by email"),
        default=True,
        help_text=_(
            "Seats are held until the person confirms from the emailed link; "
            "unconfirmed holds expire and free their seats. Without it, the public page "
            "shows no exact number of seats left, only “places available”, “few places "
            "left” or “full”: otherwise anyone could tell from the number whether an "
            "address had registered. And since nobody then confirms their address, their "
            "emails stay brief: your group's name, the day and a link to their page."
        ),
    )
    # An RSVP is then a request that takes no seat until an organiser approves it
    # (turnout.rsvp.services.requests).
    approval_required = models.BooleanField(
        _("organisers approve each place"),
        default=False,
        db_default=False,
        help_text=_(
            "Each RSVP is a request that takes no seat until an organiser approves it; "
            "the public page says so, and people you decline get a short email with no reason."
        ),
    )
    registration_opens_at = models.DateTimeField(
        _("registration opens"),
        null=True,
        blank=True,
        help_text=_("Leave empty to open registration when the meeting is published."),
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Leave empty to close registration when the meeting starts."),
    )
    public_counts = models.CharField(
        _("numbers shown to the public"),
        max_length=16,
        choices=PublicCounts.choices,
        default=PublicCounts.CAPACITY,
        help_text=_("For sensitive meetings, show no numbers at all."),
    )
    reminder_hours = models.PositiveSmallIntegerField(
        _("reminder, hours before the start"),
        null=True,
        blank=True,
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(REMINDER_MAX_HOURS)],
        help_text=_(
            "Confirmed attendees are emailed a reminder this many hours before the start. "
            "Leave empty for no reminder."
        ),
    )
    # When the reminder is due, derived by turnout.events.services from the start and
    # reminder_hours; None when there is none (no reminder, or the meeting was created
    # less than that many hours ahead).
    reminder_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    # An all-day meeting (from an imported feed): start_time and end_time are midnight and
    # end_date is the day after the last day, as iCalendar's DTEND;VALUE=DATE.
    all_day = models.BooleanField(_("all day"), default=False)
    # Raised by one on every change (turnout.events.services): iCalendar's SEQUENCE, so
    # calendars replace what they hold with the newer version.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # For an event imported from another calendar: its UID there (re-importing updates
    # by it) and the link back to its source.
    external_uid = models.CharField(max_length=255, blank=True, editable=False)
    external_url = models.URLField(max_length=500, blank=True, editable=False)
    # Counters kept by turnout.rsvp.services, only ever changed by one UPDATE
    # in the database (seats_taken = seats_taken + n), never saved from a loaded
    # model (that would write back a stale count):
    # seats taken by held and confirmed registrations (1 + guests each), those of them
    # held unconfirmed (public counts leave them out), and the last waitlist position
    # handed out.
    seats_taken = models.PositiveIntegerField(default=0, editable=False)
    seats_held = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    waitlist_counter = models.PositiveIntegerField(default=0, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    # Left out of every listing (EventQuerySet.listed); its address is then a random one
    # made by turnout.events.services (UNLISTED_SLUG), never typed and never the title's.
    unlisted = models.BooleanField(
        _("unlisted"),
        default=False,
        help_text=_(
            "Only people you give the link to can find it: it is left out of your group’s "
            "page, the front page, the widget, feeds and search engines, and gets a web "
            "address that cannot be guessed."
        ),
    )
    topics = models.ManyToManyField(
        Topic,
        verbose_name=_("topics"),
        blank=True,
        related_name="events",
        help_text=_("What the meeting is about: people browsing the site can pick a topic."),
    )
    # Title and tagline as turnout.core.search reads them (" solidarity evening"),
    # written by turnout.events.services on every save; the group's name is searched in
    # its own column (Group.search_name), so renaming a group touches no meeting.
    search_text = models.TextField(editable=False, default="", db_default="")
    # Set through turnout.events.services.set_picture (turnout.core.pictures).
    picture = models.OneToOneField(
        "core.Picture", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A database default too: a row written by older code (a migration test) gets False.
    picture_on_flyer = models.BooleanField(
        _("show the picture on the A4 flyer"), default=False, db_default=False
    )
    # What federation calls the meeting (its ActivityPub id is built on it): unlike the
    # slug it never changes, so followers elsewhere keep one identity for it.
    federation_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "slug"], name="event_slug_unique_in_group"),
            models.UniqueConstraint(
                fields=["group", "external_uid"],
                condition=~models.Q(external_uid=""),
                name="event_external_uid_unique_in_group",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gte=0),
                name="event_capacity_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(seats_taken__gte=0), name="event_seats_taken_not_negative"
            ),
            models.CheckConstraint(
                # The random address made by turnout.events.services.unlisted_slug.
                condition=models.Q(unlisted=False)
                | (
                    models.Q(Exact(Length("slug"), UNLISTED_SLUG_LENGTH))
                    & ~models.Q(slug__contains="-")
                ),
                name="event_unlisted_has_a_random_address",
            ),
            models.CheckConstraint(
                condition=models.Q(address_private=False) | ~models.Q(address_area=""),
                name="event_private_address_has_area",
            ),
            models.CheckConstraint(
                condition=models.Q(seats_held__gte=0)
                & models.Q(seats_held__lte=models.F("seats_taken")),
                name="event_seats_held_within_taken",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["status", "reminder_due_at"]),
            # Listed meetings by end, with "/"'s filters' towns and groups and the start:
            # the upcoming count, the choices and the earliest start read this index
            # alone (PostgreSQL's INCLUDE), not the table (bench/scale.py).
            models.Index(
                fields=["ends_at"],
                include=["group", "public_city", "starts_at"],
                condition=models.Q(status__in=("published", "cancelled"), unlisted=False),
                name="event_listed_by_end",
            ),
            # "/?city=": one town's listed meetings by start, however many other towns have.
            models.Index(
                fields=["public_city", "starts_at"],
                condition=models.Q(status__in=("published", "cancelled"), unlisted=False)
                & ~models.Q(public_city=""),
                name="event_listed_by_city",
            ),
            # A group's meetings by start: its page's upcoming and past ones, its feed.
            models.Index(fields=["group", "starts_at"], name="event_group_by_start"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def local_start(self) -> dt.datetime:
        return to_aware(self.start_date, self.start_time, self.time_zone)

    @property
    def local_end(self) -> dt.datetime:
        return to_aware(self.end_date, self.end_time, self.time_zone)

    @property
    def is_full(self) -> bool:
        """Every seat taken (held or confirmed), as this copy says: a newcomer would wait."""
        return self.capacity is not None and self.seats_taken >= self.capacity

    @property
    def registration_closes(self) -> dt.datetime:
        """When registration closes: the organiser's choice, or the start."""
        return self.registration_closes_at or self.starts_at

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def shown_as_cancelled(self) -> bool:
        """How feeds show it: cancelled, or taken back to draft after it was published."""
        withdrawn = self.status == self.Status.DRAFT and self.published_at is not None
        return self.is_cancelled or withdrawn

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()


class EventSlug(models.Model):
    """A web address a meeting of a group has had: its current one and every earlier one,
    kept for good, so that a printed flyer's QR code never leads to another meeting.

    Unique per group (the database enforces it, races included): a meeting takes an
    address by adding a row, and only the meeting whose row it is may use it again.
    An address that is not its meeting's current one answers 301 with the current one
    (turnout.pages.addresses). ``event`` is None once the meeting is deleted: the address
    then leads nowhere, and no other meeting of the group can take it. The rows go with
    their group, whose own address stays reserved (turnout.groups.models.GroupSlug).
    Rules: turnout.events.addresses.
    """

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    slug = models.CharField(max_length=SLUG_MAX_LENGTH)
    event = models.ForeignKey(Event, null=True, on_delete=models.SET_NULL, related_name="addresses")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "slug"], name="event_address_unique_in_group"),
        ]

    def __str__(self) -> str:
        return self.slug
