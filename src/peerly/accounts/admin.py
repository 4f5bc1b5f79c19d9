from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from peerly.accounts.models import AvailabilityWindow, Profile, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "display_name"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    fieldsets = (
        (None, {"fields": ("email", "password", "display_name")}),
        (
            "Status",
            {
                "fields": (
                    "is_active",
                    "email_confirmed_at",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")},
        ),
    )


class WindowInline(admin.TabularInline):
    model = AvailabilityWindow
    extra = 0


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "timezone", "paused_until"]
    search_fields = ["user__email", "user__display_name", "team"]
    inlines = [WindowInline]
