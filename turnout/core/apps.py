from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "turnout.core"
    label = "core"

    def ready(self) -> None:
        # Imported here, not at the top: they load models, which an app's configuration
        # module may not do while Django is still loading the apps.
        from turnout.core import schedule, tasks

        schedule.register(name="purge-rate-counters", task=tasks.purge_rate_counters, every=3600)
