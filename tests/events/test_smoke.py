def test_event_page_shows_the_meeting(client, event):
    response = client.get(f"/{event.group.slug}/events/{event.slug}/")
    assert response.status_code == 200
    assert "What internationalism means" in response.content.decode()
