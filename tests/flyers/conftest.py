import pytest


@pytest.fixture(autouse=True)
def flyer_cache(settings, tmp_path):
    """Each test its own empty flyer cache, never the instance's var/ directory."""
    settings.TURNOUT_FLYER_CACHE_DIR = str(tmp_path / "flyers")
    return tmp_path / "flyers"


@pytest.fixture
def no_flyer_cache(settings):
    settings.TURNOUT_FLYER_CACHE_DIR = None
