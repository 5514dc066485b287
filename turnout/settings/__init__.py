"""Turnout's one settings module, configured by environment variables only.

Every ``TURNOUT_*`` variable read here is listed in ``.env.example``. How much and how
often (background work, mail quotas, rate limits, fetches, the page cache) is in
``turnout/settings/limits.py``, imported at its place below.

Turnout runs in production mode unless ``TURNOUT_DEBUG`` is on, it was started
by ``turnout demo`` or the test settings are in use (both set ``TURNOUT_MODE``).
Production mode refuses to start without a secret key and a base URL, and with an
http:// base URL unless ``TURNOUT_ALLOW_HTTP`` is on.
"""

import datetime
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from turnout.core.email_url import parse_email_url
from turnout.settings.environment import BASE_DIR, MODE, PRODUCTION, VAR_DIR, env_bool
from turnout.settings.environment import DEBUG as DEBUG

SECRET_KEY = os.environ.get("TURNOUT_SECRET_KEY", "")
# Old secrets still accepted after a rotation (docs/admin-guide.md); commas or new lines.
_fallbacks = os.environ.get("TURNOUT_SECRET_KEY_FALLBACKS", "").replace("\n", ",").split(",")
SECRET_KEY_FALLBACKS = [old.strip() for old in _fallbacks if old.strip()]
BASE_URL = os.environ.get("TURNOUT_BASE_URL", "").rstrip("/")
if PRODUCTION:
    missing = [
        name
        for name, value in (("TURNOUT_SECRET_KEY", SECRET_KEY), ("TURNOUT_BASE_URL", BASE_URL))
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            "Turnout is in production mode and needs "
            + " and ".join(missing)
            + ". Set them (see .env.example), or set TURNOUT_DEBUG=1 on a development machine."
        )
if not SECRET_KEY:
    # Demo, test and debug runs only: a fixed, obviously insecure key.
    SECRET_KEY = "insecure-demo-key-do-not-use-in-production-" + "x" * 20
if not BASE_URL:
    BASE_URL = "http://127.0.0.1:8000"

_base = urlsplit(BASE_URL)
if _base.scheme not in {"http", "https"} or not _base.hostname:
    raise ImproperlyConfigured("TURNOUT_BASE_URL must look like https://events.example.org")
HTTPS = _base.scheme == "https"
if PRODUCTION and not HTTPS and not env_bool("TURNOUT_ALLOW_HTTP"):
    # Over http:// the session and CSRF cookies lose Secure and there is no HSTS.
    raise ImproperlyConfigured(
        "TURNOUT_BASE_URL must start with https:// in production: over http:// cookies "
        "and passwords travel in clear. Set TURNOUT_ALLOW_HTTP=1 only for a test server "
        "on a private network."
    )

ALLOWED_HOSTS = [_base.hostname]
if not PRODUCTION:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "testserver"]
CSRF_TRUSTED_ORIGINS = [f"{_base.scheme}://{_base.netloc}"]

# Behind a reverse proxy, trust its X-Forwarded-Proto (and X-Forwarded-For for
# the client address that rate limits count, see turnout.core.ratelimit).
TURNOUT_BEHIND_PROXY = env_bool("TURNOUT_BEHIND_PROXY")
if TURNOUT_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TURNOUT_HSTS_PRELOAD")
    SECURE_HSTS_PRELOAD = env_bool("TURNOUT_HSTS_PRELOAD")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Pages that show personal data or are reached by a secret link are sent with
# Cache-Control: no-store (turnout.core.headers): the organiser's side (accounts, password
# reset and invitations included), attendees' own pages, mailing-list links, the admin.
TURNOUT_NO_STORE_PATHS = ["/organise/", "/rsvp/", "/subscriptions/", "/admin/"]
# /.well-known/security.txt (RFC 9116): where to report a vulnerability, as URIs
# (mailto:… or https://…), comma-separated; none: the file is not there (404). Its
# Expires date: TURNOUT_SECURITY_EXPIRES (YYYY-MM-DD), or 180 days after each request.
TURNOUT_SECURITY_CONTACT = [
    uri if ":" in uri else f"mailto:{uri}"  # a bare address is an email address
    for uri in (part.strip() for part in os.environ.get("TURNOUT_SECURITY_CONTACT", "").split(","))
    if uri
]
_expires = os.environ.get("TURNOUT_SECURITY_EXPIRES", "").strip()
try:
    TURNOUT_SECURITY_EXPIRES = (
        datetime.datetime.combine(
            datetime.date.fromisoformat(_expires), datetime.time(), tzinfo=datetime.UTC
        )
        if _expires
        else None
    )
except ValueError:
    raise ImproperlyConfigured("TURNOUT_SECURITY_EXPIRES must be a date: YYYY-MM-DD.") from None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "turnout.core",
    "turnout.groups",
    "turnout.events",
    "turnout.rsvp",
    "turnout.mailing",
    "turnout.feeds",
    "turnout.comparisons",
    "turnout.flyers",
    "turnout.federation",
    "turnout.pages",  # last: it composes the others' pages (turnout/pages/__init__.py)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy, and no-store on TURNOUT_NO_STORE_PATHS.
    "turnout.core.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The visitor's language, among those whose catalogue is complete: the switcher's
    # cookie, a logged-in organiser's account, Accept-Language (turnout.core.languages).
    "turnout.core.languages.OfferedLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns TwoFactorRequired from an organiser page into "set it up, then come back".
    "turnout.groups.middleware.TwoFactorRequiredMiddleware",
    # Last, so it sees a view's 404 first: an old group or meeting address redirects.
    "turnout.pages.addresses.OldAddressMiddleware",
]

