"""Change notices: when the time, venue or online link of a meeting people registered
for changes, or it is cancelled, the organiser is offered one click to tell them.

Services first (what is recorded, merged, sent), then the pages. Nothing is emailed
until the organiser presses the button; a second press emails nobody.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import make_event, make_group, make_venue
from tests.mail import outbox
from tests.rsvp.helpers import confirmed, day_of
from turnout.core.models import Message
from turnout.core.timefmt import event_when
from turnout.events import services as events
from turnout.events.models import Event
from turnout.rsvp import notices
from turnout.rsvp import services as rsvp
from turnout.rsvp.changes import described
from turnout.rsvp.links import manage_url
from turnout.rsvp.models import ChangeNotice, Registration

pytestmark = pytest.mark.django_db

Status = Registration.Status
OLD_LINK = "https://meet.example.org/old-room"
NEW_LINK = "https://meet.example.org/new-room"
HALL = "Community Centre, 62 Marchmont St, London WC1N 1AB"
ST_MARKS = "St Mark's Hall, 12 Example Road, London E1 6AN"


@pytest.fixture
def st_marks(group):
    return make_venue(
        group=group,
        name="St Mark's Hall",
        address_line1="12 Example Road",
        city="London",
        postcode="E1 6AN",
    )


@pytest.fixture
def meeting(group, venue):
    """Two seats, a venue and an online link: Ann confirmed, Bob held, Wanda waitlisted,
    Carl cancelled, and a walk-in without an email."""
    event = make_event(group=group, venue=venue, capacity=3, online_url=OLD_LINK)
    confirmed(event, "Ann")
    rsvp.cancel(registration=confirmed(event, "Carl"))
    rsvp.register(event=event, name="Bob", email="bob@example.org")
    rsvp.add_by_organiser(event=event, name="Walk In", by=None, walk_in=True)
    confirmed(event, "Wanda")
    statuses = dict(event.registrations.values_list("name", "status"))
    assert statuses == {
        "Ann": Status.CONFIRMED,
        "Carl": Status.CANCELLED,
        "Bob": Status.HELD,
        "Walk In": Status.CONFIRMED,
        "Wanda": Status.WAITLISTED,
    }
    Message.objects.all().delete()  # the confirmations: only what follows is looked at
    return event


def told() -> dict[str, list[str]]:
    """Notice emails in the outbox: address → subjects."""
    found = {}
    for email in outbox():
        found.setdefault(email.to[0], []).append(email.subject)
    return found


def email_to(address: str):
    (email,) = [e for e in outbox() if e.to == [address]]
    return email


def shown(notice: ChangeNotice) -> list[dict]:
    """The notice's changes as an organiser reading in the active language sees them."""
    keys = ("field", "label", "old", "new")
    return [
        {key: change[key] for key in keys} for change in described(notice.changes, notice.event)
    ]


def html_of(email) -> str:
    return email.alternatives[0][0]


# --- what is recorded ---


def test_changing_the_venue_records_a_notice_with_old_and_new(meeting, st_marks, organiser):
    saved = events.update_event(event=meeting, venue=st_marks, by=organiser)

    notice = ChangeNotice.objects.get()
    assert saved.change_notice == notice
    assert (notice.kind, notice.created_by, notice.is_pending) == ("changed", organiser, True)
    assert shown(notice) == [{"field": "venue", "label": "Where", "old": HALL, "new": ST_MARKS}]
    assert outbox() == []  # nothing is sent until the organiser says so


def test_changing_the_time_shows_it_as_the_site_does(meeting):
    before = event_when(meeting)

    events.update_event(event=meeting, start_time=meeting.start_time.replace(hour=18))

    meeting.refresh_from_db()
    (change,) = shown(ChangeNotice.objects.get())
    assert change == {"field": "when", "label": "When", "old": before, "new": event_when(meeting)}
    assert "7pm – 9pm" in change["old"] and "6pm – 9pm" in change["new"]


