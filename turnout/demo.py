"""Demo data: the reference flyer's meeting, a second group with a past and a future one,
and meetings written in Ukrainian and in Arabic (turnout.demo_languages).

The first group's facts (title, tagline, weekday and time, venue, postcode,
organiser) come from the real flyer in shared/reference/; the prose is ours, and
the contact address is at example.org, never the group's real one. Its meeting shows
what the flyer shows, in the flyer's order: a statement headed by the flyer's first
line, the six-criteria comparison (the flyer's two cases assessed with its facts and
figures, in our words; the other conflicts it names not yet assessed) and the dated
quotation. Every citation is a real page that was looked up (see ``ACCESSED``); a
figure for which no source was found stays uncited, and the table's consistency check
lists it.
"""

import datetime as dt
import zoneinfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from turnout import demo_languages, demo_picture
from turnout.comparisons import services as comparisons
from turnout.comparisons.models import Cell
from turnout.events import services as events
from turnout.events.models import Event, PublicCounts, Topic
from turnout.flyers import services as flyers
from turnout.groups import services as groups
from turnout.groups.models import Group, User

LONDON = "Europe/London"


def next_weekday(after: dt.date, weekday: int) -> dt.date:
    """The first given weekday strictly after ``after`` (Monday is 0)."""
    return after + dt.timedelta(days=(weekday - after.weekday() - 1) % 7 + 1)


@transaction.atomic
def load_demo(*, organiser_email: str, organiser_password: str) -> bool:
    """Create the demo groups once; returns False when they are already there."""
    if Group.objects.filter(slug="ukraine-information-group").exists():
        return False
    organiser = User.objects.filter(email=organiser_email).first()
    if organiser is None:
        organiser = User.objects.create_user(
            email=organiser_email, name="Demo Organiser", password=organiser_password
        )
        groups.verify_email(user=organiser)
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(LONDON)).date()
    _ukraine_information_group(organiser, today)
    _tenants_union(organiser, today)
    demo_languages.arabic_group(organiser, _saturday_after_the_flyer_s_meeting(today))
    _topics()
    return True


# The instance admin's short list of topics, and the demo's meetings each organiser
# tagged with them (by title: the meeting form's tick boxes).
DEMO_TOPICS = {
    "housing": (
        "Housing",
        [
            "Rent rise: what we can do",
            "Repairs clinic and open meeting",
            "حقّك في السكن: لقاء مفتوح للعائلات",
        ],
    ),
    "solidarity": ("Solidarity", ["What internationalism means"]),
    "welcome": ("Welcome and advice", ["Щойно приїхали? Зустріч для родин"]),
}


def _topics() -> None:
    for slug, (name, titles) in DEMO_TOPICS.items():
        topic = Topic.objects.create(slug=slug, name=name)
        topic.events.set(Event.objects.filter(title__in=titles))


def _saturday_after_the_flyer_s_meeting(today: dt.date) -> dt.date:
    return next_weekday(next_weekday(today, 1), 5)


def _ukraine_information_group(organiser: User, today: dt.date) -> None:
    group = groups.create_group(
        owner=organiser,
        name="Ukraine Information Group",
        slug="ukraine-information-group",
        about=(
            "We are volunteers in London who share news and analysis from Ukraine, and who "
            "build links with other people resisting occupation. Our public meetings are open "
            "to everyone: come to listen, ask questions and argue."
        ),
        contact_email="ukraine-information-group@example.org",
        time_zone=LONDON,
        language="en",
    )
    venue = groups.create_venue(
        group=group,
        name="Community Centre",
        address_line1="62 Marchmont St",
        city="London",
        postcode="WC1N 1AB",
        country="United Kingdom",
    )
    tuesday = next_weekday(today, 1)
    event = events.create_event(
        group=group,
        title="What internationalism means",
        tagline="Unite the struggles of Palestine, Ukraine and beyond",
        description=(
            "Ukrainians and Palestinians both live under occupation by a far stronger power, "
            "and both have the right to resist it. Yet much of the Western political class "
            "stands with one and not the other, and part of the left makes the opposite "
            "choice.\n\n"
            "At this meeting we ask what solidarity without double standards looks like: how to "
            "support every people resisting occupation and oppression, from Ukraine and "
            "Palestine to Sudan, eastern Congo and Kashmir, and how to link those struggles "
            "in practice.\n\n"
            "Everyone is welcome. Bring your questions."
        ),
        start_date=tuesday,
        start_time=dt.time(19, 0),
        end_time=dt.time(21, 0),
        venue=venue,
        capacity=60,
        max_guests=2,
        public_counts=PublicCounts.SEATS_LEFT,
    )
    events.publish_event(event=event)
    picture = SimpleUploadedFile("hall.png", demo_picture.hall_png())
    events.set_picture(event=event, upload=picture, alt_text=demo_picture.ALT_TEXT)
    _flyer_blocks(group, event, today)
    saturday = _saturday_after_the_flyer_s_meeting(today)
    demo_languages.ukrainian_meeting(group, venue, saturday)


