from django.apps import AppConfig


class MailingConfig(AppConfig):
    name = "turnout.mailing"
    label = "mailing"
