from django.contrib import admin

from peerly.programs.models import Enrollment
from peerly.programs.models import Invitation
from peerly.programs.models import Program
from peerly.programs.models import SignupQuestion


class QuestionInline(admin.TabularInline):
    model = SignupQuestion
    extra = 0


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status", "enrollment_mode", "starts_on", "ends_on"]
    list_filter = ["kind", "status"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["organisers"]
    inlines = [QuestionInline]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["user", "program", "role", "status", "joined_at"]
    list_filter = ["program", "status", "role"]
    search_fields = ["user__email"]
    raw_id_fields = ["user", "decided_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "program", "created_at", "accepted_at", "revoked_at"]
    list_filter = ["program"]
