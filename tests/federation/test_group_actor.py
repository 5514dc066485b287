"""Each group is an ActivityPub ``Group`` actor at ``/federation/groups/<federation_id>/``.

The type and the seven collections come from what Mobilizon's actor converter reads
(framasoft/mobilizon lib/federation/activity_stream/converter/actor.ex,
``as_to_model_data``: members, resources, todos, events, posts, discussions besides the
outbox); Mastodon reads the rest (mastodon/mastodon
app/services/activitypub/process_account_service.rb): preferredUsername, name,
summary, icon, url, inbox, outbox, followers, endpoints.sharedInbox, publicKey,
manuallyApprovesFollowers, discoverable, published.
"""

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import make_event, make_group, make_user
from tests.pictures import picture
from turnout.core import pictures
from turnout.federation.models import Follower
from turnout.groups import services as groups

pytestmark = pytest.mark.django_db
AP = "application/activity+json"
COLLECTIONS = ("members", "resources", "todos", "posts", "events", "discussions")


def actor_id(group) -> str:
    return f"{settings.BASE_URL}/federation/groups/{group.federation_id}/"


def fetch(client, url: str):
    response = client.get(url.removeprefix(settings.BASE_URL), HTTP_ACCEPT=AP)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == AP
    return json.loads(response.content)


def test_the_group_actor_has_every_field_the_peers_read(client):
    group = make_group(name="Riverside Tenants", slug="riverside-tenants", about="We *organise*.")

    actor = fetch(client, actor_id(group))

    base = actor_id(group)
    assert actor["id"] == base
    assert actor["type"] == "Group"
    assert actor["preferredUsername"] == "riverside-tenants"
    assert actor["name"] == "Riverside Tenants"
    assert actor["summary"] == '<p dir="auto">We <em>organise</em>.</p>\n'
    assert actor["url"] == f"{settings.BASE_URL}/riverside-tenants/"
    assert actor["inbox"] == base + "inbox/"
    assert actor["outbox"] == base + "outbox/"
    assert actor["followers"] == base + "followers/"
    assert actor["endpoints"] == {"sharedInbox": f"{settings.BASE_URL}/federation/inbox/"}
    assert actor["manuallyApprovesFollowers"] is False
    assert actor["discoverable"] is True
    assert actor["published"] == group.created_at.isoformat().replace("+00:00", "Z")
    assert "icon" not in actor
    for name in COLLECTIONS:
        assert actor[name] == base + name + "/"


def test_the_actor_summary_is_sanitised(client):
    group = make_group(about='Hello <script>alert(1)</script><a href="javascript:x">x</a>')

    actor = fetch(client, actor_id(group))

    assert "<script" not in actor["summary"]
    assert '<a href="javascript' not in actor["summary"]


def test_the_actor_public_key_is_rsa_2048_and_stays_the_same(client):
    group = make_group()

    first = fetch(client, actor_id(group))["publicKey"]
    second = fetch(client, actor_id(group))["publicKey"]

    assert first == second
    assert first["id"] == actor_id(group) + "#main-key"
    assert first["owner"] == actor_id(group)
    key = load_pem_public_key(first["publicKeyPem"].encode())
    assert isinstance(key, rsa.RSAPublicKey)
    assert key.key_size == 2048


def test_the_actor_icon_is_the_group_picture(client):
    group = make_group()
    upload = SimpleUploadedFile("p.png", picture(), content_type="image/png")
    pictures.attach(group, upload=upload, alt_text="Our banner")
    group.refresh_from_db()

    actor = fetch(client, actor_id(group))

    assert actor["icon"]["type"] == "Image"
    assert actor["icon"]["mediaType"] == "image/jpeg"
    assert actor["icon"]["url"].startswith(settings.BASE_URL + "/")
    assert actor["icon"]["url"].endswith(".jpg")


