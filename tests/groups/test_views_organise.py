"""The organiser's group pages: start and edit a group, invite co-organisers, venues."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.factories import make_group, make_user, make_venue
from tests.html import without_own_scripts
from tests.mail import outbox
from turnout.groups.models import Group, Invitation, Membership, Venue

TIME_ZONE_MESSAGE = "“%s” is not a time zone. Pick one from the list, e.g. Europe/London."
SLUG_MESSAGE = (
    "Use only lower-case letters a-z, digits and single hyphens between them, "
    "e.g. “tuesday-meeting”."
)


def group_data(**changes) -> dict:
    return {
        "name": "Tenants Union",
        "slug": "",
        "about": "We organise for decent homes.",
        "contact_email": "tenants@example.org",
        "website": "",
        "time_zone": "Europe/London",
        "language": "en",
        **changes,
    }


def field_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


# --- dashboard ---


def test_dashboard_lists_only_the_groups_i_organise(organiser_client, group):
    make_group(name="Someone Else's Group")

    html = organiser_client.get("/organise/").content.decode()

    assert '<a href="/organise/groups/uig/" dir="auto">Ukraine Information Group</a>' in html
    assert "Someone Else&#x27;s Group" not in html


def test_dashboard_of_a_new_organiser_invites_them_to_start(client, db):
    client.force_login(make_user())

    html = client.get("/organise/").content.decode()

    assert "You do not organise a group yet." in html


# --- start a group ---


def test_create_group_makes_the_slug_from_the_name(organiser_client, organiser):
    response = organiser_client.post("/organise/new-group/", group_data())

    group = Group.objects.get()
    assert group.slug == "tenants-union"
    assert response.status_code == 302
    assert response["Location"] == "/organise/groups/tenants-union/"
    assert list(Membership.objects.values_list("group__slug", "user", "role")) == [
        ("tenants-union", organiser.pk, "owner")
    ]
    page = organiser_client.get(response["Location"]).content.decode()
    assert "Your group is ready. Add a venue, then a meeting." in page


def test_create_group_with_a_taken_name_gets_the_next_free_slug(organiser_client, db):
    make_group(name="Tenants Union", slug="tenants-union")

    organiser_client.post("/organise/new-group/", group_data())

    assert Group.objects.filter(slug="tenants-union-2").exists()


def test_create_group_with_a_name_that_is_a_reserved_word_avoids_it(organiser_client, db):
    organiser_client.post("/organise/new-group/", group_data(name="Organise"))

    assert list(Group.objects.values_list("slug", flat=True)) == ["organise-2"]


def test_create_group_with_a_chosen_slug(organiser_client, db):
    organiser_client.post("/organise/new-group/", group_data(slug="tenants"))

    assert list(Group.objects.values_list("slug", flat=True)) == ["tenants"]


def test_create_group_with_website_without_scheme_assumes_https(organiser_client, db):
    organiser_client.post("/organise/new-group/", group_data(website="tenants.example.org"))

    assert Group.objects.get().website == "https://tenants.example.org"


BAD_GROUP_INPUT = [
    pytest.param({"slug": "organise"}, "slug",
                 ["“organise” is reserved by the site; choose another address."],
                 id="slug-reserved-organise"),
    pytest.param({"slug": "admin"}, "slug",
                 ["“admin” is reserved by the site; choose another address."],
                 id="slug-reserved-admin"),
    pytest.param({"slug": "a/b"}, "slug", [SLUG_MESSAGE], id="slug-slash"),
    pytest.param({"slug": ".."}, "slug", [SLUG_MESSAGE], id="slug-dotdot"),
    pytest.param({"slug": "two words"}, "slug", [SLUG_MESSAGE], id="slug-space"),
    pytest.param({"slug": "Caps"}, "slug", [SLUG_MESSAGE], id="slug-caps"),
    pytest.param({"slug": "київ"}, "slug", [SLUG_MESSAGE], id="slug-non-ascii"),
    pytest.param({"slug": "x" * 51}, "slug",
                 ["Ensure this value has at most 50 characters (it has 51)."], id="slug-long"),
    pytest.param({"time_zone": "London"}, "time_zone", [TIME_ZONE_MESSAGE % "London"],
                 id="zone-london"),
    pytest.param({"time_zone": "Mars/Base"}, "time_zone", [TIME_ZONE_MESSAGE % "Mars/Base"],
                 id="zone-mars"),
    pytest.param({"time_zone": "../etc"}, "time_zone", [TIME_ZONE_MESSAGE % "../etc"],
                 id="zone-dotdot"),
    pytest.param({"name": ""}, "name", ["This field is required."], id="name-missing"),
    pytest.param({"contact_email": "not-an-email"}, "contact_email",
                 ["Enter a valid email address."], id="email-bad"),
    pytest.param({"website": "javascript:alert(1)"}, "website", ["Enter a valid URL."],
                 id="website-javascript"),
    pytest.param({"about": "x" * 10_001}, "about",
                 ["Ensure this value has at most 10000 characters (it has 10001)."],
                 id="about-too-long"),
    pytest.param({"language": "xx"}, "language",
                 ["Select a valid choice. xx is not one of the available choices."],
                 id="language-unknown"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "field", "messages"), BAD_GROUP_INPUT)
def test_create_group_with_bad_input_shows_the_message_and_saves_nothing(
    organiser_client, organiser, table_rows, changes, field, messages
):
    before = table_rows()

    response = organiser_client.post("/organise/new-group/", group_data(**changes))

    assert response.status_code == 200
    assert dict(response.context["form"].errors) == {field: messages}
    assert f'id="id_{field}_error"' in response.content.decode()
    assert table_rows() == before


# --- edit a group ---


def test_edit_group_saves_the_changes(organiser_client, group):
    response = organiser_client.post(
        "/organise/groups/uig/edit/", group_data(name="UIG", slug="uig-london")
    )

    assert response.status_code == 302
    assert response["Location"] == "/organise/groups/uig-london/"
    group.refresh_from_db()
    assert (group.name, group.slug) == ("UIG", "uig-london")
    assert "Group saved." in organiser_client.get(response["Location"]).content.decode()


def test_edit_group_form_shows_the_saved_values(organiser_client, group):
    form = organiser_client.get("/organise/groups/uig/edit/").context["form"]

    assert (form["name"].value(), form["slug"].value()) == ("Ukraine Information Group", "uig")


def test_edit_group_needs_a_slug(organiser_client, group, table_rows):
    before = table_rows()

    response = organiser_client.post("/organise/groups/uig/edit/", group_data(slug=""))

    assert field_errors(response, "slug") == ["This field is required."]
    assert table_rows() == before


def test_edit_group_to_another_groups_slug_is_refused(organiser_client, group, table_rows):
    make_group(slug="tenants")
    before = table_rows()

    response = organiser_client.post("/organise/groups/uig/edit/", group_data(slug="tenants"))

    assert response.status_code == 200
    assert field_errors(response, "slug") == ["Another group has this web address; choose another."]
    assert table_rows() == before


@pytest.mark.parametrize(("changes", "field", "messages"), BAD_GROUP_INPUT)
def test_edit_group_with_bad_input_shows_the_message_and_changes_nothing(
    organiser_client, group, table_rows, changes, field, messages
):
    before = table_rows()

    response = organiser_client.post(
        "/organise/groups/uig/edit/", group_data(**{"slug": "uig", **changes})
    )

    assert response.status_code == 200
    assert dict(response.context["form"].errors) == {field: messages}
    assert table_rows() == before
    assert '<a href="/organise/groups/uig/" dir="auto">Ukraine Information Group</a>' in (
        response.content.decode()
    )


# --- invite a co-organiser ---


def invitation_path(message) -> str:
    (link,) = re.findall(r"http://\S+/organise/invitations/\S+/", message.body)
    return urlsplit(link).path


def test_invite_emails_a_link_to_the_invitee(organiser_client, group):
    response = organiser_client.post("/organise/groups/uig/invite/", {"email": "Taras@Example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/organise/groups/uig/people/"
    # The owner is told of it too, then the invitation goes.
    assert [m.to for m in outbox()] == [["olena@example.org"], ["taras@example.org"]]
    assert outbox()[-1].subject == "Help organise Ukraine Information Group on Turnout"
    assert outbox()[-1].reply_to == ["olena@example.org"]
    assert list(Invitation.objects.values_list("email", flat=True)) == ["taras@example.org"]
    page = organiser_client.get(response["Location"]).content.decode()
    assert "Invitation sent to taras@example.org." in page


def test_invitation_link_shows_a_button_and_accepts_only_on_post(organiser_client, group):
    organiser_client.post("/organise/groups/uig/invite/", {"email": "taras@example.org"})
    path = invitation_path(outbox()[-1])
    taras = Client()
    taras.force_login(make_user(email="taras@example.org", name="Taras"))

    page = taras.get(path)

    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Organise <bdi>Ukraine Information Group</bdi></h1>" in html
    assert (
        "<bdi>Olena Organiser</bdi> invited you to organise meetings for "
        "<bdi>Ukraine Information Group</bdi>." in html
    )
    assert '<button type="submit">Accept the invitation</button>' in html
    assert not Membership.objects.filter(user__email="taras@example.org").exists()

    response = taras.post(path)

    assert response.status_code == 302
    assert response["Location"] == "/organise/groups/uig/"
    assert list(
        Membership.objects.filter(user__email="taras@example.org").values_list(
            "group__slug", "role"
        )
    ) == [("uig", "organiser")]
    assert taras.get("/organise/groups/uig/").status_code == 200


def test_invitation_link_asks_an_anonymous_visitor_to_log_in_first(
    organiser_client, group, table_rows
):
    organiser_client.post("/organise/groups/uig/invite/", {"email": "taras@example.org"})
    path = invitation_path(outbox()[-1])
    anonymous = Client()
    before = table_rows()

    page = anonymous.get(path)
    posted = anonymous.post(path)

    assert page.status_code == posted.status_code == 200
    assert f'href="/organise/login/?next={path}"' in page.content.decode()
    assert table_rows() == before


def test_invitation_works_once(organiser_client, group):
    organiser_client.post("/organise/groups/uig/invite/", {"email": "taras@example.org"})
    path = invitation_path(outbox()[-1])
    taras = Client()
    taras.force_login(make_user(email="taras@example.org"))
    taras.post(path)

    response = taras.post(path)

    assert response.status_code == 400


@pytest.mark.parametrize("token", ["forged", "x" * 43, "..", "%2e%2e"])
def test_forged_invitation_token_shows_a_400_page(organiser_client, group, table_rows, token):
    organiser_client.post("/organise/groups/uig/invite/", {"email": "taras@example.org"})
    before = table_rows()

    for response in (
        organiser_client.get(f"/organise/invitations/{token}/"),
        organiser_client.post(f"/organise/invitations/{token}/"),
    ):
        assert response.status_code == 400
        assert "<h1>This invitation does not work</h1>" in response.content.decode()
    assert table_rows() == before


def test_invite_someone_who_already_organises_is_refused(organiser_client, group, table_rows):
    before = table_rows()

    response = organiser_client.post("/organise/groups/uig/invite/", {"email": "OLENA@example.org"})

    assert response.status_code == 200
    assert field_errors(response, "email") == ["olena@example.org already organises this group."]
    assert outbox() == []
    assert table_rows() == before


def test_invite_with_a_bad_email_is_refused(organiser_client, group, table_rows):
    before = table_rows()

    response = organiser_client.post("/organise/groups/uig/invite/", {"email": "taras"})

    assert field_errors(response, "email") == ["Enter a valid email address."]
    assert outbox() == []
    assert table_rows() == before


def test_inviting_again_replaces_the_open_invitation(organiser_client, group):
    organiser_client.post("/organise/groups/uig/invite/", {"email": "taras@example.org"})
    first = invitation_path(outbox()[-1])

    organiser_client.post("/organise/groups/uig/invite/", {"email": "taras@example.org"})

    assert Invitation.objects.count() == 1
    assert organiser_client.get(first).status_code == 400
    # The first email, if not delivered yet, never goes: its invitation is gone.
    sent = [email for email in outbox() if email.to == ["taras@example.org"]]
    assert [invitation_path(email) for email in sent] != [first]
    assert organiser_client.get(invitation_path(outbox()[-1])).status_code == 200


# --- venues ---


def venue_data(**changes) -> dict:
    return {
        "name": "Marchmont Community Centre",
        "address_line1": "62 Marchmont St",
        "address_line2": "",
        "city": "London",
        "postcode": "WC1N 1AB",
        "country": "United Kingdom",
        "accessibility": "Step-free entrance.",
        "latitude": "",
        "longitude": "",
        **changes,
    }


def test_create_venue(organiser_client, group):
    response = organiser_client.post("/organise/groups/uig/venues/new/", venue_data())

    assert response.status_code == 302
    assert response["Location"] == "/organise/groups/uig/"
    venue = Venue.objects.get()
    assert (venue.group, venue.name, venue.postcode) == (
        group,
        "Marchmont Community Centre",
        "WC1N 1AB",
    )
    assert "Venue saved." in organiser_client.get("/organise/groups/uig/").content.decode()


def test_create_venue_with_coordinates(organiser_client, group):
    organiser_client.post(
        "/organise/groups/uig/venues/new/", venue_data(latitude="51.525", longitude="-0.125")
    )

    venue = Venue.objects.get()
    assert (str(venue.latitude), str(venue.longitude)) == ("51.525000", "-0.125000")


def test_edit_venue(organiser_client, venue):
    response = organiser_client.post(
        f"/organise/groups/uig/venues/{venue.pk}/", venue_data(name="Renamed Hall")
    )

    assert response.status_code == 302
    venue.refresh_from_db()
    assert venue.name == "Renamed Hall"


BAD_VENUE_INPUT = [
    pytest.param({"latitude": "51.5"}, "longitude",
                 ["Give both latitude and longitude, or leave both empty."], id="lat-only"),
    pytest.param({"longitude": "-0.1"}, "latitude",
                 ["Give both latitude and longitude, or leave both empty."], id="lon-only"),
    pytest.param({"latitude": "91", "longitude": "0"}, "latitude",
                 ["Ensure this value is less than or equal to 90."], id="lat-too-big"),
    pytest.param({"latitude": "0", "longitude": "-181"}, "longitude",
                 ["Ensure this value is greater than or equal to -180."], id="lon-too-small"),
    pytest.param({"latitude": "north", "longitude": "0"}, "latitude", ["Enter a number."],
                 id="lat-word"),
    pytest.param({"latitude": "NaN", "longitude": "0"}, "latitude", ["Enter a number."],
                 id="lat-nan"),
    pytest.param({"name": ""}, "name", ["This field is required."], id="name-missing"),
    pytest.param({"accessibility": "x" * 2001}, "accessibility",
                 ["Ensure this value has at most 2000 characters (it has 2001)."],
                 id="accessibility-too-long"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "field", "messages"), BAD_VENUE_INPUT)
def test_create_venue_with_bad_input_shows_the_message_and_saves_nothing(
    organiser_client, group, table_rows, changes, field, messages
):
    before = table_rows()

    response = organiser_client.post("/organise/groups/uig/venues/new/", venue_data(**changes))

    assert response.status_code == 200
    assert dict(response.context["form"].errors) == {field: messages}
    assert table_rows() == before


@pytest.mark.parametrize(("changes", "field", "messages"), BAD_VENUE_INPUT)
def test_edit_venue_with_bad_input_shows_the_message_and_changes_nothing(
    organiser_client, venue, table_rows, changes, field, messages
):
    before = table_rows()

    response = organiser_client.post(
        f"/organise/groups/uig/venues/{venue.pk}/", venue_data(**changes)
    )

    assert response.status_code == 200
    assert dict(response.context["form"].errors) == {field: messages}
    assert table_rows() == before
    assert "<h1><bdi>Community Centre</bdi></h1>" in response.content.decode()


def test_venue_of_another_group_is_not_found_under_this_group(organiser_client, group, table_rows):
    theirs = make_venue(group=make_group(), name="Their Hall")
    before = table_rows()

    get = organiser_client.get(f"/organise/groups/uig/venues/{theirs.pk}/")
    post = organiser_client.post(f"/organise/groups/uig/venues/{theirs.pk}/", venue_data())

    assert get.status_code == post.status_code == 404
    assert table_rows() == before


@pytest.mark.parametrize("pk", ["0", "99999999999999999999"])
def test_unknown_venue_is_not_found(organiser_client, group, pk):
    response = organiser_client.get(f"/organise/groups/uig/venues/{pk}/")

    assert response.status_code == 404


def test_group_settings_render_hostile_text_harmless(organiser_client, group):
    response = organiser_client.post(
        "/organise/groups/uig/venues/new/",
        venue_data(name="<script>alert(1)</script>", latitude="1"),
    )

    html = response.content.decode()
    assert "<script>" not in html
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_organiser_pages_render_hostile_text_harmless(client, db):
    script = "<script>alert(1)</script>"
    client.force_login(make_user(name=script))
    client.post(
        "/organise/new-group/",
        group_data(name=script, slug="hostile", about="[x](javascript:alert(1))"),
    )
    client.post("/organise/groups/hostile/venues/new/", venue_data(name=script, city=script))
    venue = Venue.objects.get()
    client.post(
        "/organise/groups/hostile/events/new/",
        {
            "title": script,
            "tagline": script,
            "slug": "meeting",
            "description": script,
            "start_date": "2030-06-11",
            "start_time": "19:00",
            "end_time": "21:00",
            "time_zone": "Europe/London",
            "language": "en",
            "venue": str(venue.pk),
        },
    )

    for path in (
        "/organise/",
        "/organise/groups/hostile/",
        "/organise/groups/hostile/edit/",
        f"/organise/groups/hostile/venues/{venue.pk}/",
        "/organise/groups/hostile/events/meeting/",
        "/organise/groups/hostile/events/meeting/cancel/",
    ):
        html = client.get(path).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
        assert "<script" not in without_own_scripts(html), path


# --- an invitation is for the address it was sent to (issue 15, finding 1) ---


def test_invitation_sent_to_another_address_cannot_be_accepted(organiser_client, group, table_rows):
    """The attack as found: an attacker holding co@'s link POSTs it while logged in."""
    organiser_client.post("/organise/groups/uig/invite/", {"email": "co@example.org"})
    path = invitation_path(outbox()[-1])
    attacker = Client()
    attacker.force_login(make_user(email="attacker@example.org", name="Mallory"))
    before = table_rows()

    page = attacker.get(path)
    posted = attacker.post(path)

    for response in (page, posted):
        html = response.content.decode()
        assert "This invitation was sent to c•@example.org" in html
        assert "Accept the invitation" not in html
        assert "co@example.org" not in html
    assert (page.status_code, posted.status_code) == (200, 403)
    assert table_rows() == before
    assert attacker.get("/organise/groups/uig/").status_code == 404
    assert attacker.get("/organise/groups/uig/events/").status_code == 404


def test_invitation_is_accepted_by_the_invited_address_in_any_case(organiser_client, group):
    organiser_client.post("/organise/groups/uig/invite/", {"email": "co@example.org"})
    path = invitation_path(outbox()[-1])
    co = Client()
    co.force_login(make_user(email="CO@Example.ORG"))

    response = co.post(path)

    assert response.status_code == 302
    assert co.get("/organise/groups/uig/").status_code == 200


def test_invitation_needs_the_address_verified(organiser_client, group, table_rows):
    organiser_client.post("/organise/groups/uig/invite/", {"email": "co@example.org"})
    path = invitation_path(outbox()[-1])
    unverified = Client()
    unverified.force_login(make_user(email="co@example.org", verified=False))
    before = table_rows()

    response = unverified.post(path)

    assert response.status_code == 403
    assert "Confirm your email address first" in response.content.decode()
    assert table_rows() == before
