from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "turnout.groups"
    label = "groups"

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from turnout.groups import addresses, emails
        from turnout.groups.models import Group

        emails.register_renderers()
        pre_delete.connect(
            addresses.keep_address_of_deleted_group,
            sender=Group,
            dispatch_uid="groups.keep_address_of_deleted_group",
        )
