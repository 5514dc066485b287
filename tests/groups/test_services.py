"""Organiser accounts, groups, co-organiser invitations and venues: the write rules."""

import datetime as dt
import hashlib
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from tests.concurrency import race
from tests.factories import make_group, make_user, make_venue
from tests.mail import outbox
from turnout.core.slugs import RESERVED_GROUP_SLUGS
from turnout.groups import services as groups
from turnout.groups.models import Group, Invitation, Membership, User, Venue
from turnout.groups.tokens import email_verification_token

pytestmark = pytest.mark.django_db

INVALID_SLUG = (
    "Use only lower-case letters a-z, digits and single hyphens between them, "
    "e.g. “tuesday-meeting”."
)
# SlugField's own validator speaks first where it also refuses (forms show only ours).
DJANGO_INVALID_SLUG = "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."


def _links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", text)


def _group_fields(**fields) -> dict:
    return {"contact_email": "uig@example.org", "time_zone": "Europe/London", **fields}


# Sign-up and email verification


def test_sign_up_creates_an_unverified_organiser():
    user = groups.sign_up(email="Taras@Example.org", name="Taras", password="a long passphrase")

    user = User.objects.get(pk=user.pk)
    assert (user.email, user.name, user.email_verified) == ("taras@example.org", "Taras", False)
    assert user.check_password("a long passphrase")


def test_sign_up_sends_one_email_with_a_verify_link_in_both_parts():
    user = groups.sign_up(email="taras@example.org", name="Taras", password="a long passphrase")

    assert len(outbox()) == 1
    message = outbox()[0]
    assert message.to == ["taras@example.org"]
    [link] = _links(message.body)
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert _links(html) == [link]
    prefix = f"{settings.BASE_URL}/organise/verify/"
    assert link.startswith(prefix)
    uidb64, token = link.removeprefix(prefix).rstrip("/").split("/")
    assert force_str(urlsafe_base64_decode(uidb64)) == str(user.pk)
    assert email_verification_token.check_token(user, token)


def test_sign_up_with_a_taken_email_creates_nothing_and_tells_the_account(organiser):
    password = User.objects.get().password

    made = groups.sign_up(email="OLENA@example.org", name="Other", password="a long passphrase")

    assert made is None
    assert list(User.objects.values_list("email", "name", "password")) == [
        ("olena@example.org", "Olena Organiser", password)
    ]
    assert [(m.to, m.subject) for m in outbox()] == [
        (["olena@example.org"], "Someone tried to sign up to Turnout with your address")
    ]


def test_verify_email_marks_the_email_verified_and_spends_the_link():
    user = groups.sign_up(email="taras@example.org", name="Taras", password="a long passphrase")
    token = email_verification_token.make_token(user)

    groups.verify_email(user=user)

    assert User.objects.get(pk=user.pk).email_verified is True
    assert email_verification_token.check_token(user, token) is False


# Groups


def test_create_group_makes_the_creator_its_owner(organiser):
    group = groups.create_group(owner=organiser, name="Riverside Tenants", **_group_fields())

    memberships = list(Membership.objects.filter(group=group).values_list("user", "role"))
    assert memberships == [(organiser.pk, Membership.Role.OWNER)]


def test_create_group_makes_a_slug_from_the_name(organiser):
    group = groups.create_group(
        owner=organiser, name="Riverside Tenants’ Union!", **_group_fields()
    )

    assert group.slug == "riverside-tenants-union"


def test_create_group_keeps_a_given_slug(organiser):
    group = groups.create_group(owner=organiser, name="Riverside", slug="rtu", **_group_fields())

    assert group.slug == "rtu"


def test_create_group_with_a_ukrainian_name_falls_back_and_de_duplicates(organiser):
    first = groups.create_group(owner=organiser, name="Група підтримки", **_group_fields())
    second = groups.create_group(owner=organiser, name="Київська громада", **_group_fields())

    assert (first.slug, second.slug) == ("group", "group-2")


def test_create_group_de_duplicates_a_slug_from_the_same_name(organiser):
    slugs = [
        groups.create_group(owner=organiser, name="Tenants", **_group_fields()).slug
        for _ in range(3)
    ]

    assert slugs == ["tenants", "tenants-2", "tenants-3"]


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Admin", "admin-2"), ("Organise", "organise-2"), ("Events", "events-2"), ("U", "u-2")],
)
def test_create_group_never_picks_a_reserved_slug(organiser, name, slug):
    group = groups.create_group(owner=organiser, name=name, **_group_fields())

    assert group.slug == slug
    assert group.slug not in RESERVED_GROUP_SLUGS


