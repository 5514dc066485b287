from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "turnout.groups"
    label = "groups"

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from turnout.core import schedule
        from turnout.groups import addresses, emails, tasks
        from turnout.groups.models import Group

        emails.register_renderers()
        schedule.register(
            name="forget-old-audit-entries", task=tasks.forget_old_audit_entries, every=3600
        )
        pre_delete.connect(
            addresses.keep_address_of_deleted_group,
            sender=Group,
            dispatch_uid="groups.keep_address_of_deleted_group",
        )
