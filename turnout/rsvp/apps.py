from django.apps import AppConfig


class RsvpConfig(AppConfig):
    name = "turnout.rsvp"
    label = "rsvp"

    def ready(self) -> None:
        # Imported here, not at the top: it loads models, which an app's configuration
        # module may not do while Django is still loading the apps.
        from turnout.rsvp import receivers

        receivers.connect()