def test_changing_the_time_zone_is_a_change_of_time(meeting):
    events.update_event(event=meeting, time_zone="Europe/Kyiv")

    (change,) = shown(ChangeNotice.objects.get())
    assert change["field"] == "when"
    assert change["new"].endswith("7pm – 9pm Kyiv time")


def test_changing_the_online_link_records_it(meeting):
    events.update_event(event=meeting, online_url=NEW_LINK)

    assert shown(ChangeNotice.objects.get()) == [
        {"field": "online_url", "label": "Online link", "old": OLD_LINK, "new": NEW_LINK}
    ]


def test_changing_the_title_or_capacity_records_nothing(meeting):
    saved = events.update_event(event=meeting, title="Renamed", capacity=10, description="New.")

    assert saved.change_notice is None
    assert not ChangeNotice.objects.exists()


def test_no_notice_when_nobody_is_registered(group, venue, st_marks):
    empty = make_event(group=group, venue=venue)
    rsvp.cancel(registration=confirmed(empty, "Carl"))
    rsvp.add_by_organiser(event=empty, name="Walk In", by=None)  # nobody to email

    saved = events.update_event(event=empty, venue=st_marks)

    assert saved.change_notice is None
    assert not ChangeNotice.objects.exists()


def test_several_edits_merge_into_one_notice_old_from_the_first_new_from_the_last(
    meeting, st_marks, group
):
    third = make_venue(group=group, name="Library", address_line1="1 Book St", postcode="")

    events.update_event(event=meeting, venue=st_marks)
    events.update_event(event=meeting, online_url=NEW_LINK)
    events.update_event(event=meeting, venue=third)

    notice = ChangeNotice.objects.get()
    assert shown(notice) == [
        {"field": "venue", "label": "Where", "old": HALL, "new": "Library, 1 Book St, London"},
        {"field": "online_url", "label": "Online link", "old": OLD_LINK, "new": NEW_LINK},
    ]


def test_a_change_put_back_drops_out_of_the_notice(meeting, st_marks, venue):
    events.update_event(event=meeting, venue=st_marks, online_url=NEW_LINK)

    events.update_event(event=meeting, venue=venue)

    assert shown(ChangeNotice.objects.get()) == [
        {"field": "online_url", "label": "Online link", "old": OLD_LINK, "new": NEW_LINK}
    ]


def test_everything_put_back_leaves_no_notice(meeting, st_marks, venue):
    events.update_event(event=meeting, venue=st_marks)

    saved = events.update_event(event=meeting, venue=venue)

    assert saved.change_notice is None
    assert not ChangeNotice.objects.exists()


def test_a_change_after_a_notice_was_sent_starts_a_new_one(meeting, st_marks, venue):
    events.update_event(event=meeting, venue=st_marks)
    notices.send_notice(notice=ChangeNotice.objects.get(), by=None)

    events.update_event(event=meeting, venue=venue)

    new = notices.pending_notice(event=meeting)
    assert shown(new) == [{"field": "venue", "label": "Where", "old": ST_MARKS, "new": HALL}]
    assert ChangeNotice.objects.count() == 2


def test_notice_is_written_in_the_readers_language(group, venue, st_marks):
    meeting = make_event(group=group, venue=venue, language="en")
    confirmed(meeting, "Ann")

    events.update_event(event=meeting, start_time=meeting.start_time.replace(hour=18))

    meeting.refresh_from_db()
    with translation.override("uk"):
        expected = event_when(meeting)
        assert shown(ChangeNotice.objects.get())[0]["new"] == expected
    assert shown(ChangeNotice.objects.get())[0]["new"] == event_when(meeting) != expected


# --- sending ---


