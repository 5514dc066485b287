from django.contrib import admin

from turnout.core.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The outbox, for the instance admin to look at; only the outbox changes it."""

    list_display = ["subject", "to_email", "kind", "status", "attempts", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to_email", "subject"]
    date_hierarchy = "created_at"
    show_full_result_count = False  # the outbox grows large; counting it is slow

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
