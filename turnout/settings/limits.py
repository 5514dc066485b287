"""How much and how often: background work, mail quotas and limits, rate limits, fetches
from other servers and the page cache. Part of turnout.settings, which imports it."""

import os

from turnout.settings.environment import PRODUCTION, VAR_DIR, env_bool

# Background work: Django's Tasks API on the database queue; the task row commits or
# rolls back with the change. What waits on other servers (calendar "imports", fediverse
# deliveries, "federation") has its own queue, never holding up email (docs/admin-guide.md).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "email", "imports", "federation"],
    }
}
# A RUNNING task whose worker has sent no heartbeat for this long is run again.
TURNOUT_WORKER_LEASE_SECONDS = float(os.environ.get("TURNOUT_WORKER_LEASE_SECONDS", "60"))
TURNOUT_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("TURNOUT_WORKER_HEARTBEAT_SECONDS", "5"))
# Email delivery: attempts before a message shows as failed, and the first retry delay
# (then doubling: 30 s, 1 min, 2 min … capped at an hour; 10 attempts span about 3 hours).
TURNOUT_EMAIL_ATTEMPTS = int(os.environ.get("TURNOUT_EMAIL_ATTEMPTS", "10"))
TURNOUT_EMAIL_RETRY_SECONDS = float(os.environ.get("TURNOUT_EMAIL_RETRY_SECONDS", "30"))
# Mail sent on a group's behalf to people who did not ask (announcements, confirmation
# requests of imported contacts, invitations), over the last 24 hours: how many each
# group may send (a group's own limit in the admin overrides it), and all groups together
# (turnout.groups.sending).
TURNOUT_DAILY_EMAIL_QUOTA = int(os.environ.get("TURNOUT_DAILY_EMAIL_QUOTA", "2000"))
TURNOUT_INSTANCE_DAILY_EMAIL_QUOTA = int(
    os.environ.get("TURNOUT_INSTANCE_DAILY_EMAIL_QUOTA", "20000")
)
# Account mail anyone can ask for (verification, its re-send, password reset, "someone
# tried to sign up"): each kind at most this many to one address an hour, all kinds this
# many an hour from one client. Past either, nothing is sent and the page answers as always
# (it must not tell whether an account exists). Invitations too, with a message.
TURNOUT_ACCOUNT_EMAILS_PER_ADDRESS = int(os.environ.get("TURNOUT_ACCOUNT_EMAILS_PER_ADDRESS", "3"))
TURNOUT_ACCOUNT_EMAILS_PER_CLIENT = int(os.environ.get("TURNOUT_ACCOUNT_EMAILS_PER_CLIENT", "20"))
# What one organiser account may do: invitations an hour, new groups a day.
TURNOUT_INVITATIONS_PER_ACCOUNT = int(os.environ.get("TURNOUT_INVITATIONS_PER_ACCOUNT", "10"))
TURNOUT_NEW_GROUPS_PER_DAY = int(os.environ.get("TURNOUT_NEW_GROUPS_PER_DAY", "3"))
# Calendar imports may fetch private, loopback and link-local addresses (server-side
# request forgery): never in production unless an admin opts in for a development box.
TURNOUT_IMPORT_ALLOW_PRIVATE_ADDRESSES = env_bool(
    "TURNOUT_IMPORT_ALLOW_PRIVATE_ADDRESSES", not PRODUCTION
)
# The most a calendar fetch may take in all: name lookup, connection, headers and body.
TURNOUT_IMPORT_TIMEOUT_SECONDS = float(os.environ.get("TURNOUT_IMPORT_TIMEOUT_SECONDS", "10"))
# Federation: the most one request to another server may take. Loopback and private
# addresses are reached only in the tests (turnout/test_settings.py); no variable sets it.
TURNOUT_FEDERATION_TIMEOUT_SECONDS = float(
    os.environ.get("TURNOUT_FEDERATION_TIMEOUT_SECONDS", "10")
)
TURNOUT_FEDERATION_ALLOW_PRIVATE_ADDRESSES = False
# An inbox item whose signer's key cannot be fetched for a passing reason (the server
# down, slow, busy) is tried again: attempts in all, and the first delay, then doubling
# (±20%): 4, 8, 16 and 32 minutes, so refused about an hour after it came.
TURNOUT_FEDERATION_FETCH_ATTEMPTS = int(os.environ.get("TURNOUT_FEDERATION_FETCH_ATTEMPTS", "5"))
TURNOUT_FEDERATION_FETCH_RETRY_SECONDS = float(
    os.environ.get("TURNOUT_FEDERATION_FETCH_RETRY_SECONDS", "240")
)
TURNOUT_NODEINFO_CACHE_SECONDS = 600  # NodeInfo's counts are counted at most this often
# POSTs a minute to the inboxes from one actor's host; then 429 (turnout.federation.inbox).
TURNOUT_FEDERATION_INBOX_POSTS_PER_MINUTE = int(
    os.environ.get("TURNOUT_FEDERATION_INBOX_POSTS_PER_MINUTE", "300")
)
# Meetings are free (price 0), but search engines want a currency with every offer.
TURNOUT_PRICE_CURRENCY = os.environ.get("TURNOUT_PRICE_CURRENCY", "GBP")
# Whether a new group (or one renamed) waits for the instance admin's approval before it
# can mail people who did not ask (announcements, imports): on in production mode, off
# in the demo and the tests unless set.
TURNOUT_REQUIRE_GROUP_APPROVAL = env_bool("TURNOUT_REQUIRE_GROUP_APPROVAL", PRODUCTION)

