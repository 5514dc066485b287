"""A group's addresses are kept for good: through the services, the organiser's form and
the instance admin's pages, and after the group is deleted."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.concurrency import race
from tests.factories import make_group, make_user
from turnout.groups import addresses
from turnout.groups import services as groups
from turnout.groups.models import Group, GroupSlug

KEPT = (
    "The address “{}” was used by another group and stays theirs, so that old links and "
    "printed QR codes never lead to someone else. Choose another address."
)
SLUG_MESSAGE = (
    "Use only lower-case letters a-z, digits and single hyphens between them, "
    "e.g. “tuesday-meeting”."
)


def kept(group: Group | None = None) -> list[str]:
    rows = GroupSlug.objects.all() if group is None else group.addresses.all()
    return list(rows.order_by("slug").values_list("slug", flat=True))


def group_data(**changes) -> dict:
    return {
        "name": "Ukraine Information Group",
        "slug": "uig",
        "about": "",
        "contact_email": "uig@example.org",
        "website": "",
        "time_zone": "Europe/London",
        "language": "en",
        **changes,
    }


# --- the services ---


def test_a_new_group_keeps_its_address(group):
    assert kept(group) == ["uig"]


def test_renaming_keeps_the_old_address_as_the_groups(group):
    groups.update_group(group=group, slug="uig-london")
    groups.update_group(group=group, slug="uig-kyiv")

    assert kept(group) == ["uig", "uig-kyiv", "uig-london"]
    assert addresses.group_at(slug="uig") == group
    assert addresses.group_at(slug="uig-london") == group


def test_a_group_may_take_its_old_address_back(group):
    groups.update_group(group=group, slug="uig-london")

    groups.update_group(group=group, slug="uig")

    group.refresh_from_db()
    assert group.slug == "uig"
    assert kept(group) == ["uig", "uig-london"]


def test_another_group_cannot_be_created_with_an_old_address(group, table_rows):
    groups.update_group(group=group, slug="uig-london")
    attacker = make_user(email="attacker@example.org")
    before = table_rows()

    with pytest.raises(ValidationError) as refused:
        groups.create_group(owner=attacker, name="UIG", slug="uig", contact_email="a@b.org")

    assert refused.value.message_dict == {"slug": [KEPT.format("uig")]}
    assert table_rows() == before


def test_another_group_cannot_rename_itself_to_an_old_address(group):
    other = make_group(slug="tenants")
    groups.update_group(group=group, slug="uig-london")

    with pytest.raises(ValidationError) as refused:
        groups.update_group(group=other, slug="uig")

    assert refused.value.message_dict == {"slug": [KEPT.format("uig")]}
    other.refresh_from_db()
    assert (other.slug, kept(other)) == ("tenants", ["tenants"])


def test_a_deleted_groups_addresses_stay_kept_with_no_group(group):
    groups.update_group(group=group, slug="uig-london")

    group.delete()

    assert list(GroupSlug.objects.order_by("slug").values_list("slug", "group")) == [
        ("uig", None),
        ("uig-london", None),
    ]
    assert addresses.group_at(slug="uig") is None
    for slug in ("uig", "uig-london"):
        with pytest.raises(ValidationError) as refused:
            make_group(slug=slug)
        assert refused.value.message_dict == {"slug": [KEPT.format(slug)]}


def test_a_group_made_without_the_services_keeps_its_address_when_deleted(db):
    """A group saved directly (an old database, a script) still leaves its address kept."""
    Group.objects.create(name="Old", slug="old-group", contact_email="old@example.org")

    Group.objects.get(slug="old-group").delete()

    assert list(GroupSlug.objects.values_list("slug", "group")) == [("old-group", None)]


def test_a_group_made_without_the_services_keeps_its_address_when_renamed(db):
    made = Group.objects.create(name="Old", slug="old-group", contact_email="old@example.org")

    groups.update_group(group=made, slug="new-group")

    assert kept(made) == ["new-group", "old-group"]


def test_an_address_made_from_the_name_skips_old_addresses(group):
    groups.update_group(group=group, slug="uig-london")

    new = groups.create_group(
        owner=make_user(), name="UIG", slug="", contact_email="uig@example.org"
    )

    assert new.slug == "uig-2"


def test_keeping_an_address_another_group_holds_is_refused(group):
    """The race the check before saving cannot see: the database's unique row decides."""
    other = make_group(slug="tenants")

    with pytest.raises(ValidationError) as refused:
        addresses.keep(group=other, slugs=["uig"])

    assert refused.value.message_dict == {"slug": [KEPT.format("uig")]}


def test_reserved_words_stay_reserved(group):
    with pytest.raises(ValidationError) as refused:
        groups.update_group(group=group, slug="organise")

    assert refused.value.message_dict == {
        "slug": ["“organise” is reserved by the site; choose another address."]
    }
    assert kept() == ["uig"]


# --- the organiser's form ---


def test_the_form_refuses_another_groups_old_address_and_changes_nothing(
    organiser_client, group, table_rows
):
    make_group(slug="riverside-tenants")
    groups.update_group(group=Group.objects.get(slug="riverside-tenants"), slug="riverside")
    before = table_rows()

    response = organiser_client.post(
        "/organise/groups/uig/edit/", group_data(slug="riverside-tenants")
    )

    assert response.status_code == 200
    assert dict(response.context["form"].errors) == {"slug": [KEPT.format("riverside-tenants")]}
    assert table_rows() == before


