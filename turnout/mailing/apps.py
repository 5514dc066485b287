from django.apps import AppConfig


class MailingConfig(AppConfig):
    name = "turnout.mailing"
    label = "mailing"

    def ready(self) -> None:
        from turnout.core import outbox
        from turnout.groups import sending
        from turnout.mailing.services import announcements, rendering
        from turnout.mailing.services.subscriptions import optin

        outbox.register(
            announcements.TEMPLATE,
            rendering.render_announcement,
            prepare=rendering.prepare_announcements,
        )
        outbox.register(optin.CONFIRM_TEMPLATE, optin.render_confirmation)
        sending.count_usage(announcements.quota_usage)