def test_create_group_refuses_a_reserved_slug_and_creates_nothing(organiser):
    with pytest.raises(ValidationError) as exc:
        groups.create_group(owner=organiser, name="Admins", slug="admin", **_group_fields())

    assert exc.value.message_dict == {
        "slug": ["“admin” is reserved by the site; choose another address."]
    }
    assert Group.objects.count() == 0
    assert Membership.objects.count() == 0


def test_create_group_refuses_a_taken_slug(organiser, group):
    with pytest.raises(ValidationError) as exc:
        groups.create_group(owner=organiser, name="Another", slug=group.slug, **_group_fields())

    assert exc.value.message_dict == {"slug": ["Group with this Web address already exists."]}
    assert Group.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"slug": "admin"},
            {"slug": ["“admin” is reserved by the site; choose another address."]},
        ),
        ({"slug": "../etc"}, {"slug": [DJANGO_INVALID_SLUG, INVALID_SLUG]}),
        ({"slug": "київ"}, {"slug": [DJANGO_INVALID_SLUG, INVALID_SLUG]}),
        ({"slug": "Upper-Case"}, {"slug": [INVALID_SLUG]}),
        (
            {"time_zone": "London"},
            {
                "time_zone": [
                    "“London” is not a time zone. Pick one from the list, e.g. Europe/London."
                ]
            },
        ),
        (
            {"website": "javascript:alert(1)"},
            {
                "website": [
                    "Enter a valid URL.",
                    "Enter a web address starting with https:// or http://.",
                ]
            },
        ),
        (
            {"website": "ftp://example.org/file"},
            {"website": ["Enter a web address starting with https:// or http://."]},
        ),
        ({"contact_email": "not an email"}, {"contact_email": ["Enter a valid email address."]}),
        (
            {"about": "x" * 10_001},
            {"about": ["Ensure this value has at most 10000 characters (it has 10001)."]},
        ),
    ],
)
def test_update_group_refuses_bad_input_and_changes_nothing(group, fields, errors):
    before = Group.objects.filter(pk=group.pk).values().get()

    with pytest.raises(ValidationError) as exc:
        groups.update_group(group=group, name="Renamed", **fields)

    assert exc.value.message_dict == errors
    assert Group.objects.filter(pk=group.pk).values().get() == before
    group.refresh_from_db()
    assert (group.name, group.slug) == ("Ukraine Information Group", "uig")


def test_update_group_saves_good_changes(group):
    groups.update_group(
        group=group, name="UIG London", website="https://example.org", time_zone="Europe/Kyiv"
    )

    group.refresh_from_db()
    assert (group.name, group.website, group.time_zone) == (
        "UIG London",
        "https://example.org",
        "Europe/Kyiv",
    )


# Invitations


def _invitation_token() -> str:
    [link] = _links(outbox()[-1].body)
    prefix = f"{settings.BASE_URL}/organise/invitations/"
    assert link.startswith(prefix)
    return link.removeprefix(prefix).rstrip("/")


def test_invite_organiser_emails_a_link(group, organiser):
    groups.invite_organiser(group=group, email="Taras@Example.org", invited_by=organiser)

    # The owners are told too (tests/groups/test_roles.py); the invitation goes last.
    assert [m.to for m in outbox()] == [["olena@example.org"], ["taras@example.org"]]
    message = outbox()[-1]
    assert message.reply_to == ["olena@example.org"]
    token = _invitation_token()
    [(html, _mimetype)] = message.alternatives
    assert f"{settings.BASE_URL}/organise/invitations/{token}/" in html


def test_invite_organiser_stores_only_a_hash_of_the_token(group, organiser):
    groups.invite_organiser(group=group, email="taras@example.org", invited_by=organiser)
    token = _invitation_token()

    invitation = Invitation.objects.get()

    assert invitation.email == "taras@example.org"
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash
    stored = " ".join(str(value) for value in Invitation.objects.values().get().values())
    assert token not in stored


