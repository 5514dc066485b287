from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "turnout.feeds"
    label = "feeds"
