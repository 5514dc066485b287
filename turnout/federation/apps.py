from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "turnout.federation"
    label = "federation"

    def ready(self) -> None:
        # Imported here, not at the top: they load models, which an app's configuration
        # module may not do while Django is still loading the apps.
        from turnout.core import schedule
        from turnout.federation import delivery, receivers, tasks

        receivers.connect()
        # Delivery: retries and the claims of a killed worker, then the old rows.
        schedule.register(
            name="deliver-federation",
            task=tasks.deliver,
            every=delivery.every(),
        )
        schedule.register(
            name="purge-federation-deliveries", task=tasks.purge_deliveries, every=3600
        )