def test_send_emails_each_registered_person_once_with_old_and_new(meeting, st_marks):
    events.update_event(event=meeting, venue=st_marks)
    notice = notices.pending_notice(event=meeting)

    sent = notices.send_notice(notice=notice, by=None)

    assert sent == 3
    day = day_of(meeting)
    assert told() == {
        "ann@example.org": [f"{meeting.title}: the venue has changed"],
        "wanda@example.org": [f"{meeting.title}: the venue has changed"],
        # Bob has not confirmed his address: the brief email, no place in it (issue 16).
        "bob@example.org": [f"Changes to the meeting organised by {meeting.group.name} on {day}"],
    }
    for address in ("ann@example.org", "bob@example.org", "wanda@example.org"):
        email = email_to(address)
        registration = meeting.registrations.get(email=address)
        for part in (email.body, html_of(email)):
            brief = address == "bob@example.org"
            assert ("Community Centre" in part and "St Mark" in part) is not brief
            assert manage_url(registration) in part
    notice.refresh_from_db()
    assert (notice.recipient_count, notice.is_pending) == (3, False)
    assert notice.sent_at is not None
    assert set(Message.objects.values_list("registration__name", flat=True)) == {
        "Ann",
        "Bob",
        "Wanda",
    }


def test_a_new_online_link_goes_only_to_confirmed_attendees(meeting):
    events.update_event(event=meeting, online_url=NEW_LINK)

    notices.send_notice(notice=notices.pending_notice(event=meeting), by=None)

    ann = email_to("ann@example.org")
    assert ann.subject == f"{meeting.title}: the online link has changed"
    assert NEW_LINK in ann.body and NEW_LINK in html_of(ann)
    for address in ("bob@example.org", "wanda@example.org"):
        email = email_to(address)
        stored = str(Message.objects.filter(to_email=address).values().get())  # the snapshot
        assert NEW_LINK not in stored and OLD_LINK not in stored
        for part in (email.body, html_of(email)):
            assert NEW_LINK not in part and OLD_LINK not in part
    wanda = email_to("wanda@example.org")
    for part in (wanda.body, html_of(wanda)):
        assert "The online link has changed" in part
        assert "once your place is confirmed" in part
    assert "Leave the waitlist on your page" in wanda.body
    assert "the organisers have changed the meeting" in email_to("bob@example.org").body


def test_send_twice_emails_nobody_twice(meeting, st_marks):
    events.update_event(event=meeting, venue=st_marks)
    notice = notices.pending_notice(event=meeting)
    stale = ChangeNotice.objects.get(pk=notice.pk)  # another tab, loaded before the send
    notices.send_notice(notice=notice, by=None)

    with pytest.raises(notices.NoticeNotPending) as exc:
        notices.send_notice(notice=stale, by=None)

    assert "was sent on" in exc.value.messages[0]
    assert "to 3 people; nobody is emailed twice" in exc.value.messages[0]
    assert Message.objects.count() == 3


def test_a_dismissed_notice_sends_nothing(meeting, st_marks):
    events.update_event(event=meeting, venue=st_marks)
    notice = notices.pending_notice(event=meeting)

    notices.dismiss_notice(notice=notice)

    with pytest.raises(notices.NoticeNotPending):
        notices.send_notice(notice=notice, by=None)
    assert notice.dismissed_at is not None
    assert notices.pending_notice(event=meeting) is None
    assert Message.objects.count() == 0


def test_anonymised_registrations_are_not_emailed(meeting, st_marks):
    Registration.objects.filter(email="wanda@example.org").update(anonymised_at=meeting.created_at)
    events.update_event(event=meeting, venue=st_marks)

    assert notices.send_notice(notice=notices.pending_notice(event=meeting), by=None) == 2
    assert sorted(told()) == ["ann@example.org", "bob@example.org"]


# --- cancelling ---


