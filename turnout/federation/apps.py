from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "turnout.federation"
    label = "federation"

    def ready(self) -> None:
        # Imported here, not at the top: they load models, which an app's configuration
        # module may not do while Django is still loading the apps.
        from django.utils.translation import gettext_lazy

        from turnout.core import schedule
        from turnout.federation import delivery, following, receivers, tasks
        from turnout.groups import people_links

        receivers.connect()
        # Delivery: retries and the claims of a killed worker, then the old rows.
        schedule.register(name="deliver-federation", task=tasks.deliver, every=delivery.every())
        schedule.register(
            name="purge-federation-deliveries", task=tasks.purge_deliveries, every=3600
        )
        schedule.register(name="purge-inbox-items", task=tasks.purge_inbox_items, every=3600)
        # The organisers' page of follows waiting, linked from the group's People page.
        people_links.register(
            key="fediverse",
            label=gettext_lazy("Followers on the fediverse"),
            url_name="organise:fediverse",
            note=following.waiting_note,
        )
