from django.apps import AppConfig


class RsvpConfig(AppConfig):
    name = "turnout.rsvp"
    label = "rsvp"

    def ready(self) -> None:
        # Imported here, not at the top: they load models, which an app's configuration
        # module may not do while Django is still loading the apps.
        from turnout.core import schedule
        from turnout.groups import sending
        from turnout.rsvp import messages, messages_sending, notify, receivers, tasks
        from turnout.rsvp.services import emails

        receivers.connect()
        schedule.register(name="expire-rsvp-holds", task=tasks.expire_holds, every=60)
        schedule.register(name="send-rsvp-reminders", task=tasks.send_reminders, every=60)
        schedule.register(name="anonymise-attendees", task=tasks.anonymise_attendees, every=3600)
        # Hourly: a digest goes once a (UTC) day, at the first run after midnight.
        schedule.register(
            name="send-organiser-digests", task=tasks.send_organiser_digests, every=3600
        )
        schedule.register(name="send-meeting-messages", task=tasks.send_due_messages, every=60)
        sending.count_usage(messages_sending.quota_usage)
        emails.register_renderers()
        notify.register_renderers()
        messages.register_renderers()
