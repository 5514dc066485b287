"""Tasks used only by the tests (imported by real worker processes)."""

from django_tasks import task


@task()
def tick() -> str:
    return "tick"


@task()
def sleep_then_succeed(seconds: float) -> str:
    import time

    time.sleep(seconds)
    return "slept"
