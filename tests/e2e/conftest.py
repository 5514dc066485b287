"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live server.

Everything under tests/e2e is marked ``browser`` and runs once, in the PostgreSQL pass
(``TURNOUT_TEST_DATABASE=postgres``). Never a downloaded browser: chromium is
``/usr/bin/chromium`` (or ``TURNOUT_CHROMIUM``).
"""

import os

# Playwright's sync API runs an event loop in this thread; the tests also use the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.chromium import launch

HERE = Path(__file__).resolve().parent
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder ``browser`` before ``-m`` selects."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, live_server):
    """Make a browser context on the live server: ``new_context(viewport=PHONE, ...)``.

    The phone context (``phone=True``) is 375x812 and respects the page's viewport meta.
    """
    contexts = []

    def make(*, phone: bool = False, **options):
        if phone:
            options = {"viewport": PHONE, "is_mobile": True, "has_touch": True, **options}
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(5_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A 1280x900 page in a fresh context."""
    return new_context().new_page()


@pytest.fixture
def log_in(live_server):
    """Log ``user`` into a browser context without the form, through a session cookie."""

    def log_in(context, user) -> None:
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return log_in