def test_cancelling_offers_a_cancellation_notice_replacing_a_pending_change(meeting, st_marks):
    events.update_event(event=meeting, venue=st_marks)
    changed = notices.pending_notice(event=meeting)
    when = event_when(meeting)

    cancelled = events.cancel_event(event=meeting)

    notice = cancelled.change_notice
    assert notices.pending_notice(event=meeting) == notice
    assert notice.kind == "cancelled"
    assert shown(notice) == [{"field": "when", "label": "When", "old": when, "new": "Cancelled"}]
    changed.refresh_from_db()
    assert changed.dismissed_at is not None and changed.sent_at is None


def test_cancellation_notice_tells_everyone_registered(meeting):
    events.cancel_event(event=meeting)

    assert notices.send_notice(notice=notices.pending_notice(event=meeting), by=None) == 3

    day = day_of(meeting)
    assert told() == {
        "ann@example.org": [f"Cancelled: {meeting.title}"],
        "wanda@example.org": [f"Cancelled: {meeting.title}"],
        "bob@example.org": [f"Cancelled: the meeting organised by {meeting.group.name} on {day}"],
    }
    ann = email_to("ann@example.org")
    assert "the organisers have cancelled" in ann.body
    assert OLD_LINK not in ann.body


def test_cancelling_with_nobody_registered_or_twice_offers_nothing(group, venue, meeting):
    empty = make_event(group=group, venue=venue)

    assert events.cancel_event(event=empty).change_notice is None
    events.cancel_event(event=meeting)
    assert events.cancel_event(event=meeting).change_notice is None
    assert ChangeNotice.objects.count() == 1


def test_no_change_notice_for_a_cancelled_meeting(meeting, st_marks):
    events.cancel_event(event=meeting)
    notices.dismiss_notice(notice=notices.pending_notice(event=meeting))

    assert events.update_event(event=meeting, venue=st_marks).change_notice is None


# --- the pages ---


def url(event: Event, name: str) -> str:
    return reverse(f"organise:{name}", kwargs={"group": event.group.slug, "event": event.slug})


def messages_shown(response) -> list[str]:
    return re.findall(r'<li class="message [a-z]+">(.*?)</li>', response.content.decode())


def edit_form(event: Event, **changes) -> dict:
    """The event form as the browser posts it for ``event``, with ``changes``."""
    data = {
        "title": event.title,
        "tagline": event.tagline,
        "slug": event.slug,
        "description": event.description,
        "start_date": event.start_date.isoformat(),
        "start_time": event.start_time.strftime("%H:%M"),
        "end_date": "",
        "end_time": event.end_time.strftime("%H:%M"),
        "time_zone": event.time_zone,
        "language": event.language,
        "venue": str(event.venue_id or ""),
        "online_url": event.online_url,
        "capacity": "" if event.capacity is None else str(event.capacity),
        "max_guests": str(event.max_guests),
        "confirmation_required": "on",
        "registration_opens_at": "",
        "registration_closes_at": "",
        "reminder_hours": "24",
        "public_counts": event.public_counts,
    }
    return {**data, **changes}


def test_saving_a_change_of_venue_leads_to_the_offer_to_tell_them(
    organiser_client, meeting, st_marks
):
    response = organiser_client.post(
        url(meeting, "event_edit"), edit_form(meeting, venue=str(st_marks.pk))
    )

    assert response.status_code == 302
    assert response["Location"] == url(meeting, "change_notice")
    page = organiser_client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Tell the 3 people registered?" in html
    assert "Community Centre, 62 Marchmont St" in html
    assert "St Mark&#x27;s Hall, 12 Example Road" in html
    assert "Email everyone registered" in html
    assert "Don't tell them" in html
    assert Message.objects.count() == 0


def test_saving_a_change_of_time_shows_old_and_new(organiser_client, meeting):
    response = organiser_client.post(
        url(meeting, "event_edit"), edit_form(meeting, start_time="18:30"), follow=True
    )

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == url(meeting, "change_notice")
    assert "7pm – 9pm" in html and "6:30pm – 9pm" in html


