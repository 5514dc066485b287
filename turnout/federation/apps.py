from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "turnout.federation"
    label = "federation"