def test_manually_approves_followers_follows_the_group_setting(client):
    group = make_group()
    groups.update_group(group=group, manually_approves_followers=True)

    assert fetch(client, actor_id(group))["manuallyApprovesFollowers"] is True


def test_the_actor_keeps_its_id_when_the_slug_changes(client):
    group = make_group(slug="old-name")
    before = fetch(client, actor_id(group))["id"]

    groups.update_group(group=group, slug="new-name")
    after = fetch(client, actor_id(group))

    assert after["id"] == before
    assert after["preferredUsername"] == "new-name"


def test_no_actor_json_holds_organisers_names_or_emails(client):
    owner = make_user(email="olena.private@example.org", name="Olena Kovalenko")
    group = make_group(owner=owner, contact_email="contact.private@example.org")
    make_event(group=group)

    texts = [
        client.get(url, HTTP_ACCEPT=AP).content.decode()
        for url in (
            actor_id(group).removeprefix(settings.BASE_URL),
            f"/{group.slug}/",
            "/federation/actor/",
            f"/federation/groups/{group.federation_id}/followers/",
            f"/federation/groups/{group.federation_id}/outbox/",
            f"/federation/groups/{group.federation_id}/outbox/?page=1",
        )
    ]

    for text in texts:
        assert "olena" not in text.lower()
        assert "Kovalenko" not in text
        assert "private@example.org" not in text


def test_the_followers_collection_gives_a_count_never_the_list(client):
    group = make_group()
    for n in range(4):
        Follower.objects.create(
            group=group,
            actor_id=f"https://social.example/users/f{n}",
            inbox=f"https://social.example/users/f{n}/inbox",
            shared_inbox="https://social.example/inbox",
            accepted_at=timezone.now() if n < 3 else None,  # the last waits for approval
        )

    followers = fetch(client, actor_id(group) + "followers/")

    assert followers == {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": actor_id(group) + "followers/",
        "type": "OrderedCollection",
        "totalItems": 3,
    }


@pytest.mark.parametrize("name", COLLECTIONS)
def test_mobilizon_collections_answer_empty(client, name):
    group = make_group()

    collection = fetch(client, actor_id(group) + name + "/")

    assert collection["type"] == "OrderedCollection"
    assert collection["totalItems"] == 0
    assert collection["id"] == actor_id(group) + name + "/"


def test_an_unknown_or_malformed_actor_is_404(client):
    make_group()

    assert client.get("/federation/groups/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/federation/groups/not-a-uuid/").status_code == 404
    assert (
        client.get("/federation/groups/00000000-0000-0000-0000-000000000000/followers/").status_code
        == 404
    )


def test_the_instance_actor_is_an_application_with_its_own_key(client):
    group = make_group()

    instance = fetch(client, f"{settings.BASE_URL}/federation/actor/")
    group_key = fetch(client, actor_id(group))["publicKey"]["publicKeyPem"]

    assert instance["id"] == f"{settings.BASE_URL}/federation/actor/"
    assert instance["type"] == "Application"
    assert instance["preferredUsername"] == "127.0.0.1"
    assert instance["inbox"] == f"{settings.BASE_URL}/federation/inbox/"
    assert instance["outbox"] == f"{settings.BASE_URL}/federation/actor/outbox/"
    assert instance["publicKey"]["id"] == f"{settings.BASE_URL}/federation/actor/#main-key"
    assert instance["publicKey"]["publicKeyPem"] != group_key


def test_the_instance_actor_says_it_approves_followers_itself(client):
    """Following the instance actor is asking, never done at once: Mobilizon's relay
    never accepts a follow by itself either (framasoft/mobilizon
    lib/federation/activity_pub/types/actors.ex, approve_if_manually_approves_followers
    skips the relay actor; its admin accepts through relay.ex ``accept/1``), and Turnout
    sends nothing through its instance actor that a follower could receive."""
    instance = fetch(client, f"{settings.BASE_URL}/federation/actor/")

    assert instance["manuallyApprovesFollowers"] is True
