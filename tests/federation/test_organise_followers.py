"""The organisers' page of fediverse follows waiting for approval
(/organise/groups/<group>/fediverse/): approve (an Accept queued) or decline (a Reject
queued, the row removed). Only the group's organisers; POST with CSRF; an id that is not
one of this group's waiting follows changes nothing. Followers are never listed publicly."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_group
from turnout.federation.models import Delivery, Follower

pytestmark = pytest.mark.django_db


def follower(group, name="ana", *, accepted=False) -> Follower:
    return Follower.objects.create(
        group=group,
        actor_id=f"https://social.example/users/{name}",
        inbox=f"https://social.example/users/{name}/inbox",
        shared_inbox="https://social.example/inbox",
        follow_id=f"https://social.example/follows/{name}",
        accepted_at=timezone.now() if accepted else None,
    )


def page(group) -> str:
    return reverse("organise:fediverse", kwargs={"group": group.slug})


def action(group, verb) -> str:
    return reverse(f"organise:fediverse_{verb}", kwargs={"group": group.slug})


def test_organisers_see_the_waiting_follows_and_a_count_of_the_others(organiser_client, group):
    follower(group, "ana")
    follower(group, "bohdan", accepted=True)
    response = organiser_client.get(page(group))

    assert response.status_code == 200
    html = response.content.decode()
    assert "https://social.example/users/ana" in html
    assert "https://social.example/users/bohdan" not in html  # a count, not the list


def test_approving_sends_an_accept_to_the_followers_inbox(organiser_client, group):
    waiting = follower(group)
    response = organiser_client.post(action(group, "approve"), {"follower": waiting.pk})

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.accepted_at is not None
    delivery = Delivery.objects.get()
    assert delivery.inbox == waiting.inbox
    accept = json.loads(delivery.activity.body)
    assert (accept["type"], accept["object"]["id"]) == ("Accept", waiting.follow_id)


def test_declining_sends_a_reject_and_removes_the_follow(organiser_client, group):
    waiting = follower(group)
    response = organiser_client.post(action(group, "decline"), {"follower": waiting.pk})

    assert response.status_code == 302
    assert not Follower.objects.exists()
    reject = json.loads(Delivery.objects.get(inbox=waiting.inbox).activity.body)
    assert (reject["type"], reject["object"]["id"]) == ("Reject", waiting.follow_id)


def test_another_groups_organiser_gets_404_and_changes_nothing(outsider_client, group):
    waiting = follower(group)

    assert outsider_client.get(page(group)).status_code == 404
    for verb in ("approve", "decline"):
        response = outsider_client.post(action(group, verb), {"follower": waiting.pk})
        assert response.status_code == 404
    waiting.refresh_from_db()
    assert waiting.accepted_at is None
    assert not Delivery.objects.exists()


def test_a_visitor_is_sent_to_log_in_and_changes_nothing(client, group):
    waiting = follower(group)

    assert client.get(page(group)).status_code == 302
    assert client.post(action(group, "approve"), {"follower": waiting.pk}).status_code == 302
    waiting.refresh_from_db()
    assert waiting.accepted_at is None


@pytest.mark.parametrize("forged", ["other group", "accepted", "nonsense", "huge", "missing"])
def test_a_forged_id_changes_nothing(organiser_client, organiser, group, forged):
    other = make_group(owner=organiser, name="Other", slug="other")
    ids = {
        "other group": follower(other).pk,
        "accepted": follower(group, "bohdan", accepted=True).pk,
        "nonsense": "1 OR 1=1",
        "huge": "9" * 40,
        "missing": None,
    }
    data = {} if ids[forged] is None else {"follower": ids[forged]}
    for verb in ("approve", "decline"):
        response = organiser_client.post(action(group, verb), data, follow=True)
        assert "no longer waiting" in response.content.decode()
    assert not Delivery.objects.exists()
    assert Follower.objects.count() == 2  # the other group's and the accepted one, untouched
    assert Follower.objects.filter(accepted_at__isnull=True).count() == 1


def test_a_post_without_its_csrf_token_is_refused(organiser, group):
    waiting = follower(group)
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)

    assert client.post(action(group, "approve"), {"follower": waiting.pk}).status_code == 403
    waiting.refresh_from_db()
    assert waiting.accepted_at is None


def test_the_people_page_links_to_it_with_the_number_waiting(organiser_client, group):
    follower(group)
    response = organiser_client.get(reverse("organise:people", kwargs={"group": group.slug}))

    assert page(group) in response.content.decode()


def test_the_public_pages_never_list_followers(client, group):
    follower(group, "ana", accepted=True)
    public = client.get(reverse("public:group", kwargs={"group": group.slug}))
    collection = client.get(f"/federation/groups/{group.federation_id}/followers/")

    assert "social.example" not in public.content.decode()
    assert "social.example" not in collection.content.decode()
    assert collection.json()["totalItems"] == 1
