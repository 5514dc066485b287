"""Settings of the bare prototype: as close to a default Django project as it runs.

The database comes from ``BARE_DATABASE_URL``; connections persist (and are
health-checked) as Turnout's do, so the comparison is of the work per request.
"""

import os

import dj_database_url

SECRET_KEY = os.environ.get("BARE_SECRET_KEY", "bare-prototype-secret-key-" + "x" * 30)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["bare_rsvp"]
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
ROOT_URLCONF = "bare_rsvp.urls"
WSGI_APPLICATION = "bare_rsvp.wsgi.application"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("BARE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bare_rsvp"),
        conn_max_age=int(os.environ.get("BARE_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
LOGGING = {"version": 1, "disable_existing_loggers": False}
