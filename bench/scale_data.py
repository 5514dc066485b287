"""The data of bench/scale.py: a site with many groups, made in bulk by SQL in seconds.

Through the services it would take hours; ``INSERT … SELECT generate_series`` writes
rows as the services would have left them (the stored Markdown and its stamp made by
turnout.core.rendered, counters that match the registrations, reminders sent and
registrations anonymised where their time is past). The demo (turnout/demo.py) comes
first, made through the services: its meeting with a statement, a table and a quote is
the measured meeting page, and its group is the measured group page.

What the page benchmarks show stays the same size at every scale, so that only the
rest of the site grows: the measured group has ``GROUP_PAST`` past meetings, the
measured meeting ``CROWD`` confirmed people. The rest scales with ``--meetings``:
per 100,000 meetings, 10,000 groups (a venue each, in one of ``CITIES``), a third of
the meetings past, 1,000,000 registrations, 200,000 followers from the fediverse and
2,000,000 mail records.
"""

import time

GROUP_PAST = 500  # past meetings of the measured group
CROWD = 5000  # confirmed people registered for the measured meeting
PER_100K = {"groups": 10_000, "registrations": 1_000_000, "followers": 200_000, "mail": 2_000_000}
CITIES = [
    "London", "Manchester", "Leeds", "Glasgow", "Cardiff", "Belfast", "Bristol", "Київ",
    "Львів", "Харків", "Одеса", "القاهرة", "عمّان", "Berlin", "Hamburg", "Paris", "Lyon",
    "Madrid", "Lisboa", "Roma", "Wien", "Warszawa", "Kraków", "Praha", "Budapest",
]  # fmt: skip
EXTRA_TOPICS = ["Work", "Climate", "Transport", "Health", "Education", "Culture", "Migration"]
DESCRIPTION = "Everyone is welcome. **Bring a friend.** Reports, plans and questions."


def sizes(meetings: int, *, crowd: int = CROWD, group_past: int = GROUP_PAST) -> dict[str, int]:
    """How many of each, for ``meetings`` meetings in all (smaller ``crowd`` and
    ``group_past`` for a smoke test)."""
    scale = meetings / 100_000
    out = {name: max(int(n * scale), 10) for name, n in PER_100K.items()}
    out["registrations"] = max(out["registrations"], crowd + 10)
    return {"meetings": meetings, "crowd": crowd, "group_past": group_past, **out}


def generate(database_url: str, n: dict[str, int]) -> dict:
    """The demo through the services, then the bulk rows; the measured pages' paths."""
    import psycopg
    from django.utils import timezone

    from turnout.core.markdown import render_markdown
    from turnout.core.rendered import stamp
    from turnout.demo import load_demo
    from turnout.events.models import Event

    load_demo(organiser_email="organiser@example.org", organiser_password="x" * 20)
    meeting = Event.objects.select_related("group").get(title="What internationalism means")
    html = str(render_markdown(DESCRIPTION))
    params = {
        "now": timezone.now(),
        "group": meeting.group_id,
        "meeting": meeting.pk,
        "html": html,
        "stamp": stamp(DESCRIPTION, html),
        "description": DESCRIPTION,
        "cities": CITIES,
        "topics": EXTRA_TOPICS,
        **n,
    }
    params["others"] = max(n["meetings"] - Event.objects.count() - n["group_past"], 10)
    timings = {}
    with psycopg.connect(database_url, autocommit=True) as conn:
        for name, sql in STEPS:
            t0 = time.monotonic()
            conn.execute(sql, params)
            timings[name] = round(time.monotonic() - t0, 1)
        conn.execute("VACUUM ANALYZE")
        counts = {t: conn.execute(COUNT % t).fetchone()[0] for t in TABLES}
    group, slug = meeting.group.slug, meeting.slug
    return {
        "sizes": counts,
        "seconds": timings,
        "meeting_path": f"/{group}/events/{slug}/",
        "group_slug": group,
        "event_slug": slug,
    }


COUNT = "SELECT count(*) FROM %s"  # our own table names, never input
TABLES = [
    "groups_group", "events_event", "rsvp_registration", "federation_follower",
    "core_message", "events_event_topics",
]  # fmt: skip

