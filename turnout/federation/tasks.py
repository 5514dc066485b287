"""Federation's tasks, on their own queue ("federation"): they wait on other servers, and
the workers that send email must not be the ones waiting. Thin: each calls a service."""

from django_tasks import task

from turnout.federation import inbox_worker

QUEUE = "federation"


# --- The inbox (issue 21, item 4): turnout.federation.inbox_worker ---


@task(queue_name=QUEUE)
def work_inbox_item(item_id: int) -> str:
    """Verify an item the inbox kept and act on it."""
    return inbox_worker.work(item_id)


@task(queue_name=QUEUE)
def purge_inbox_items() -> int:
    """Periodic: inbox items a week old go."""
    return inbox_worker.purge()


# --- end of the inbox's tasks ---
