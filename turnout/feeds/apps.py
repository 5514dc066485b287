from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "turnout.feeds"
    label = "feeds"

    def ready(self) -> None:
        # Imported here, not at the top: they load models, which an app's configuration
        # module may not do while Django is still loading the apps.
        from turnout.core import schedule
        from turnout.feeds import tasks

        schedule.register(name="refresh-ics-imports", task=tasks.refresh_subscribed, every=3600)