def test_invite_organiser_again_replaces_the_open_invitation(group, organiser):
    groups.invite_organiser(group=group, email="taras@example.org", invited_by=organiser)
    first = _invitation_token()
    groups.invite_organiser(group=group, email="TARAS@example.org", invited_by=organiser)
    second = _invitation_token()

    assert Invitation.objects.count() == 1
    with pytest.raises(groups.InvitationInvalid):
        groups.find_invitation(token=first)
    assert groups.find_invitation(token=second).email == "taras@example.org"


def test_invite_organiser_refuses_someone_who_already_organises_the_group(group, organiser):
    with pytest.raises(ValidationError) as exc:
        groups.invite_organiser(group=group, email="OLENA@example.org", invited_by=organiser)

    assert exc.value.message_dict == {"email": ["olena@example.org already organises this group."]}
    assert Invitation.objects.count() == 0
    assert outbox() == []


def test_accept_invitation_makes_an_organiser_membership(group, organiser):
    groups.invite_organiser(group=group, email="taras@example.org", invited_by=organiser)
    taras = make_user(email="taras@example.org")

    membership = groups.accept_invitation(token=_invitation_token(), user=taras)

    assert (membership.group, membership.user, membership.role) == (
        group,
        taras,
        Membership.Role.ORGANISER,
    )
    assert Invitation.objects.get().accepted_at is not None


def test_accept_invitation_twice_is_refused(group, organiser):
    groups.invite_organiser(group=group, email="taras@example.org", invited_by=organiser)
    token = _invitation_token()
    groups.accept_invitation(token=token, user=make_user(email="taras@example.org"))

    with pytest.raises(groups.InvitationInvalid):
        groups.accept_invitation(token=token, user=make_user(email="mallory@example.org"))

    assert Membership.objects.filter(group=group).count() == 2


def test_accept_invitation_after_it_expired_is_refused(group, organiser):
    groups.invite_organiser(group=group, email="taras@example.org", invited_by=organiser)
    Invitation.objects.update(created_at=timezone.now() - dt.timedelta(days=15))
    taras = make_user(email="taras@example.org")

    with pytest.raises(groups.InvitationInvalid):
        groups.accept_invitation(token=_invitation_token(), user=taras)

    assert not Membership.objects.filter(user=taras).exists()
    assert Invitation.objects.get().accepted_at is None


def test_accept_invitation_just_before_it_expires_works(group, organiser):
    groups.invite_organiser(group=group, email="taras@example.org", invited_by=organiser)
    Invitation.objects.update(created_at=timezone.now() - dt.timedelta(days=13, hours=23))

    membership = groups.accept_invitation(
        token=_invitation_token(), user=make_user(email="taras@example.org")
    )

    assert membership.role == Membership.Role.ORGANISER


@pytest.mark.parametrize("token", ["", "forged", "x" * 43])
def test_accept_invitation_with_a_forged_token_is_refused(group, token):
    with pytest.raises(groups.InvitationInvalid):
        groups.accept_invitation(token=token, user=make_user())


def test_accept_invitation_by_someone_made_owner_meanwhile_keeps_them_owner(group, organiser):
    groups.invite_organiser(group=group, email="taras@example.org", invited_by=organiser)
    taras = make_user(email="taras@example.org")
    Membership.objects.create(group=group, user=taras, role=Membership.Role.OWNER)

    membership = groups.accept_invitation(token=_invitation_token(), user=taras)

    assert membership.role == Membership.Role.OWNER


def test_accept_invitation_sent_to_another_address_is_refused(group, organiser):
    groups.invite_organiser(group=group, email="co@example.org", invited_by=organiser)

    with pytest.raises(groups.InvitationForAnotherAddress) as caught:
        groups.accept_invitation(token=_invitation_token(), user=organiser)

    assert caught.value.masked == "c•@example.org"
    assert Invitation.objects.get().accepted_at is None
    assert list(Membership.objects.values_list("user__email", "role")) == [
        ("olena@example.org", Membership.Role.OWNER)
    ]


def test_accept_invitation_with_the_address_unverified_is_refused(group, organiser):
    groups.invite_organiser(group=group, email="co@example.org", invited_by=organiser)
    co = make_user(email="co@example.org", verified=False)

    with pytest.raises(ValidationError):
        groups.accept_invitation(token=_invitation_token(), user=co)

    assert Invitation.objects.get().accepted_at is None
    assert not Membership.objects.filter(user=co).exists()


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("co@example.org", "c•@example.org"),
        ("a@b.c", "a•@b.c"),
        ("Юлія@приклад.укр", "Ю•@приклад.укр"),
        ("<script>@x.org", "<•@x.org"),
    ],
)
def test_masked_email_shows_the_first_letter_and_the_domain(email, masked):
    assert groups.masked_email(email) == masked


