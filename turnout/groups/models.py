import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from turnout.core.rendered import StoredMarkdown, stored_markdown
from turnout.core.slugs import SLUG_MAX_LENGTH, validate_group_slug
from turnout.core.timezones import validate_time_zone
from turnout.core.validators import validate_web_url

ABOUT_MAX_LENGTH = 10_000


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, email_verified=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """An organiser or instance admin; attendees never need an account."""

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("your name"), max_length=150)
    email_verified = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Part of every session's check (get_session_auth_hash): replacing it logs out every
    # session but the one that is then updated ("log out my other sessions").
    # db_default: rows written by code older than the field (a rolling upgrade) get it too.
    sessions_secret = models.CharField(max_length=64, blank=True, editable=False, db_default="")
    # The language of their pages and emails: the page they signed up from, then their
    # last choice in the switcher (turnout.core.languages); blank: not known.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True, db_default=""
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    def __str__(self) -> str:
        return self.name or self.email

    def get_session_auth_hash(self) -> str:
        return self._session_hash(secret=None)

    def get_session_auth_fallback_hash(self):
        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=fallback_secret)

    def _session_hash(self, *, secret) -> str:
        """Django's HMAC of the password hash, with ``sessions_secret`` added to it. While
        that is empty the hash is Django's own, so sessions made before it existed stay."""
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        value = self.password + self.sessions_secret
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()


class Group(StoredMarkdown):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("web address"),
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        validators=[validate_group_slug],
        help_text=_("Lower-case letters, digits and hyphens; the group's page is /<address>/."),
    )
    about = models.TextField(
        _("about"),
        blank=True,
        max_length=ABOUT_MAX_LENGTH,
        # A TextField's max_length only sizes the form field; the validator enforces it.
        validators=[MaxLengthValidator(ABOUT_MAX_LENGTH)],
        help_text=_("Markdown. Up to 10,000 characters."),
    )
    about_rendered, about_stamp = stored_markdown("about")
    contact_email = models.EmailField(_("contact email"))
    website = models.URLField(_("website"), blank=True, validators=[validate_web_url])
    time_zone = models.CharField(
        _("time zone"), max_length=64, validators=[validate_time_zone], default="Europe/London"
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    # Set through turnout.core.pictures.attach and detach.
    picture = models.OneToOneField(
        "core.Picture", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What federation calls the group (its ActivityPub id is built on it): unlike the
    # slug it never changes, so followers elsewhere keep one identity for it.
    federation_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    # When TURNOUT_REQUIRE_GROUP_APPROVAL is on, announcements wait for the instance admin.
    email_approved_at = models.DateTimeField(null=True, blank=True)
    daily_email_quota = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Empty: the instance's TURNOUT_DAILY_EMAIL_QUOTA.")
    )
    require_two_factor = models.BooleanField(
        _("organisers must use two-factor authentication"),
        default=False,
        db_default=False,
        help_text=_(
            "Organisers without it are asked to set it up before they can open the "
            "group's organiser pages."
        ),
    )
    # Whether a follow from Mastodon or Mobilizon waits for an organiser (turnout.federation).
    manually_approves_followers = models.BooleanField(
        _("approve each new follower from the fediverse"),
        default=False,
        db_default=False,
        help_text=_(
            "People following the group from Mastodon, Mobilizon and other fediverse "
            "servers wait until an organiser accepts them."
        ),
    )
    anonymise_after_days = models.PositiveSmallIntegerField(
        _("anonymise attendees after (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_(
            "Attendees' names, emails and access needs are erased this many days after "
            "each meeting; only counts are kept."
        ),
    )

    # The name as turnout.core.search reads it (" riverside tenants union"), written by
    # turnout.groups.services on every save, so that "/" finds meetings by their group.
    search_name = models.TextField(editable=False, default="", db_default="")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GroupSlug(models.Model):
    """A web address a group has had: its current one and every earlier one, kept for good.

    Printed flyers carry a QR code to ``/<group>/events/<meeting>/``; paper cannot be
    updated, so an address once used must never lead to someone else. ``slug`` is
    unique here (the database enforces it, races included): a group takes an address by
    adding a row, and only the group whose row it is may use it again (renaming back).
    An address that is not its group's current one answers 301 with the current one
    (turnout.pages.addresses). ``group`` is None once the group is deleted: the address
    then leads nowhere, and still nobody can take it. Rules: turnout.groups.addresses.
    """

    slug = models.CharField(max_length=SLUG_MAX_LENGTH, unique=True)
    group = models.ForeignKey(Group, null=True, on_delete=models.SET_NULL, related_name="addresses")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.slug


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        ORGANISER = "organiser", _("organiser")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ORGANISER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.group}"