def test_saving_other_changes_goes_back_to_the_event_page(organiser_client, meeting):
    response = organiser_client.post(url(meeting, "event_edit"), edit_form(meeting, title="New"))

    assert response["Location"] == url(meeting, "event_edit")
    assert not ChangeNotice.objects.exists()


def test_event_page_links_to_a_pending_notice(organiser_client, meeting, st_marks):
    events.update_event(event=meeting, venue=st_marks)

    html = organiser_client.get(url(meeting, "event_edit")).content.decode()

    assert "have not been told about your changes yet" in html
    assert f'href="{url(meeting, "change_notice")}"' in html


def test_send_button_emails_everyone_once_and_says_so(organiser_client, meeting, st_marks):
    events.update_event(event=meeting, venue=st_marks)
    notice = notices.pending_notice(event=meeting)

    first = organiser_client.post(url(meeting, "change_notice_send"), {"notice": notice.pk})
    second = organiser_client.post(
        url(meeting, "change_notice_send"), {"notice": notice.pk}, follow=True
    )

    assert first.status_code == 302
    assert first["Location"] == url(meeting, "event_edit")
    assert Message.objects.count() == 3
    shown = messages_shown(second)
    assert len(shown) == 2
    assert shown[0] == "Emailed 3 people registered."
    assert "nobody is emailed twice" in shown[1]
    assert "have not been told" not in second.content.decode()


def test_dont_tell_them_sends_nothing(organiser_client, meeting, st_marks):
    events.update_event(event=meeting, venue=st_marks)
    notice = notices.pending_notice(event=meeting)

    response = organiser_client.post(
        url(meeting, "change_notice_dismiss"), {"notice": notice.pk}, follow=True
    )

    assert messages_shown(response) == ["Nobody was emailed about this change."]
    notice.refresh_from_db()
    assert notice.dismissed_at is not None
    assert Message.objects.count() == 0
    response = organiser_client.post(url(meeting, "change_notice_send"), {"notice": notice.pk})
    assert Message.objects.count() == 0


