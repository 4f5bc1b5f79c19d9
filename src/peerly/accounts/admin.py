from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Q

from peerly.accounts.models import MEMBER_PROFILE_FIELDS
from peerly.accounts.models import VISIBLE_FIELDS
from peerly.accounts.models import AvailabilityWindow
from peerly.accounts.models import Profile
from peerly.accounts.models import User
from peerly.accounts.models import Visibility
from peerly.accounts.selectors import can_see
from peerly.accounts.selectors import visible_q


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


# Site admins see a profile as the member's organisers do: a field the member set to
# "Only me" is left out of the change page (so saving the page cannot change it either), the
# page says which fields are hidden, and the member's visibility choices are read-only.
ADMIN_LEVEL = Visibility.ORGANISERS
PROFILE_FIELDS = [
    "user",
    *MEMBER_PROFILE_FIELDS,
    "paused_until",
    "field_visibility",
    "hidden_fields",
]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "shown_team", "shown_timezone", "paused_until"]
    search_fields = ["user__email", "user__display_name"]
    inlines = [WindowInline]

    def get_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is None:
            return [f for f in PROFILE_FIELDS if f != "hidden_fields"]
        return [
            f for f in PROFILE_FIELDS if f not in VISIBLE_FIELDS or can_see(obj, f, ADMIN_LEVEL)
        ]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return (
            ["user", "field_visibility", "hidden_fields"] if obj is not None else ["hidden_fields"]
        )

    def get_inlines(self, request, obj):  # type: ignore[no-untyped-def]
        if obj is not None and not can_see(obj, "availability", ADMIN_LEVEL):
            return []
        return self.inlines

    def get_search_results(self, request, queryset, search_term):  # type: ignore[no-untyped-def]
        """Also finds a team, but only where the member shows it to organisers."""
        results, duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            by_team = queryset.filter(
                Q(team__icontains=search_term) & visible_q(field="team", level=ADMIN_LEVEL)
            )
            results = results | by_team
        return results, duplicates

    @admin.display(description="Hidden by the member")
    def hidden_fields(self, obj: Profile) -> str:
        hidden = [f.replace("_", " ") for f in VISIBLE_FIELDS if not can_see(obj, f, ADMIN_LEVEL)]
        return ", ".join(hidden) if hidden else "—"

    @admin.display(description="team")
    def shown_team(self, obj: Profile) -> str:
        return obj.team if can_see(obj, "team", ADMIN_LEVEL) else "(hidden by the member)"

    @admin.display(description="time zone")
    def shown_timezone(self, obj: Profile) -> str:
        return obj.timezone if can_see(obj, "timezone", ADMIN_LEVEL) else "(hidden by the member)"
