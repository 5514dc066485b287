"""The demo: the reference flyer's meeting, a second group, and meetings written in Ukrainian
and in Arabic, loaded once."""

import datetime as dt
import io
import re
import subprocess
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.flyers.helpers import pdf_text
from turnout.cli import DEMO_LOGIN, DEMO_WORKERS
from turnout.comparisons.checks import consistency_check
from turnout.comparisons.models import Citation, Comparison
from turnout.demo import load_demo
from turnout.events.models import Event
from turnout.flyers import render
from turnout.flyers.models import EventBlock, Quote, Statement
from turnout.groups.models import Group, Membership, User, Venue

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
EMAIL, PASSWORD = DEMO_LOGIN


@pytest.fixture
def demo():
    assert load_demo(organiser_email=EMAIL, organiser_password=PASSWORD) is True


def _next_tuesday_in_london() -> dt.date:
    today = timezone.now().astimezone(LONDON).date()
    days = (1 - today.weekday()) % 7 or 7  # Tuesday is 1; never today
    return today + dt.timedelta(days=days)


def test_load_demo_creates_three_groups_owned_by_the_demo_organiser(demo):
    organiser = User.objects.get(email=EMAIL)

    assert sorted(Group.objects.values_list("slug", flat=True)) == [
        "riverside-tenants",
        "sudanese-palestinian-community",
        "ukraine-information-group",
    ]
    assert set(Membership.objects.values_list("user", "role")) == {(organiser.pk, "owner")}
    assert organiser.email_verified is True


def test_load_demo_creates_the_flyer_meeting_next_tuesday_at_7pm_london(demo):
    event = Event.objects.get(group__slug="ukraine-information-group", language="en")

    assert event.title == "What internationalism means"
    assert event.tagline == "Unite the struggles of Palestine, Ukraine and beyond"
    assert event.status == Event.Status.PUBLISHED
    assert event.start_date == _next_tuesday_in_london()
    assert event.start_date.weekday() == 1
    assert (event.start_time, event.end_time) == (dt.time(19, 0), dt.time(21, 0))
    assert event.time_zone == "Europe/London"
    assert event.starts_at == dt.datetime.combine(event.start_date, dt.time(19, 0), tzinfo=LONDON)


def test_load_demo_puts_the_meeting_at_the_flyer_s_venue(demo):
    venue = Event.objects.get(group__slug="ukraine-information-group", language="en").venue

    assert (venue.address_line1, venue.city, venue.postcode) == (
        "62 Marchmont St",
        "London",
        "WC1N 1AB",
    )


def test_load_demo_uses_contact_addresses_at_example_org(demo):
    addresses = sorted(Group.objects.values_list("contact_email", flat=True))

    assert addresses == [
        "riverside-tenants@example.org",
        "sudanese-palestinian-community@example.org",
        "ukraine-information-group@example.org",
    ]


def test_load_demo_never_mentions_a_real_mailbox(demo):
    for model in (Group, Event, Venue, User, Statement, Quote, Comparison, Citation):
        for row in model.objects.values():
            for field, value in row.items():
                assert "gmail" not in str(value).lower(), f"{model.__name__}.{field}"


def test_load_demo_gives_the_second_group_a_past_and_a_future_meeting(demo):
    now = timezone.now()
    meetings = list(Event.objects.filter(group__slug="riverside-tenants").order_by("starts_at"))

    assert [event.status for event in meetings] == [Event.Status.PUBLISHED] * 2
    assert [event.ends_at < now for event in meetings] == [True, False]
    assert [event.starts_at > now for event in meetings] == [False, True]
    assert {event.venue.name for event in meetings} == {"St Mark's Hall"}


def test_load_demo_twice_changes_nothing(demo):
    counts = [model.objects.count() for model in (User, Group, Membership, Venue, Event)]

    again = load_demo(organiser_email=EMAIL, organiser_password=PASSWORD)

    assert again is False
    assert [model.objects.count() for model in (User, Group, Membership, Venue, Event)] == counts
    assert counts == [1, 3, 3, 3, 5]


def test_load_demo_organiser_can_log_in(demo, client):
    assert client.login(email=EMAIL, password=PASSWORD) is True


def test_load_demo_keeps_an_existing_organiser_account(client):
    User.objects.create_user(email=EMAIL, name="Already Here", password="another passphrase")

    load_demo(organiser_email=EMAIL, organiser_password=PASSWORD)

    assert User.objects.get(email=EMAIL).name == "Already Here"
    assert client.login(email=EMAIL, password="another passphrase") is True


CRITERIA = [
    "Invasion and occupation?",
    "Settler colonial?",
    "Authoritarian rule?",
    "Bombs civilians as collective punishment?",
    "Genocide?",
    "Relies on outside support?",
]
ASSESSED = ["Israel in Palestine", "Russia in Ukraine"]
NOT_YET_ASSESSED = ["Rwanda and Uganda in eastern Congo", "Sudanese civil war", "Kashmir"]
HEADING = "From Ukraine to Palestine Occupation is a crime"