def _tenants_union(organiser: User, today: dt.date) -> None:
    group = groups.create_group(
        owner=organiser,
        name="Riverside Tenants Union",
        slug="riverside-tenants",
        about="Renters on the Riverside estate, meeting monthly to fix repairs and rents together.",
        contact_email="riverside-tenants@example.org",
        time_zone=LONDON,
        language="en",
    )
    hall = groups.create_venue(
        group=group,
        name="St Mark's Hall",
        address_line1="12 Example Road",
        city="London",
        postcode="E1 6AN",
        country="United Kingdom",
        accessibility=(
            "Step-free entrance from the car park. Accessible toilet on the ground floor."
        ),
    )
    for day, title in (
        (today - dt.timedelta(days=21), "Repairs clinic and open meeting"),
        (today + dt.timedelta(days=17), "Rent rise: what we can do"),
    ):
        event = events.create_event(
            group=group,
            title=title,
            tagline="Monthly meeting of the Riverside Tenants Union",
            description="Bring letters from your landlord if you have them. Tea provided.",
            start_date=day,
            start_time=dt.time(18, 30),
            end_time=dt.time(20, 0),
            venue=hall,
            capacity=40,
        )
        events.publish_event(event=event)


# --- the flyer's statement, comparison table and quotation ---

# The day the sources below were looked up (stored copies of the public pages).
ACCESSED = dt.date(2026, 11, 26)

STATEMENT_TITLE = "From Ukraine to Palestine Occupation is a crime"
STATEMENT_BODY = """\
We hold to one principle: no people may be conquered, occupied or driven from its land,
whoever the occupier is and whoever stands behind it. Palestinians and Ukrainians are
each resisting a far larger power that denies them a future as a nation. Their histories
and their allies differ; their right to resist, by every legitimate military means, is
the same, and so is our duty to stand with them.

Too often solidarity comes with a filter. Western governments support Ukraine, hesitantly
and not enough, and refuse the same to Palestine: a double standard with roots in racism
and in the Cold War. Part of the left turns it inside out, defending Palestine while
repeating the Kremlin's imperial story about Ukraine. We reject both.

Solidarity has to be practical: links between movements, shared platforms, and answers
to the arguments used to set one struggle against another. The same test applies in
eastern Congo, in Sudan and in Kashmir. Come and discuss how we build it."""

CRITERIA = (
    "Invasion and occupation?",
    "Settler colonial?",
    "Authoritarian rule?",
    "Bombs civilians as collective punishment?",
    "Genocide?",
    "Relies on outside support?",
)
ASSESSED_CASES = ("Israel in Palestine", "Russia in Ukraine")
# The other conflicts the flyer names: on the web page, not yet assessed.
UNASSESSED_CASES = ("Rwanda and Uganda in eastern Congo", "Sudanese civil war", "Kashmir")


def _source(title: str, publisher: str, url: str, published: dt.date | None) -> dict:
    return {
        "title": title,
        "publisher": publisher,
        "url": url,
        "date_published": published,
        "date_accessed": ACCESSED,
    }


NAKBA = _source(
    "A history of Palestinian dispossession",
    "Overland",
    "https://overland.org.au/previous-issues/nakba70/essay-lana-tatour",
    None,  # the stored copy shows no date
)
GAZA_TOLL_35000 = _source(
    "Health ministry in Gaza says war death toll tops 35,000",
    "The Business Standard",
    "https://www.tbsnews.net/hamas-israel-war/health-ministry-gaza-says-war-death-toll-tops-35000-849186",
    dt.date(2024, 5, 12),
)
GAZA_TOLL_35233 = _source(
    "Health ministry in Gaza says war death toll at 35,233",
    "Al Arabiya (AFP)",
    "https://english.alarabiya.net/News/middle-east/2024/05/15/health-ministry-in-gaza-says-war-death-toll-at-35-233-",
    dt.date(2024, 5, 15),
)
ICJ_ORDER = _source(
    "Application of the Convention on the Prevention and Punishment of the Crime of "
    "Genocide in the Gaza Strip (South Africa v. Israel): Order of 26 January 2024",
    "International Court of Justice",
    "https://www.icj-cij.org/node/203447",
    dt.date(2024, 1, 26),
)
LEMKIN = _source(
    "Lemkin was right",
    "The Ukrainian Weekly",
    "https://ukrweekly.com/uwwp/lemkin-was-right",
    dt.date(2017, 12, 8),
)

