from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse


def absolute_url(viewname: str, **kwargs) -> str:
    """An absolute link for emails and feeds, built on TURNOUT_BASE_URL."""
    return settings.BASE_URL + reverse(viewname, kwargs=kwargs or None)


def site_host() -> str:
    """The site's host name, from TURNOUT_BASE_URL: how emails and feeds name the site."""
    return urlsplit(settings.BASE_URL).hostname or "localhost"
