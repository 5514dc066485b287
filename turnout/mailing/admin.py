"""The instance admin sees announcements (the outbox's messages are core's), and changes none."""

from django.contrib import admin

from turnout.mailing.models import Announcement


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
