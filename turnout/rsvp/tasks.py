"""Thin tasks: call a service."""

from django.db import OperationalError
from django_tasks import task

from turnout.core.tasks import TryAgain, retrying_task
from turnout.rsvp import messages_sending, notify, privacy, reminders
from turnout.rsvp import services as rsvp
from turnout.rsvp.models import MeetingMessage


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


@task()
def send_due_messages() -> int:
    """Periodic: start the organisers' messages scheduled for now or earlier."""
    return messages_sending.send_due()


@retrying_task(attempts=lambda: 5, base_seconds=lambda: 10)
def fan_out_meeting_message(*, message_id: int) -> int:
    """Write a message's emails to the people registered and enqueue their delivery."""
    found = MeetingMessage.objects.filter(
        pk=message_id, status=MeetingMessage.Status.SENDING
    ).first()
    if found is None:
        return 0
    try:
        return messages_sending.fan_out(message=found)
    except OperationalError as exc:  # the database busy past its timeout: try again
        raise TryAgain(f"database busy: {exc}") from exc
