from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from turnout.groups.models import Group, Membership, User, Venue


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "email_verified", "is_staff", "date_joined"]
    search_fields = ["email", "name"]
    list_filter = ["email_verified", "is_staff", "is_active"]
    fieldsets = [
        (None, {"fields": ["email", "password", "name", "email_verified"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "name", "password1", "password2"]})]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "contact_email", "time_zone", "created_at"]
    search_fields = ["name", "slug", "contact_email"]
    inlines = [MembershipInline]


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "group", "city", "postcode"]
    search_fields = ["name", "city", "postcode"]
    list_select_related = ["group"]
