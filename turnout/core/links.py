from django.conf import settings
from django.urls import reverse


def absolute_url(viewname: str, **kwargs) -> str:
    """An absolute link for emails and feeds, built on TURNOUT_BASE_URL."""
    return settings.BASE_URL + reverse(viewname, kwargs=kwargs or None)