# Rate limits on public forms; a benchmark's load client may be exempted.
TURNOUT_RATE_LIMIT_EXEMPT = [
    ip.strip() for ip in os.environ.get("TURNOUT_RATE_LIMIT_EXEMPT", "").split(",") if ip.strip()
]

# RSVPs (turnout.rsvp.services): a meeting with a capacity holds at most this percentage
# of its seats, and at least the minimum, for people who have not confirmed their email;
# and takes at most TURNOUT_RSVP_PER_DOMAIN RSVPs an hour from one email domain (public
# mail providers excepted).
TURNOUT_RSVP_HOLD_PERCENT = int(os.environ.get("TURNOUT_RSVP_HOLD_PERCENT", "25"))
TURNOUT_RSVP_HOLD_MIN = int(os.environ.get("TURNOUT_RSVP_HOLD_MIN", "5"))
TURNOUT_RSVP_PER_DOMAIN = int(os.environ.get("TURNOUT_RSVP_PER_DOMAIN", "20"))
# The public forms' limits: RSVPs from one client a minute and for one address to one
# meeting an hour; "follow by email" requests from one client a minute and for one
# address to one group an hour.
TURNOUT_RSVP_PER_CLIENT = int(os.environ.get("TURNOUT_RSVP_PER_CLIENT", "10"))
TURNOUT_RSVP_PER_EMAIL = int(os.environ.get("TURNOUT_RSVP_PER_EMAIL", "5"))
TURNOUT_SUBSCRIBE_PER_CLIENT = int(os.environ.get("TURNOUT_SUBSCRIBE_PER_CLIENT", "10"))
TURNOUT_SUBSCRIBE_PER_EMAIL = int(os.environ.get("TURNOUT_SUBSCRIBE_PER_EMAIL", "3"))
# The Share panel's Mastodon form (turnout.pages.views.share), from one client a minute.
TURNOUT_SHARE_PER_CLIENT = int(os.environ.get("TURNOUT_SHARE_PER_CLIENT", "30"))

# Logins (turnout.groups.logins): failed attempts count per account and client address,
# and per client address, in fixed windows of this many seconds; over either limit even
# the right password is refused until the window ends. A password reset starts the
# account's count again.
TURNOUT_LOGIN_WINDOW_SECONDS = int(os.environ.get("TURNOUT_LOGIN_WINDOW_SECONDS", "900"))
TURNOUT_LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("TURNOUT_LOGIN_FAILURES_PER_ACCOUNT", "5"))
TURNOUT_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("TURNOUT_LOGIN_FAILURES_PER_ADDRESS", "20"))

# Public pages for anonymous visitors are cached this long in each process
# (turnout.core.pagecache): seat counts are at most this stale. 0 turns it off.
TURNOUT_PAGE_CACHE_SECONDS = float(os.environ.get("TURNOUT_PAGE_CACHE_SECONDS", "2"))
# Pieces of public pages that are the same for every visitor (a meeting's statements and
# tables, the meetings' cards in lists) are kept this long under the versions of what they
# show (turnout.core.pagecache.fragment): a change is seen at once; what changes without
# a save of a row the pages follow, at most this late. 0 turns it off.
TURNOUT_FRAGMENT_CACHE_SECONDS = float(os.environ.get("TURNOUT_FRAGMENT_CACHE_SECONDS", "600"))
# Touched to drop every process's cached pages at once (turnout.core.pagecache.drop_all).
TURNOUT_PAGE_CACHE_STAMP = VAR_DIR / "pagecache.stamp"
