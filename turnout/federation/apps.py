from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "turnout.federation"
    label = "federation"

    def ready(self) -> None:
        from turnout.core import schedule
        from turnout.federation import tasks

        # The inbox's (issue 21, item 4).
        schedule.register(name="purge-inbox-items", task=tasks.purge_inbox_items, every=3600)
