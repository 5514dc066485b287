import pytest

from tests.factories import make_event


@pytest.fixture
def small(group, venue):
    """Three seats, up to two guests each, email confirmation on."""
    return make_event(group=group, venue=venue, capacity=3, max_guests=2)
