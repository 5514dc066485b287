from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "turnout.events"
    label = "events"

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_delete

        from turnout.events import addresses, places
        from turnout.events.models import Event
        from turnout.groups.models import Venue

        pre_delete.connect(
            addresses.keep_address_of_deleted_event,
            sender=Event,
            dispatch_uid="events.keep_address_of_deleted_event",
        )
        post_save.connect(places.venue_saved, sender=Venue, dispatch_uid="events.venue_saved")