@pytest.fixture
def meeting(demo):
    return Event.objects.select_related("group", "venue").get(
        group__slug="ukraine-information-group", language="en"
    )


@pytest.fixture
def table(meeting):
    return Comparison.objects.get(group=meeting.group)


def _cells(table) -> dict[tuple[str, str], str]:
    return {
        (cell.criterion.label, cell.case.label): cell.text
        for criterion in table.criteria.all()
        for cell in criterion.cells.select_related("criterion", "case")
    }


def test_load_demo_shows_statement_table_and_quote_in_the_flyer_s_order(meeting):
    blocks = list(EventBlock.objects.filter(event=meeting))

    assert [block.kind for block in blocks] == ["statement", "comparison", "quote"]
    assert blocks[0].statement.title == HEADING
    assert blocks[1].comparison.is_published is True
    assert blocks[2].quote.speaker == "Sergei Lavrov"


def test_load_demo_dates_and_sources_the_quote(meeting):
    quote = Quote.objects.get(group=meeting.group)

    assert quote.text.startswith("The goals declared by Israel for its ongoing operation")
    assert quote.role == "Russia's Foreign Minister"
    assert quote.said_on == dt.date(2023, 12, 28)
    assert quote.source_title
    assert quote.source_url.startswith("https://")


def test_load_demo_table_has_the_flyer_s_six_criteria_and_five_cases(table):
    assert [c.label for c in table.criteria.all()] == CRITERIA
    assert [c.label for c in table.cases.all()] == ASSESSED + NOT_YET_ASSESSED


def test_load_demo_table_assesses_the_flyer_s_two_cases_and_no_other(table):
    cells = _cells(table)

    assert len(cells) == 6 * 5
    assert [
        (row, case) for (row, case), text in cells.items() if case in ASSESSED and not text
    ] == []
    assert [text for (_row, case), text in cells.items() if case in NOT_YET_ASSESSED] == [""] * 18


def test_load_demo_table_carries_the_flyer_s_figures(table):
    cells = _cells(table)

    assert "35,000" in cells["Bombs civilians as collective punishment?", "Israel in Palestine"]
    assert "18,000" in cells["Bombs civilians as collective punishment?", "Russia in Ukraine"]
    assert "75 years" in cells["Invasion and occupation?", "Israel in Palestine"]


def test_load_demo_citations_are_complete_and_looked_up_in_the_past(table):
    citations = list(Citation.objects.filter(cell__criterion__comparison=table))

    assert len(citations) == 5
    for citation in citations:
        assert citation.url.startswith(("https://", "http://")), citation.url
        assert citation.publisher or citation.title
        assert citation.date_accessed <= timezone.localdate()
        assert citation.date_published is None or citation.date_published <= citation.date_accessed


def test_load_demo_check_flags_only_the_unassessed_cases_and_the_unsourced_figure(table):
    problems = consistency_check(table)

    assert {p.case for p in problems if p.kind == "empty"} == set(NOT_YET_ASSESSED)
    assert len([p for p in problems if p.kind == "empty"]) == 18
    assert [(p.criterion, p.case) for p in problems if p.kind == "uncited_figure"] == [
        ("Bombs civilians as collective punishment?", "Russia in Ukraine")
    ]


def test_load_demo_event_page_shows_the_cases_not_yet_assessed(meeting, client):
    url = reverse("public:event", kwargs={"group": meeting.group.slug, "event": meeting.slug})

    page = client.get(url).content.decode()

    for label in [HEADING, *ASSESSED, *NOT_YET_ASSESSED, "Sergei Lavrov"]:
        assert label in page, label


def test_load_demo_a4_flyer_shows_the_meeting_and_its_blocks_but_not_unassessed_cases(
    meeting, settings, tmp_path
):
    settings.TURNOUT_FLYER_CACHE_DIR = str(tmp_path / "flyers")

    text = pdf_text(render.flyer_pdf(meeting, "A4"))

    start = meeting.local_start
    for expected in (
        "What internationalism means",
        f"{start:%A} {start.day} {start:%B}",
        "62 Marchmont St",
        "WC1N 1AB",
        "ukraine-information-group@example.org",
        HEADING,
        *ASSESSED,
        "Sergei Lavrov",
    ):
        assert expected in text, expected
    # The table's header row holds the assessed cases only (the statement itself names
    # Kashmir, so look at the table: from its title to its first criterion).
    header = text.split("Occupation compared", 1)[1].split(CRITERIA[0], 1)[0]
    assert header.split() == " ".join(ASSESSED).split()
    for label in NOT_YET_ASSESSED:
        assert label not in header, label
    assert "Rwanda and Uganda in eastern Congo" not in text
    assert "Sudanese civil war" not in text


