from django.apps import AppConfig


class RsvpConfig(AppConfig):
    name = "turnout.rsvp"
    label = "rsvp"