# (criterion, case) -> (our assessment, its sources). "At least 18,000 civilians" has
# no source found yet: the consistency check lists it until one is added.
CELLS = {
    ("Invasion and occupation?", "Israel in Palestine"): (
        "Yes: more than 75 years of occupation, meant to keep the Palestinian nation "
        "subjugated and to take its land.",
        [NAKBA],
    ),
    ("Invasion and occupation?", "Russia in Ukraine"): (
        "Yes: the full-scale invasion of 2022 carried on the incursion begun in 2014, the "
        "latest chapter of centuries of imperial violence that has cost millions of lives.",
        [],
    ),
    ("Settler colonial?", "Israel in Palestine"): (
        "Yes: it drives Palestinians off their land by ethnic cleansing and builds "
        "settlements on it.",
        [],
    ),
    ("Settler colonial?", "Russia in Ukraine"): (
        "Yes: it has paid tens of thousands of Russians to settle in Ukrainian homes "
        "seized on occupied land.",
        [],
    ),
    ("Authoritarian rule?", "Israel in Palestine"): (
        "Apartheid: military rule over Palestinians in the areas occupied in 1967, and a "
        "lesser status for Palestinians everywhere else.",
        [],
    ),
    ("Authoritarian rule?", "Russia in Ukraine"): (
        "In the occupied areas: military rule, sham elections, torture, and independent "
        "trade unions abolished. Before the invasion Ukraine was a democracy, flawed but "
        "real.",
        [],
    ),
    ("Bombs civilians as collective punishment?", "Israel in Palestine"): (
        "Yes: at least 35,000 people killed in Gaza, overwhelmingly civilians, and very "
        "likely many more.",
        [GAZA_TOLL_35000, GAZA_TOLL_35233],
    ),
    ("Bombs civilians as collective punishment?", "Russia in Ukraine"): (
        "Wherever it can. Air defences from Western states spare most Ukrainian cities "
        "the fate of Gaza, or of the cities Russia has already destroyed: Grozny in "
        "Chechnya, Aleppo in Syria, Mariupol in Ukraine. At least 18,000 civilians killed "
        "since 2022, and probably many more.",
        [],
    ),
    ("Genocide?", "Israel in Palestine"): (
        "Yes. In the case brought by South Africa, the International Court of Justice "
        "ordered Israel on 26 January 2024 to prevent genocidal acts against "
        "Palestinians in Gaza.",
        [ICJ_ORDER],
    ),
    ("Genocide?", "Russia in Ukraine"): (
        "Arguably. Putin talks of doing away with the Ukrainian nation, and where they "
        "could, Russian troops have carried out massacres, as in Bucha; Western arms and "
        "Ukrainian courage have kept him from killing more civilians. The word "
        "“genocide” was coined in the 1940s by a Pole, Raphael Lemkin, who called "
        "Moscow's policy in Ukraine a classic example of Soviet genocide.",
        [LEMKIN],
    ),
    ("Relies on outside support?", "Israel in Palestine"): (
        "Yes: vast military and financial backing from the US, Germany, the UK and "
        "others; oil from Azerbaijan through Turkey; surveillance technology developed "
        "with China.",
        [],
    ),
    ("Relies on outside support?", "Russia in Ukraine"): (
        "Yes: North Korean and Iranian weapons, Western machine tools, and oil bought by "
        "India and China.",
        [],
    ),
}

QUOTE = {
    "text": (
        "The goals declared by Israel for its ongoing operation against Hamas militants in "
        "Gaza seem nearly identical to those put forward by Moscow in its campaign against "
        "the Ukrainian government"
    ),
    "speaker": "Sergei Lavrov",
    "role": "Russia's Foreign Minister",
    "said_on": dt.date(2023, 12, 28),
    # The sentence as RT reported his interview with RIA Novosti, quoted in this article.
    "source_title": (
        "Objectives of Israel’s and Russia’s Wars ‘nearly Identical’ – Did Lavrov Shift "
        "Position on Gaza? (Palestine Chronicle)"
    ),
    "source_url": (
        "https://palvibes.com/objectives-of-israels-and-russias-wars-nearly-identical-"
        "did-lavrov-shift-position-on-gaza/"
    ),
}


def _flyer_blocks(group: Group, event: Event, today: dt.date) -> None:
    """The statement, the comparison table (published) and the quote, in the flyer's order."""
    statement = flyers.create_statement(
        group=group, title=STATEMENT_TITLE, body=STATEMENT_BODY, dated=today
    )
    table = comparisons.create_comparison(
        group=group,
        title="Occupation compared",
        slug="occupation-compared",
        introduction=(
            "Six questions we ask of every occupation. The flyer compares two cases; the "
            "other conflicts it names are on this table too, not yet assessed: help us "
            "assess them, with sources."
        ),
    )
    criteria = {
        label: comparisons.add_criterion(comparison=table, label=label) for label in CRITERIA
    }
    cases = {
        label: comparisons.add_case(comparison=table, label=label)
        for label in ASSESSED_CASES + UNASSESSED_CASES
    }
    cells = {
        (cell.criterion_id, cell.case_id): cell
        for cell in Cell.objects.filter(criterion__comparison=table)
    }
    for (criterion, case), (text, sources) in CELLS.items():
        cell = cells[criteria[criterion].pk, cases[case].pk]
        comparisons.set_cell(cell=cell, text=text, citations=sources)
    comparisons.publish(comparison=table)  # its check lists the unassessed cases and 18,000
    quote = flyers.create_quote(group=group, **QUOTE)
    for content in (statement, table, quote):
        flyers.attach(event=event, content=content)
