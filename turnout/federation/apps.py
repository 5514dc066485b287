from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "turnout.federation"
    label = "federation"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy

        from turnout.core import schedule
        from turnout.federation import following, tasks
        from turnout.groups import people_links

        # The inbox's (issue 21, item 4).
        schedule.register(name="purge-inbox-items", task=tasks.purge_inbox_items, every=3600)
        people_links.register(
            key="fediverse",
            label=gettext_lazy("Followers on the fediverse"),
            url_name="organise:fediverse",
            note=following.waiting_note,
        )
