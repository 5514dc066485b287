"""The instance admin sees announcements and every queued message, and changes none."""

from django.contrib import admin

from turnout.mailing.models import Announcement, Message


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by services: the admin looks, the services change them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Announcement)
class AnnouncementAdmin(ReadOnlyAdmin):
    list_display = ["subject", "group", "status", "recipient_count", "created_at", "sent_at"]
    list_filter = ["status"]
    list_select_related = ["group"]
    search_fields = ["subject", "group__name", "group__slug"]
    date_hierarchy = "created_at"


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["subject", "to_email", "group", "kind", "status", "attempts", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["group"]
    search_fields = ["to_email", "subject"]
    date_hierarchy = "created_at"
    show_full_result_count = False  # the outbox grows large; counting it is slow
