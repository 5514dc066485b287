from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "turnout.events"
    label = "events"

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from turnout.events import addresses
        from turnout.events.models import Event

        pre_delete.connect(
            addresses.keep_address_of_deleted_event,
            sender=Event,
            dispatch_uid="events.keep_address_of_deleted_event",
        )