# Venues


def test_create_venue_saves_it_for_the_group(group):
    venue = groups.create_venue(
        group=group,
        name="Community Centre",
        address_line1="62 Marchmont St",
        city="London",
        postcode="WC1N 1AB",
        latitude=Decimal("51.524"),
        longitude=Decimal("-0.124"),
    )

    venue = Venue.objects.get(pk=venue.pk)
    assert (venue.group, venue.latitude, venue.longitude) == (
        group,
        Decimal("51.524000"),
        Decimal("-0.124000"),
    )


@pytest.mark.parametrize(
    ("coordinates", "errors"),
    [
        (
            {"latitude": Decimal("91"), "longitude": Decimal("0")},
            {"latitude": ["Ensure this value is less than or equal to 90."]},
        ),
        (
            {"latitude": Decimal("-90.5"), "longitude": Decimal("0")},
            {"latitude": ["Ensure this value is greater than or equal to -90."]},
        ),
        (
            {"latitude": Decimal("0"), "longitude": Decimal("180.1")},
            {"longitude": ["Ensure this value is less than or equal to 180."]},
        ),
    ],
)
def test_create_venue_refuses_coordinates_off_the_globe(group, coordinates, errors):
    with pytest.raises(ValidationError) as exc:
        make_venue(group=group, **coordinates)

    assert exc.value.message_dict == errors
    assert Venue.objects.count() == 0


@pytest.mark.parametrize(
    "coordinates", [{"latitude": Decimal("51.5")}, {"longitude": Decimal("-0.1")}]
)
def test_create_venue_refuses_one_coordinate_without_the_other(group, coordinates):
    with pytest.raises(ValidationError) as exc:
        make_venue(group=group, **coordinates)

    assert exc.value.message_dict == {
        NON_FIELD_ERRORS: ["Give both latitude and longitude, or leave both empty."]
    }
    assert Venue.objects.count() == 0


def test_create_venue_refuses_accessibility_notes_over_the_limit(group):
    with pytest.raises(ValidationError) as exc:
        make_venue(group=group, accessibility="x" * 2001)

    assert exc.value.message_dict == {
        "accessibility": ["Ensure this value has at most 2000 characters (it has 2001)."]
    }
    assert Venue.objects.count() == 0


def test_update_venue_refuses_bad_coordinates_and_changes_nothing(venue):
    with pytest.raises(ValidationError) as exc:
        groups.update_venue(venue=venue, name="Renamed", latitude=Decimal("51.5"))

    assert exc.value.messages == ["Give both latitude and longitude, or leave both empty."]
    venue.refresh_from_db()
    assert (venue.name, venue.latitude, venue.longitude) == ("Community Centre", None, None)


def test_update_venue_saves_both_coordinates(venue):
    groups.update_venue(venue=venue, latitude=Decimal("51.5"), longitude=Decimal("-0.1"))

    venue.refresh_from_db()
    assert (venue.latitude, venue.longitude) == (Decimal("51.500000"), Decimal("-0.100000"))


def test_update_venue_refuses_a_missing_street_address(venue):
    with pytest.raises(ValidationError) as exc:
        groups.update_venue(venue=venue, address_line1="")

    assert exc.value.message_dict == {"address_line1": ["This field cannot be blank."]}
    venue.refresh_from_db()
    assert venue.address_line1 == "62 Marchmont St"


def test_make_group_fixture_is_owned_by_the_organiser(group, organiser):
    assert list(group.memberships.values_list("user__email", "role")) == [
        ("olena@example.org", "owner")
    ]
    assert make_group().memberships.get().role == Membership.Role.OWNER


@pytest.mark.django_db(transaction=True)
def test_sign_up_with_one_new_address_at_the_same_moment_makes_one_account():
    def sign_up(i: int):
        return groups.sign_up(
            email="same@example.org", name=f"Person {i}", password="a-long-passphrase"
        )

    results = race(6, sign_up)

    assert User.objects.filter(email="same@example.org").count() == 1
    assert sum(result is not None for result in results) == 1
