from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "turnout.pages"
    label = "pages"
