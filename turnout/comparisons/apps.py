from django.apps import AppConfig


class ComparisonsConfig(AppConfig):
    name = "turnout.comparisons"
    label = "comparisons"
