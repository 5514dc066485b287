"""The instance admin's view of ICS imports: read-only, for support and moderation."""

from django.contrib import admin

from turnout.feeds.models import AlliedEvent, ImportSource


@admin.register(ImportSource)
class ImportSourceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "group", "mode", "state", "subscribed", "fetched_at"]
    list_filter = ["mode", "state", "subscribed"]
    search_fields = ["url", "name", "group__slug"]
    exclude = ["found"]
    readonly_fields = ["group", "created_by", "created_at", "fetched_at"]


@admin.register(AlliedEvent)
class AlliedEventAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "source", "starts_at", "status"]
    list_filter = ["status"]
    search_fields = ["title", "uid", "group__slug"]
    raw_id_fields = ["source", "group"]
