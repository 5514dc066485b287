from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from turnout.groups import addresses
from turnout.groups import services as groups
from turnout.groups.models import Group, GroupSlug, Membership, User, Venue


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


class GroupSlugInline(admin.TabularInline):
    """The addresses the group has had, kept for good: shown, never edited here."""

    model = GroupSlug
    verbose_name_plural = _("addresses kept for this group")
    fields = readonly_fields = ["slug", "created_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class GroupAdminForm(forms.ModelForm):
    """The admin's group form (its fields are the admin's), refusing another group's
    address as the organisers' form does."""

    website = forms.URLField(
        label=_("website"), required=False, assume_scheme="https", max_length=200
    )

    def clean(self):
        cleaned = super().clean()
        try:  # another group's address, now or before: theirs for good
            addresses.check(slug=cleaned.get("slug", ""), group=self.instance)
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    form = GroupAdminForm
    list_display = ["name", "slug", "contact_email", "time_zone", "created_at", "email_approved_at"]
    list_filter = [("email_approved_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "slug", "contact_email"]
    inlines = [MembershipInline, GroupSlugInline]
    actions = ["approve_for_email"]

    def save_model(self, request, obj, form, change):
        groups.save_group(group=obj)  # keeps the old address, as the organisers' form does

    @admin.action(description=_("Approve for sending email"))
    def approve_for_email(self, request, queryset):
        for group in queryset:
            groups.approve_for_email(group=group)
        self.message_user(
            request,
            ngettext(
                "%(count)d group may now send email.",
                "%(count)d groups may now send email.",
                len(queryset),
            )
            % {"count": len(queryset)},
        )


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "group", "city", "postcode"]
    search_fields = ["name", "city", "postcode"]
    list_select_related = ["group"]
