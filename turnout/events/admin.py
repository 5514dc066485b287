from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from turnout.events import services as events
from turnout.events.models import Event, Topic


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """View-only for the instance admin (organisers edit events); cancelling is an action."""

    list_display = ["title", "group", "start_date", "start_time", "time_zone", "status"]
    list_filter = ["status", "unlisted"]
    search_fields = ["title", "group__name"]
    list_select_related = ["group"]
    actions = ["cancel"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Cancel the selected meetings"), permissions=["view"])
    def cancel(self, request, queryset):
        for event in queryset:
            events.cancel_event(event=event)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    """The short list of topics organisers tag meetings with, and "/" filters by."""

    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
