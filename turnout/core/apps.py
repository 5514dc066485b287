from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "turnout.core"
    label = "core"

    def ready(self) -> None:
        # Imported here, not at the top: they load models, which an app's configuration
        # module may not do while Django is still loading the apps.
        from django.core.signals import request_finished, request_started

        from turnout.core import outbox, pagecache, schedule, tasks
        from turnout.core.outbox import tasks as outbox_tasks

        request_started.connect(pagecache.request_started)
        request_finished.connect(pagecache.request_finished)

        schedule.register(name="purge-rate-counters", task=tasks.purge_rate_counters, every=3600)
        schedule.register(
            name="delete-finished-task-results",
            task=tasks.delete_finished_task_results,
            every=3600,
        )
        schedule.register(
            name="clear-expired-sessions", task=tasks.clear_expired_sessions, every=3600
        )
        schedule.register(name="forget-old-mail", task=outbox_tasks.forget_old_mail, every=3600)
        outbox.register(outbox.FINISHED, outbox.rendering.render_finished)
