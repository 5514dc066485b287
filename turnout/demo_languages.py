"""Demo meetings written in Ukrainian and in Arabic (issue 18), in our own words: what
the groups Turnout serves run for their own communities. Their pages follow the
visitor's language; their flyers, calendar text and emails the meeting's own."""

import datetime as dt

from turnout.events import services as events
from turnout.events.models import PublicCounts
from turnout.groups import services as groups
from turnout.groups.models import Group, User, Venue

LONDON = "Europe/London"


def ukrainian_meeting(group: Group, venue: Venue, day: dt.date) -> None:
    """The Ukraine Information Group's meeting, in Ukrainian, for families newly arrived."""
    event = events.create_event(
        group=group,
        language="uk",
        title="Щойно приїхали? Зустріч для родин",
        slug="newly-arrived-families",
        tagline="Житло, школа, лікар і документи: з чого почати в Лондоні",
        description=(
            "Ця зустріч — для родин, які нещодавно приїхали з України, і для всіх, хто їм "
            "допомагає. Волонтери, які самі пройшли цей шлях, розкажуть, як записатися до "
            "сімейного лікаря (GP), знайти місце в школі чи садочку, шукати житло й не "
            "загубитися в паперах.\n\n"
            "Говоримо українською, а поруч будуть люди, які допоможуть з англійською. "
            "Приходьте з дітьми: для них буде куточок з іграми та малюванням.\n\n"
            "Беріть із собою запитання — разом знайдемо відповіді."
        ),
        start_date=day,
        start_time=dt.time(11, 0),
        end_time=dt.time(13, 0),
        venue=venue,
        capacity=30,
        max_guests=4,
        public_counts=PublicCounts.SEATS_LEFT,
    )
    events.publish_event(event=event)


def arabic_group(organiser: User, day: dt.date) -> None:
    """A Sudanese and Palestinian community group in East London, and its open meeting on
    housing rights, in Arabic."""
    group = groups.create_group(
        owner=organiser,
        name="الجالية السودانية والفلسطينية في شرق لندن",
        slug="sudanese-palestinian-community",
        about=(
            "نحن عائلات من السودان وفلسطين نعيش في شرق لندن. نلتقي لنساند بعضنا في السكن "
            "والعمل والدراسة، ولنبقى قريبين من أهلنا في الوطن. لقاءاتنا مفتوحة للجميع."
        ),
        contact_email="sudanese-palestinian-community@example.org",
        time_zone=LONDON,
        language="ar",
    )
    hall = groups.create_venue(
        group=group,
        name="Bow Community Hall",
        address_line1="3 Example Lane",
        city="London",
        postcode="E3 2AB",
        country="United Kingdom",
        accessibility="المدخل بلا درج، ودورة مياه مهيّأة في الطابق الأرضي.",
    )
    event = events.create_event(
        group=group,
        title="حقّك في السكن: لقاء مفتوح للعائلات",
        slug="housing-rights",
        tagline="ماذا تفعل إذا رفع المالك الإيجار أو طلب منك ترك البيت؟",
        description=(
            "كثير منّا يسكن في بيوت مستأجرة فيها رطوبة أو ازدحام، ويتردّد في الشكوى خوفًا "
            "من أن يخسر بيته. في هذا اللقاء يشرح متطوعون من نقابة المستأجرين في الحي حقوق "
            "المستأجر في إنجلترا: الإصلاحات، ورفع الإيجار، وإشعار الإخلاء، وأين تجد "
            "المساعدة مجانًا.\n\n"
            "الحديث بالعربية، ومعنا من يترجم من الإنجليزية وإليها. أحضر عقد الإيجار أو "
            "رسائل المالك إن كانت معك، ونقرؤها معًا.\n\n"
            "الشاي والقهوة علينا، والأطفال مرحَّب بهم."
        ),
        start_date=day,
        start_time=dt.time(14, 0),
        end_time=dt.time(16, 30),
        venue=hall,
        capacity=50,
        max_guests=3,
    )
    events.publish_event(event=event)
