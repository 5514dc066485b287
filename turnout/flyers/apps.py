from django.apps import AppConfig


class FlyersConfig(AppConfig):
    name = "turnout.flyers"
    label = "flyers"