ROOT_URLCONF = "turnout.pages.urls"
WSGI_APPLICATION = "turnout.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("TURNOUT_DATABASE_URL", f"sqlite:///{VAR_DIR / 'turnout.sqlite3'}"),
        conn_max_age=int(os.environ.get("TURNOUT_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work beside a writer; IMMEDIATE makes every write
    # transaction take the database lock when it starts, not halfway through.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if MODE == "test" else 600

# The cache (turnout.core.pagecache: public pages, their versions, recent values):
# each process's own memory, or Redis shared by several servers with
# TURNOUT_CACHE_URL=redis://host:6379/0. Redis holds the cache only (tasks stay on the
# database queue); short timeouts, so that a Redis that is down costs little. "local"
# is always the process's own memory, for what depends only on its key (a template
# fragment such as the empty RSVP fields): no round trip, nothing to follow, never down.
_LOCAL = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"}
_cache_url = os.environ.get("TURNOUT_CACHE_URL", "").strip()
if not _cache_url:
    # Room for the pages' fragments of a few hundred meetings in each language (about
    # 10 MB a process), beside the pages: Django's default of 300 entries would cull them.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 3000},
        }
    }
elif urlsplit(_cache_url).scheme in ("redis", "rediss", "unix"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    raise ImproperlyConfigured("TURNOUT_CACHE_URL must start with redis://, rediss:// or unix://")
CACHES["local"] = _LOCAL

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "groups.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "organise:dashboard"
LOGOUT_REDIRECT_URL = "public:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
# Two-factor authentication (django-otp): the name authenticator apps show for the
# account, and the delays after wrong codes (1, 2, 4, 8 … seconds, doubling per failure).
OTP_TOTP_ISSUER = f"Turnout {_base.hostname}"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("uk", _("Ukrainian")), ("ar", _("Arabic"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Number formats of our own where Django's do not suit (Arabic: "1,000"); dates are
# translatable formats in the catalogues (turnout.core.timefmt).
FORMAT_MODULE_PATH = "turnout.core.formats"
# The language chosen in the switcher (turnout.core.languages), kept for a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Rendered flyers, named by a hash of what they show (turnout.flyers.cache); None: no cache.
TURNOUT_FLYER_CACHE_DIR = VAR_DIR / "flyers"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Pictures organisers upload (turnout.core.pictures), in STORAGES["default"]: files under
# TURNOUT_MEDIA_ROOT, served at TURNOUT_MEDIA_URL by the web server in front (`turnout
# demo` serves them itself), or an S3-compatible store (pip install 'turnout[s3]').
MEDIA_ROOT = Path(os.environ.get("TURNOUT_MEDIA_ROOT", VAR_DIR / "media")).resolve()
MEDIA_URL = os.environ.get("TURNOUT_MEDIA_URL", "/media/").rstrip("/") + "/"
TURNOUT_SERVE_MEDIA = not PRODUCTION
_s3 = {
    "bucket_name": os.environ.get("TURNOUT_S3_BUCKET_NAME"),
    "endpoint_url": os.environ.get("TURNOUT_S3_ENDPOINT_URL") or None,
    "region_name": os.environ.get("TURNOUT_S3_REGION_NAME") or None,
    "custom_domain": os.environ.get("TURNOUT_S3_CUSTOM_DOMAIN") or None,
}
if os.environ.get("TURNOUT_MEDIA_STORAGE", "files") == "s3":  # public files, plain URLs
    _options = {**_s3, "querystring_auth": False, "file_overwrite": False}
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _options}
# Where pages may load pictures from besides the site itself (Content-Security-Policy).
_media_hosts = [MEDIA_URL, _s3["endpoint_url"] or "", f"https://{_s3['custom_domain']}"]
TURNOUT_MEDIA_ORIGINS = [
    f"{u.scheme}://{u.netloc}"
    for u in map(urlsplit, _media_hosts)
    if u.scheme in {"http", "https"} and u.netloc not in {"", "None"}
]

# Requests larger than this are refused with a clear "too large" page (413).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
# Uploaded files (calendars, subscriber lists, comparison tables): reading a request stops
# once its files pass this size (turnout.core.uploads); a form may have a smaller limit.
try:
    TURNOUT_UPLOAD_MAX_MB = int(os.environ.get("TURNOUT_UPLOAD_MAX_MB", "5"))
except ValueError:
    TURNOUT_UPLOAD_MAX_MB = 0
if not 1 <= TURNOUT_UPLOAD_MAX_MB <= 100:
    raise ImproperlyConfigured("TURNOUT_UPLOAD_MAX_MB must be a whole number from 1 to 100.")
TURNOUT_UPLOAD_MAX_BYTES = TURNOUT_UPLOAD_MAX_MB * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "turnout.core.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

_email = parse_email_url(os.environ.get("TURNOUT_EMAIL_URL", "console://"))
EMAIL_BACKEND = _email.backend
EMAIL_HOST = _email.host
EMAIL_PORT = _email.port
EMAIL_HOST_USER = _email.user
EMAIL_HOST_PASSWORD = _email.password
EMAIL_USE_TLS = _email.use_tls
EMAIL_USE_SSL = _email.use_ssl
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("TURNOUT_FROM_EMAIL", f"Turnout <noreply@{_base.hostname}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

from turnout.settings.limits import *  # noqa: E402, F403 (how much and how often)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "turnout.core.logredact.RedactTokens"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}

CSRF_FAILURE_VIEW = "turnout.core.views.csrf_failure"