def test_the_new_group_form_refuses_a_deleted_groups_address(organiser_client, table_rows):
    make_group(slug="riverside-tenants").delete()
    before = table_rows()

    response = organiser_client.post("/organise/new-group/", group_data(slug="riverside-tenants"))

    assert response.status_code == 200
    assert dict(response.context["form"].errors) == {"slug": [KEPT.format("riverside-tenants")]}
    assert table_rows() == before


def test_the_form_lets_a_group_take_its_old_address_back(organiser_client, group):
    organiser_client.post("/organise/groups/uig/edit/", group_data(slug="uig-london"))

    response = organiser_client.post("/organise/groups/uig-london/edit/", group_data(slug="uig"))

    assert response.status_code == 302
    assert response["Location"] == "/organise/groups/uig/"
    assert Client().get("/uig/").status_code == 200


HOSTILE = [
    ("a/b", SLUG_MESSAGE), ("..", SLUG_MESSAGE), ("../etc", SLUG_MESSAGE),
    ("UIG-OLD", SLUG_MESSAGE), ("uig-old ", None), ("київ", SLUG_MESSAGE),
    ("uig_old", SLUG_MESSAGE), ("uig%2Fold", SLUG_MESSAGE), ("x" * 51, None),
    ("admin", "“admin” is reserved by the site; choose another address."),
    ("uig-old", KEPT.format("uig-old")),
]  # fmt: skip


@pytest.mark.parametrize(("slug", "message"), HOSTILE)
def test_hostile_addresses_are_refused_and_change_nothing(
    organiser_client, table_rows, slug, message
):
    old = make_group(slug="uig-old")
    groups.update_group(group=old, slug="uig-new")
    make_group(owner=Group.objects.get(slug="uig-new").memberships.get().user, slug="mine")
    organiser_client.force_login(Group.objects.get(slug="mine").memberships.get().user)
    before = table_rows()

    response = organiser_client.post(
        "/organise/groups/mine/edit/", group_data(name="Mine", slug=slug)
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["slug"]
    assert len(errors) == 1
    if message:
        assert errors == [message]
    assert table_rows() == before


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(slug=st.text(max_size=60))
def test_any_text_as_an_address_is_saved_or_refused_never_a_5xx(organiser_client, group, slug):
    now = Group.objects.get(pk=group.pk).slug  # examples share the database: one may rename
    response = organiser_client.post(f"/organise/groups/{now}/edit/", group_data(slug=slug))

    assert response.status_code in (200, 302)
    if response.status_code == 302:
        current = Group.objects.get(pk=group.pk).slug
        assert set(kept(group)) >= {current}
        assert response["Location"] == f"/organise/groups/{current}/"


# --- the instance admin ---


@pytest.fixture
def admin_client(db):
    admin = make_user(email="admin@example.org", name="Admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    return client


def admin_group_data(group: Group, **changes) -> dict:
    return {
        "name": group.name,
        "slug": group.slug,
        "about": group.about,
        "contact_email": group.contact_email,
        "website": "",
        "time_zone": group.time_zone,
        "language": group.language,
        "created_at_0": "2026-01-01",
        "created_at_1": "10:00:00",
        "anonymise_after_days": "90",
        "daily_email_quota": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "addresses-TOTAL_FORMS": "0",
        "addresses-INITIAL_FORMS": "0",
        **changes,
    }


def test_the_admin_renaming_a_group_keeps_its_old_address(admin_client, group):
    response = admin_client.post(
        f"/admin/groups/group/{group.pk}/change/", admin_group_data(group, slug="uig-london")
    )

    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.slug, kept(group)) == ("uig-london", ["uig", "uig-london"])
    moved = Client().get("/uig/")
    assert (moved.status_code, moved["Location"]) == (301, "/uig-london/")


def test_the_admin_cannot_give_a_group_another_groups_old_address(admin_client, group, table_rows):
    groups.update_group(group=group, slug="uig-london")
    before = table_rows()

    response = admin_client.post("/admin/groups/group/add/", admin_group_data(group, slug="uig"))

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors["slug"]) == [KEPT.format("uig")]
    assert table_rows() == before


def test_the_admin_deleting_a_group_keeps_its_address(admin_client, group):
    response = admin_client.post(f"/admin/groups/group/{group.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert Group.objects.exists() is False
    assert list(GroupSlug.objects.values_list("slug", "group")) == [("uig", None)]


def test_the_admins_group_page_lists_the_addresses_kept_for_it(admin_client, group):
    groups.update_group(group=group, slug="uig-london")

    response = admin_client.get(f"/admin/groups/group/{group.pk}/change/")

    assert response.status_code == 200
    inline = next(f for f in response.context["inline_admin_formsets"] if f.opts.model is GroupSlug)
    assert [form.original.slug for form in inline if form.original] == ["uig", "uig-london"]


@pytest.mark.django_db(transaction=True)
def test_two_new_groups_asking_for_one_address_at_once_make_one_and_a_message():
    clients = []
    for n in range(4):
        client = Client()
        client.force_login(make_user(email=f"founder{n}@example.org"))
        clients.append(client)

    def found_group(i: int):
        response = clients[i].post("/organise/new-group/", group_data(slug="same-address"))
        return response.status_code, response.content.decode()

    answers = race(4, found_group)

    assert sorted(status for status, _page in answers) == [200, 200, 200, 302]
    refused = [page for status, page in answers if status == 200]
    assert all("same-address" in page and 'class="errorlist' in page for page in refused)
    assert Group.objects.filter(slug="same-address").count() == 1