# Each step one statement, with the parameters of ``generate``. Row numbers (n) tie the
# rows together: group n's venue, meeting i's group, registration j's meeting.
STEPS = [
    (
        "topics",
        """INSERT INTO events_topic (name, slug)
        SELECT t, lower(t) FROM unnest(%(topics)s::text[]) AS t ON CONFLICT DO NOTHING""",
    ),
    (
        "groups",
        """INSERT INTO groups_group (name, slug, about, about_rendered, about_stamp,
            contact_email, website, time_zone, language, created_at, anonymise_after_days,
            require_two_factor, manually_approves_followers, federation_id, search_name)
        SELECT 'Group ' || n, 'scale-' || n, '', '', '', 'group' || n || '@example.org', '',
            'Europe/London', 'en', %(now)s, 90, false, false, gen_random_uuid(), ' group ' || n
        FROM generate_series(1, %(groups)s) AS n""",
    ),
    (
        "addresses",
        """INSERT INTO groups_groupslug (slug, group_id, created_at)
        SELECT slug, id, created_at FROM groups_group WHERE slug LIKE 'scale-%%'""",
    ),
    (
        "venues",
        """INSERT INTO groups_venue (group_id, name, address_line1, address_line2, city,
            postcode, country, accessibility)
        SELECT id, 'Hall ' || id, id || ' High Street', '',
            (%(cities)s::text[])[1 + id %% cardinality(%(cities)s::text[])], '', '', ''
        FROM groups_group WHERE slug LIKE 'scale-%%'""",
    ),
    (
        "meetings",  # the measured group's past meetings, then the others' (a third past)
        """WITH g AS (
            SELECT row_number() OVER (ORDER BY g.id) AS n, g.id, v.id AS venue
            FROM groups_group g JOIN groups_venue v ON v.group_id = g.id
            WHERE g.slug LIKE 'scale-%%'),
        planned AS (
            SELECT i, %(group)s AS group_id,
                (SELECT min(id) FROM groups_venue WHERE group_id = %(group)s) AS venue,
                %(now)s - make_interval(days => 3 * i, hours => 2) AS starts_at
            FROM generate_series(1, %(group_past)s) AS i
            UNION ALL
            SELECT i, g.id, g.venue, CASE WHEN i %% 3 = 0
                THEN %(now)s - make_interval(days => 1 + i %% 700, hours => i %% 24)
                ELSE %(now)s + make_interval(days => i %% 700, hours => 1 + i %% 24) END
            FROM generate_series(%(group_past)s + 1, %(group_past)s + %(others)s) AS i
            JOIN g ON g.n = 1 + i %% %(groups)s)
        INSERT INTO events_event (group_id, venue_id, slug, title, tagline, description,
            description_rendered, description_stamp, start_date, start_time, end_date,
            end_time, time_zone, starts_at, ends_at, language, online_url, capacity,
            max_guests, confirmation_required, approval_required, public_counts,
            reminder_hours, reminder_due_at, all_day, sequence, external_uid, external_url,
            seats_taken, seats_held, waitlist_counter, status, unlisted, address_private,
            address_area, search_text, picture_on_flyer, federation_id, created_at,
            updated_at, published_at, cancelled_at)
        SELECT group_id, venue,
            CASE WHEN i %% 100 = 7 THEN substr(md5(i::text), 1, 16) ELSE 'meeting-' || i END,
            'Open meeting ' || i, 'Reports, plans and questions', %(description)s, %(html)s,
            %(stamp)s, (starts_at AT TIME ZONE 'UTC')::date,
            (starts_at AT TIME ZONE 'UTC')::time, (ends AT TIME ZONE 'UTC')::date,
            (ends AT TIME ZONE 'UTC')::time, 'UTC', starts_at, ends,
            (ARRAY['en', 'uk', 'ar'])[1 + i %% 3], '', 40, 0, true, false, 'capacity', 24,
            starts_at - interval '24 hours', false, 0, '', '', 0, 0, 0,
            CASE WHEN i %% 50 = 3 THEN 'draft' WHEN i %% 50 = 4 THEN 'cancelled'
                ELSE 'published' END,
            i %% 100 = 7, false, '', ' open meeting ' || i || ' reports, plans and questions',
            false, gen_random_uuid(), starts_at - interval '30 days',
            starts_at - interval '30 days',
            CASE WHEN i %% 50 = 3 THEN NULL ELSE starts_at - interval '30 days' END,
            CASE WHEN i %% 50 = 4 THEN starts_at - interval '2 days' END
        FROM (SELECT *, starts_at + interval '2 hours' AS ends FROM planned) AS p""",
    ),
    (
        "public towns",  # as turnout.events.places.public_city gives them
        """UPDATE events_event e SET public_city = v.city FROM groups_venue v
        WHERE v.id = e.venue_id AND NOT e.address_private""",
    ),
    (
        "topics of meetings",
        """INSERT INTO events_event_topics (event_id, topic_id)
        SELECT e.id, (SELECT array_agg(id ORDER BY id) FROM events_topic)[1 + e.id %%
            (SELECT count(*) FROM events_topic)]
        FROM events_event e WHERE e.title LIKE 'Open meeting %%'
        ON CONFLICT DO NOTHING""",
    ),
    (
        "registrations",  # the crowd at the measured meeting, then 10 a meeting or so
        """WITH e AS (
            SELECT row_number() OVER (ORDER BY id) AS n, id, starts_at, ends_at,
                reminder_due_at
            FROM events_event WHERE title LIKE 'Open meeting %%' AND status <> 'draft'),
        planned AS (
            SELECT j, %(meeting)s AS event_id, m.starts_at, m.ends_at, m.reminder_due_at
            FROM generate_series(1, %(crowd)s) AS j, events_event m WHERE m.id = %(meeting)s
            UNION ALL
            SELECT j, e.id, e.starts_at, e.ends_at, e.reminder_due_at
            FROM generate_series(%(crowd)s + 1, %(registrations)s) AS j
            JOIN e ON e.n = 1 + j %% (SELECT count(*) FROM e)),
        timed AS (
            SELECT *, least(starts_at, %(now)s) - make_interval(days => 1 + j %% 20) AS made,
                ends_at < %(now)s - interval '91 days' AS gone,
                j %% 20 = 5 AS cancelled
            FROM planned)
        INSERT INTO rsvp_registration (event_id, name, email, guests, access_needs, note,
            status, token_secret, token_hash, created_at, confirmed_at, email_confirmed_at,
            cancelled_at, source, language, over_capacity, check_in_override, reminded_at,
            anonymised_at)
        SELECT event_id,
            CASE WHEN gone THEN '' ELSE 'Person ' || j END,
            CASE WHEN gone THEN '' ELSE 'person' || j || '@d' || j %% 500 || '.example.org' END,
            0, '', '', CASE WHEN cancelled THEN 'cancelled' ELSE 'confirmed' END,
            md5(j::text) || md5('s' || j), md5('h' || j) || md5(j || 'h'), made, made, made,
            CASE WHEN cancelled THEN made + interval '1 day' END, 'form', 'en', false, false,
            CASE WHEN reminder_due_at < %(now)s - interval '1 hour' AND NOT cancelled
                THEN reminder_due_at END,
            CASE WHEN gone THEN ends_at + interval '90 days' END
        FROM timed""",
    ),
    (
        "seats",
        """UPDATE events_event e SET seats_taken = c.seats,
            capacity = greatest(e.capacity, c.seats + 100)
        FROM (SELECT event_id, count(*) AS seats FROM rsvp_registration
              WHERE status = 'confirmed' GROUP BY event_id) AS c
        WHERE c.event_id = e.id""",
    ),
    (
        "followers",
        """WITH g AS (SELECT row_number() OVER (ORDER BY id) AS n, id FROM groups_group)
        INSERT INTO federation_follower (group_id, actor_id, inbox, shared_inbox, follow_id,
            accepted_at, created_at)
        SELECT g.id, 'https://fedi' || k %% 500 || '.example/users/u' || k,
            'https://fedi' || k %% 500 || '.example/users/u' || k || '/inbox',
            'https://fedi' || k %% 500 || '.example/inbox',
            'https://fedi' || k %% 500 || '.example/follows/' || k, %(now)s, %(now)s
        FROM generate_series(1, %(followers)s) AS k
        JOIN g ON g.n = 1 + k %% (SELECT count(*) FROM g)""",
    ),
    (
        "mail",  # each registration's emails (confirmation, reminder…), sent
        """WITH r AS (SELECT min(id) AS low, count(*) AS n FROM rsvp_registration),
        t AS (SELECT id FROM django_content_type
              WHERE app_label = 'rsvp' AND model = 'registration')
        INSERT INTO core_message (kind, to_email, language, params, bulk, about_type_id,
            about_id, subject, status, attempts, last_error, created_at, sent_at)
        SELECT (ARRAY['rsvp/email/confirm', 'rsvp/email/confirmed', 'rsvp/email/reminder',
                'mailing/email/announcement'])[1 + m %% 4],
            'person' || m || '@example.org', 'en', '{}'::jsonb, m %% 4 = 3, t.id,
            r.low + m %% r.n, 'About your place', 'sent', 1, '',
            sent, sent
        FROM (SELECT m, %(now)s - make_interval(mins => m %% 500000) AS sent
              FROM generate_series(1, %(mail)s) AS m) AS s, r, t""",
    ),
]
