from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse


def absolute_url(viewname: str, **kwargs) -> str:
    """An absolute link for emails and feeds, built on TURNOUT_BASE_URL."""
    return settings.BASE_URL + reverse(viewname, kwargs=kwargs or None)


def absolute_file_url(url: str) -> str:
    """A stored file's URL (``storage.url``) made absolute on TURNOUT_BASE_URL, unless
    its store already gives a full one (an S3-compatible store, a CDN)."""
    return settings.BASE_URL + url if url.startswith("/") else url


def site_host() -> str:
    """The site's host name, from TURNOUT_BASE_URL: how emails and feeds name the site."""
    return urlsplit(settings.BASE_URL).hostname or "localhost"
