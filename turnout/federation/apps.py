from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "turnout.federation"
    label = "federation"

    def ready(self) -> None:
        # Imported here, not at the top: they load models, which an app's configuration
        # module may not do while Django is still loading the apps.
        from django.conf import settings

        from turnout.core import schedule
        from turnout.federation import receivers, tasks

        receivers.connect()
        # Delivery: retries and the claims of a killed worker, then the old rows.
        schedule.register(
            name="deliver-federation",
            task=tasks.deliver,
            every=settings.TURNOUT_FEDERATION_DELIVERY_EVERY_SECONDS,
        )
        schedule.register(
            name="purge-federation-deliveries", task=tasks.purge_deliveries, every=3600
        )
