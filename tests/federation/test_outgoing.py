"""Queueing an activity (turnout.federation.outgoing): one row for the activity, one
delivery per inbox, shared inboxes once, nothing left when the change rolls back."""

import json

import pytest
from django.db import transaction

from turnout.federation import outgoing
from turnout.federation.models import Delivery, Follower, SentActivity

pytestmark = pytest.mark.django_db


def _activity(n=1):
    return {"id": f"https://turnout.example/federation/events/x/#create-{n}", "type": "Create"}


def test_followers_on_one_server_share_one_delivery(group):
    Follower.objects.bulk_create(
        [
            Follower(
                group=group,
                actor_id=f"https://m.example/users/{n}",
                inbox=f"https://m.example/users/{n}/inbox",
                shared_inbox="https://m.example/inbox",
            )
            for n in range(3)
        ]
        + [
            Follower(
                group=group, actor_id="https://solo.example/a", inbox="https://solo.example/a/inbox"
            )
        ]
    )

    inboxes = outgoing.inboxes_of(Follower.objects.filter(group=group))
    sent = outgoing.send(group=group, activity=_activity(), inboxes=inboxes)

    assert sorted(sent.deliveries.values_list("inbox", "host")) == [
        ("https://m.example/inbox", "m.example"),
        ("https://solo.example/a/inbox", "solo.example"),
    ]
    assert json.loads(sent.body) == _activity()


def test_sending_again_adds_only_new_inboxes(group):
    outgoing.send(group=group, activity=_activity(), inboxes=["https://a.example/inbox"])
    outgoing.send(
        group=group,
        activity=_activity(),
        inboxes=["https://a.example/inbox", "https://b.example/inbox"],
    )

    assert SentActivity.objects.count() == 1
    assert Delivery.objects.count() == 2


def test_a_change_rolled_back_sends_nothing(group):
    with pytest.raises(RuntimeError), transaction.atomic():
        outgoing.send(group=group, activity=_activity(2), inboxes=["https://a.example/inbox"])
        raise RuntimeError

    assert not SentActivity.objects.exists() and not Delivery.objects.exists()
