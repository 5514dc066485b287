"""Thin tasks: call a service."""

from django_tasks import task

from turnout.rsvp import notify, privacy, reminders
from turnout.rsvp import services as rsvp


@task()
def expire_holds() -> int:
    """Periodic: release the seats of holds nobody confirmed in time."""
    return rsvp.expire_holds()


@task()
def send_reminders() -> int:
    """Periodic: email confirmed attendees of meetings whose reminder is due."""
    return reminders.send_due_reminders()


@task()
def anonymise_attendees() -> int:
    """Periodic: erase attendees' personal data once their group's retention has passed."""
    return privacy.anonymise_past_attendees()


@task()
def send_organiser_digests() -> int:
    """Periodic: the daily digest of registrations to each organiser who asked for it."""
    return notify.send_digests()