class Invitation(models.Model):
    """An emailed invitation to become a co-organiser.

    Its link's token is an HMAC of ``token_secret`` under SECRET_KEY
    (turnout.groups.tokens), so the email can be rendered again at delivery with the
    same link while the database holds no working one; the link finds the invitation
    by the token's SHA-256 hash. Invitations made before the secret existed have none
    and keep working by their stored hash.
    """

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token_secret = models.CharField(max_length=64, blank=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "group",
                condition=models.Q(accepted_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.group}"


class Venue(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="venues")
    name = models.CharField(_("name"), max_length=120)
    address_line1 = models.CharField(_("street address"), max_length=200)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("town or city"), max_length=100)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    accessibility = models.TextField(
        _("accessibility notes"),
        blank=True,
        max_length=2000,
        validators=[MaxLengthValidator(2000)],
        help_text=_("Step-free access, toilets, hearing loop, how to find the room…"),
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="venue_coordinates_both_or_neither",
                violation_error_message=_("Give both latitude and longitude, or leave both empty."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def address_lines(self) -> list[str]:
        place = " ".join(part for part in (self.city, self.postcode) if part)
        return [p for p in (self.address_line1, self.address_line2, place, self.country) if p]

    @property
    def map_url(self) -> str:
        """An OpenStreetMap link: the pin if coordinates are known, else an address search;
        "" for a venue with neither (an empty search finds nothing)."""
        if self.latitude is not None and self.longitude is not None:
            lat, lon = self.latitude, self.longitude
            return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"
        if not self.address_lines:
            return ""
        query = urlencode({"query": ", ".join(self.address_lines)})
        return f"https://www.openstreetmap.org/search?{query}"


class AuditEntry(models.Model):
    """One thing an organiser did with personal data or with the group, for its owners.

    It names the organiser and counts, never an attendee: ``subject`` is what was acted
    on in the group's own words (a meeting's title, a role), ``count`` how many people
    it touched. Entries are deleted a year after they are made (see
    turnout.groups.audit).
    """

    class Action(models.TextChoices):
        EXPORT = "export", _("downloaded the attendee list")
        DOOR_LIST = "door_list", _("opened the door list")
        DOOR_LIST_PRINTED = "door_list_printed", _("printed the door list")
        CHECK_IN_OVERRIDE = "check_in_override", _("checked someone in by override")
        REGISTRATION_REMOVED = "registration_removed", _("removed a registration")
        REQUEST_APPROVED = "request_approved", _("approved a request for a place")
        REQUEST_DECLINED = "request_declined", _("declined a request for a place")
        INVITED = "invited", _("invited an organiser")
        JOINED = "joined", _("joined the group")
        REMOVED = "removed", _("removed an organiser")
        LEFT = "left", _("left the group")
        OWNERSHIP = "ownership", _("changed who owns the group")
        SETTINGS = "settings", _("changed the group's settings")
        MESSAGE_SENT = "message_sent", _("sent a message")
        SUBSCRIBERS_EXPORTED = "subscribers_exported", _("downloaded the subscriber list")
        SUBSCRIBERS_IMPORTED = "subscribers_imported", _("asked imported contacts to subscribe")
        EVENT_DELETED = "event_deleted", _("deleted a meeting")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="audit_entries")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The organiser's name as it was, kept if their account is later deleted.
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=32, choices=Action.choices)
    subject = models.CharField(max_length=300, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["group", "-created_at"], name="audit_group_newest")]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.get_action_display()} ({self.group})"


WAITLIST_THRESHOLD_MAX = 1000  # people: a bigger number would never be reached


class NotificationSettings(models.Model):
    """What an organiser wants to be emailed about the meetings of all their groups
    (sent by turnout.rsvp.notify). No row: the defaults, which send only "the meeting
    is full": it asks for a decision (more seats, a bigger room); the rest is opt-in.
    The labels and messages are the form's (turnout.groups.forms), which alone shows them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_settings",
    )
    daily_digest = models.BooleanField(default=False)
    meeting_full = models.BooleanField(default=True)
    waitlist = models.BooleanField(default=False)
    waitlist_threshold = models.PositiveIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(WAITLIST_THRESHOLD_MAX)],
    )
    late_cancellation = models.BooleanField(default=False)
    # The last digest's claim (turnout.rsvp.notify): at most one a day, "new" since then.
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return f"Notifications of {self.user}"
