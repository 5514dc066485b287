from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "turnout.events"
    label = "events"