def test_cancelling_by_the_page_offers_to_tell_them(organiser_client, meeting):
    confirm_page = organiser_client.get(url(meeting, "event_cancel")).content.decode()
    assert "3 people are registered: next, you can email them all" in confirm_page

    response = organiser_client.post(url(meeting, "event_cancel"), follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == url(meeting, "change_notice")
    assert "Tell the 3 people registered?" in html
    assert "is cancelled" in html
    notice = notices.pending_notice(event=meeting)
    organiser_client.post(url(meeting, "change_notice_send"), {"notice": notice.pk})
    assert sorted(told()) == ["ann@example.org", "bob@example.org", "wanda@example.org"]


def test_notice_page_without_a_pending_notice_says_so(organiser_client, meeting):
    response = organiser_client.get(url(meeting, "change_notice"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is no change waiting to be told to the people registered." in html
    assert "Email everyone registered" not in html


def test_notice_page_lists_the_notices_decided_before(organiser_client, meeting, st_marks, venue):
    events.update_event(event=meeting, venue=st_marks)
    notices.send_notice(notice=notices.pending_notice(event=meeting), by=None)
    events.update_event(event=meeting, venue=venue)
    notices.dismiss_notice(notice=notices.pending_notice(event=meeting))

    html = organiser_client.get(url(meeting, "change_notice")).content.decode()

    assert html.count("Emailed on ") == 1 and "to 3 people." in html
    assert html.count("Not sent (decided on ") == 1
    assert html.index("Not sent") < html.index("Emailed on")  # the latest first


def test_get_never_sends(organiser_client, meeting, st_marks, table_rows):
    events.update_event(event=meeting, venue=st_marks)
    notice = notices.pending_notice(event=meeting)
    before = table_rows()

    assert organiser_client.get(url(meeting, "change_notice")).status_code == 200
    for name in ("change_notice_send", "change_notice_dismiss"):
        response = organiser_client.get(url(meeting, name), {"notice": notice.pk})
        assert response.status_code == 405

    assert table_rows() == before
    assert notices.pending_notice(event=meeting) == notice


@pytest.mark.parametrize("value", ["", "abc", "-1", "0", "1.5", "<script>", "9" * 40])
def test_a_malformed_notice_id_sends_nothing(organiser_client, meeting, st_marks, value):
    events.update_event(event=meeting, venue=st_marks)

    for name in ("change_notice_send", "change_notice_dismiss"):
        response = organiser_client.post(url(meeting, name), {"notice": value}, follow=True)
        assert response.status_code == 200
        assert messages_shown(response)[0] == "Send or dismiss a notice from its page."

    assert notices.pending_notice(event=meeting) is not None
    assert Message.objects.count() == 0


def test_another_meetings_notice_id_is_404(organiser_client, meeting, st_marks, group, venue):
    other = make_event(group=group, venue=venue)
    confirmed(other, "Olga")
    events.update_event(event=other, venue=st_marks)
    theirs = notices.pending_notice(event=other)
    events.update_event(event=meeting, venue=st_marks)

    for name in ("change_notice_send", "change_notice_dismiss"):
        response = organiser_client.post(url(meeting, name), {"notice": theirs.pk})
        assert response.status_code == 404

    assert theirs.is_pending and ChangeNotice.objects.get(pk=theirs.pk).is_pending
    assert Message.objects.filter(kind__startswith="rsvp/email/changed").count() == 0


def test_outsiders_get_404_on_every_notice_address(outsider_client, meeting, st_marks):
    events.update_event(event=meeting, venue=st_marks)
    notice = notices.pending_notice(event=meeting)

    assert outsider_client.get(url(meeting, "change_notice")).status_code == 404
    for name in ("change_notice_send", "change_notice_dismiss"):
        assert outsider_client.post(url(meeting, name), {"notice": notice.pk}).status_code == 404

    assert ChangeNotice.objects.get().is_pending
    assert Message.objects.count() == 0


def test_another_groups_notice_under_the_outsiders_own_group_is_404(
    outsider, outsider_client, meeting, st_marks
):
    theirs = make_event(group=make_group(owner=outsider, slug="theirs"), online_url=OLD_LINK)
    events.update_event(event=meeting, venue=st_marks)
    notice = notices.pending_notice(event=meeting)

    response = outsider_client.post(url(theirs, "change_notice_send"), {"notice": notice.pk})

    assert response.status_code == 404
    assert ChangeNotice.objects.get().is_pending


def test_notice_page_escapes_html_in_the_venue(organiser_client, meeting, group):
    hostile = make_venue(group=group, name='<script>alert("x")</script>Hall')
    events.update_event(event=meeting, venue=hostile)

    html = organiser_client.get(url(meeting, "change_notice")).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;Hall" in html
    notices.send_notice(notice=notices.pending_notice(event=meeting), by=None)
    assert "<script>alert" not in html_of(email_to("ann@example.org"))


def test_a_notice_recorded_as_text_before_the_upgrade_is_still_shown_and_sent(meeting):
    """Notices pending at the upgrade kept their old and new as text in the meeting's
    language: they are shown and sent as written; a later edit of the same field starts
    that change afresh, and the other changes stay."""
    written = {"field": "venue", "label": "Where", "old": HALL, "new": "Somewhere else"}
    notice = ChangeNotice.objects.create(event=meeting, kind="changed", changes=[written])

    assert shown(notice) == [written]
    events.update_event(event=meeting, start_time=meeting.start_time.replace(hour=18))

    notice.refresh_from_db()
    assert [change["field"] for change in shown(notice)] == ["when", "venue"]
    assert notices.send_notice(notice=notice, by=None) == 3
    assert "Somewhere else" in email_to("ann@example.org").body
