from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "turnout.pages"
    label = "pages"

    def ready(self) -> None:
        # Imported here: it loads models, which may not happen while apps are loading.
        from turnout.pages import receivers

        receivers.connect()
