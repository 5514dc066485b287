"""A group's outbox lists its meetings as ``Create{Event}``, newest first, in pages; each
meeting's id answers its Event. Drafts, withdrawn and unlisted meetings appear nowhere,
and their ids answer 404 as an unknown one does."""

import uuid

import pytest
from django.conf import settings

from tests.factories import make_event, make_group
from turnout.events.models import Event
from turnout.federation import selectors

AP = "application/activity+json"


def fetch(client, path: str, status: int = 200) -> dict:
    response = client.get(path, HTTP_ACCEPT=AP)
    assert response.status_code == status, response.content
    return response.json()


def outbox_path(group) -> str:
    return f"/federation/groups/{group.federation_id}/outbox/"


@pytest.fixture
def group(db):
    return make_group(slug="riverside")


def test_the_outbox_lists_published_listed_meetings_newest_first_in_pages(
    client, group, monkeypatch
):
    monkeypatch.setattr(selectors, "OUTBOX_PAGE", 2)
    listed = [make_event(group=group, title=f"Meeting {n}", days_ahead=n + 1) for n in range(3)]
    make_event(group=group, title="A draft", published=False)
    make_event(group=group, title="Only with the link", unlisted=True)

    outbox = fetch(client, outbox_path(group))
    first = fetch(client, outbox_path(group) + "?page=1")
    second = fetch(client, first["next"].removeprefix(settings.BASE_URL))

    assert outbox["totalItems"] == 3
    assert outbox["first"] == settings.BASE_URL + outbox_path(group) + "?page=1"
    items = first["orderedItems"] + second["orderedItems"]
    assert [item["type"] for item in items] == ["Create"] * 3
    published = sorted(listed, key=lambda e: (e.published_at, e.pk), reverse=True)
    assert [item["object"]["name"] for item in items] == [e.title for e in published]
    assert "next" not in second
    assert first["partOf"] == outbox["id"]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "1.5", "%00", "١"])
def test_a_bad_page_number_is_refused_clearly(client, group, page):
    response = client.get(outbox_path(group), {"page": page}, HTTP_ACCEPT=AP)

    assert response.status_code == 400
    assert response.json() == {"error": "bad page"}


def test_a_page_past_the_end_is_empty(client, group):
    make_event(group=group)

    assert fetch(client, outbox_path(group) + "?page=7")["orderedItems"] == []


def test_a_meetings_id_answers_its_event(client, group):
    event = make_event(group=group, title="Rent rise: what we can do")

    found = fetch(client, f"/federation/events/{event.federation_id}/")

    assert (found["type"], found["name"]) == ("Event", "Rent rise: what we can do")
    assert found["id"] == f"{settings.BASE_URL}/federation/events/{event.federation_id}/"


def test_drafts_and_unlisted_meetings_answer_as_unknown_ids_do(client, group):
    draft = make_event(group=group, published=False)
    unlisted = make_event(group=group, unlisted=True)
    withdrawn = make_event(group=group)
    Event.objects.filter(pk=withdrawn.pk).update(status=Event.Status.DRAFT)

    answers = [
        fetch(client, f"/federation/events/{federation_id}/", status=404)
        for federation_id in (
            draft.federation_id,
            unlisted.federation_id,
            withdrawn.federation_id,
            uuid.uuid4(),
        )
    ]

    assert answers == [{"error": "not found"}] * 4
