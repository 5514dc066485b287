"""Thin tasks: call a service."""

from django_tasks import task

from turnout.rsvp import services as rsvp


@task()
def expire_holds() -> int:
    """Periodic: release the seats of holds nobody confirmed in time."""
    return rsvp.expire_holds()