def test_load_demo_a4_flyer_is_one_page_and_the_a5_one_loses_nothing(meeting):
    """The demo holds as much as the reference flyer: one A4 sheet (its essentials set
    smaller to make room); A5 may continue on a second page, but cuts nothing off."""
    a4 = PdfReader(io.BytesIO(render.flyer_pdf(meeting, "A4")))
    a5 = render.flyer_pdf(meeting, "A5")

    assert len(a4.pages) == 1
    text = pdf_text(a5)
    for expected in (HEADING, *ASSESSED, CRITERIA[-1], "Sergei Lavrov", "WC1N 1AB"):
        assert expected in text, expected


def test_demo_runs_one_worker_for_email_and_one_for_other_servers():
    """``turnout demo`` starts its workers as a deployment should: every queue taken,
    and what waits on other servers (calendar imports, federation) apart from email."""
    from turnout.core.worker import queues

    taken = [set(args[1::2]) for args in DEMO_WORKERS]

    assert all(args[0::2] == ("--queue",) * len(taken[n]) for n, args in enumerate(DEMO_WORKERS))
    assert taken == [{"default", "email"}, {"imports", "federation"}]
    assert set().union(*taken) == set(queues())


# --- the meetings written in Ukrainian and in Arabic (issue 18)

UKRAINIAN_TITLE = "Щойно приїхали? Зустріч для родин"
ARABIC_TITLE = "حقّك في السكن: لقاء مفتوح للعائلات"
UK_MONTHS = "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня"
AR_MONTHS = "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر"


def _pdftotext(content: bytes) -> str:
    """The PDF's text in logical order as ``pdftotext`` reads it (pypdf gives the runs of a
    line mixing Arabic and digits in visual order), its bidi marks made spaces."""
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", " ", text).split())


def _year(day: dt.date) -> str:
    return f" {day.year}" if day.year != timezone.localdate().year else ""


@pytest.fixture
def ukrainian(demo) -> Event:
    return Event.objects.select_related("group", "venue").get(language="uk")


@pytest.fixture
def arabic(demo) -> Event:
    return Event.objects.select_related("group", "venue").get(language="ar")


def test_load_demo_adds_a_meeting_in_ukrainian_on_the_saturday_after_the_flyer_s(ukrainian):
    assert ukrainian.group.slug == "ukraine-information-group"
    assert ukrainian.title == UKRAINIAN_TITLE
    assert ukrainian.status == Event.Status.PUBLISHED
    assert ukrainian.start_date == _next_tuesday_in_london() + dt.timedelta(days=4)
    assert (ukrainian.start_time, ukrainian.end_time) == (dt.time(11, 0), dt.time(13, 0))
    assert ukrainian.venue.postcode == "WC1N 1AB"
    assert "родин" in ukrainian.description


def test_load_demo_adds_an_arabic_group_and_its_meeting(arabic):
    group = arabic.group

    assert (group.slug, group.language, group.time_zone) == (
        "sudanese-palestinian-community",
        "ar",
        "Europe/London",
    )
    assert arabic.title == ARABIC_TITLE
    assert arabic.status == Event.Status.PUBLISHED
    assert arabic.start_date == _next_tuesday_in_london() + dt.timedelta(days=4)
    assert (arabic.start_time, arabic.end_time) == (dt.time(14, 0), dt.time(16, 30))
    assert (arabic.venue.name, arabic.venue.postcode) == ("Bow Community Hall", "E3 2AB")
    assert "الإيجار" in arabic.description


def test_load_demo_ukrainian_flyer_is_in_cyrillic_with_the_date_the_ukrainian_way(
    ukrainian, settings, tmp_path
):
    settings.TURNOUT_FLYER_CACHE_DIR = str(tmp_path / "flyers")
    day = ukrainian.start_date

    text = pdf_text(render.flyer_pdf(ukrainian, "A4"))

    month = UK_MONTHS.split()[day.month - 1]
    for expected in (
        UKRAINIAN_TITLE,
        f"субота, {day.day} {month}{_year(day)}",
        "11:00 – 13:00",
        "62 Marchmont St",
        "Організатори",
    ):
        assert expected in text, expected


def test_load_demo_arabic_flyer_runs_right_to_left_with_the_date_the_arabic_way(
    arabic, settings, tmp_path
):
    settings.TURNOUT_FLYER_CACHE_DIR = str(tmp_path / "flyers")
    day = arabic.start_date

    page = render.html(render.facts(arabic), "A4")
    content = render.flyer_pdf(arabic, "A4")

    assert '<html lang="ar" dir="rtl">' in page
    assert ARABIC_TITLE in pdf_text(content)  # pdftotext splits the lam-alef ligature
    month = AR_MONTHS.split()[day.month - 1]
    text = _pdftotext(content)
    for expected in (f"السبت {day.day} {month}{_year(day)}", "2:00 م – 4:30 م", "E3 2AB"):
        assert expected in text, expected


@pytest.mark.parametrize(("language", "title"), [("uk", UKRAINIAN_TITLE), ("ar", ARABIC_TITLE)])
def test_load_demo_meeting_pages_in_their_own_language(demo, client, language, title):
    event = Event.objects.get(language=language)
    url = reverse("public:event", kwargs={"group": event.group.slug, "event": event.slug})

    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert f'lang="{language}"' in page
    assert title in page
