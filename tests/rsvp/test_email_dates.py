"""An attendee's email gives the meeting's time and the hold's expiry in the email's
language (the one the attendee registered in), in that language's own form (issue 18):
"вівторок, 1 грудня 2027, 19:00 – 21:00", "الثلاثاء 1 ديسمبر 2027، 7:00 م – 9:00 م"."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone, translation

from tests.factories import make_event
from tests.mail import outbox
from turnout.rsvp import services as rsvp

LONDON = zoneinfo.ZoneInfo("Europe/London")
WEEKDAYS = {
    "uk": ["понеділок", "вівторок", "середа", "четвер", "п’ятниця", "субота", "неділя"],
    "ar": ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"],
}
MONTHS = {
    "uk": [
        "січня",
        "лютого",
        "березня",
        "квітня",
        "травня",
        "червня",
        "липня",
        "серпня",
        "вересня",
        "жовтня",
        "листопада",
        "грудня",
    ],
    "ar": [
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ],
}


def _day(language: str, day: dt.date) -> str:
    year = f" {day.year}" if day.year != timezone.localdate().year else ""
    weekday, month = WEEKDAYS[language][day.weekday()], MONTHS[language][day.month - 1]
    return (
        f"{weekday}, {day.day} {month}{year}"
        if language == "uk"
        else (f"{weekday} {day.day} {month}{year}")
    )


def _moment(language: str, moment: dt.datetime) -> str:
    if language == "uk":
        return f"{_day(language, moment.date())}, {moment:%H:%M}"
    half = "ص" if moment.hour < 12 else "م"
    return f"{_day(language, moment.date())}، {moment.hour % 12 or 12}:{moment:%M} {half}"


def _first_tuesday_of_december_next_year() -> dt.date:
    first = dt.date(timezone.localdate().year + 1, 12, 1)
    return first + dt.timedelta(days=(1 - first.weekday()) % 7)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "hours"), [("uk", "19:00 – 21:00"), ("ar", "7:00 م – 9:00 م")]
)
def test_the_confirmation_email_says_when_the_language_s_way(group, language, hours):
    day = _first_tuesday_of_december_next_year()
    event = make_event(group=group, start_date=day, language=language)

    with translation.override(language):  # registered from a page in that language
        registration, _created = rsvp.register(event=event, name="Ann", email="ann@example.org")
    body = " ".join(outbox()[-1].body.split())

    joined = ", " if language == "uk" else "، "
    assert f"{_day(language, day)}{joined}{hours}" in body
    assert _moment(language, registration.hold_expires_at.astimezone(LONDON)) in body
