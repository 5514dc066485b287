"""Thin tasks: call a service."""

from django_tasks import task

from turnout.groups import audit


@task()
def forget_old_audit_entries() -> int:
    """Periodic: delete audit log entries once they are a year old."""
    return audit.forget_old_entries()
