from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "turnout.groups"
    label = "groups"

    def ready(self) -> None:
        from turnout.core import schedule
        from turnout.groups import emails, tasks

        emails.register_renderers()
        schedule.register(
            name="forget-old-audit-entries", task=tasks.forget_old_audit_entries, every=3600
        )
