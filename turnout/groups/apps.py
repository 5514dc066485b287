from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "turnout.groups"
    label = "groups"

    def ready(self) -> None:
        from turnout.groups import emails

        emails.register_renderers()
