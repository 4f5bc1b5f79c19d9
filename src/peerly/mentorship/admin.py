from django.contrib import admin

from peerly.mentorship.models import MentorNomination
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MentorshipSettings
from peerly.mentorship.models import ReviewRound

# Report, request and review texts are private to the people in the mentorship: not here.


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "program", "status", "load", "capacity", "is_accepting"]
    list_filter = ["program", "status", "is_accepting"]
    raw_id_fields = ["user", "enrollment", "recommended_replacement"]


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ["mentee", "program", "status", "mentor", "submitted_at"]
    list_filter = ["program", "status"]
    raw_id_fields = ["mentee", "enrollment", "mentor"]
    exclude = ["goals"]


@admin.register(MentorNomination)
class MentorNominationAdmin(admin.ModelAdmin):
    list_display = ["nominee", "program", "kind", "status", "created_at"]
    list_filter = ["program", "status"]
    raw_id_fields = ["nominee", "nominated_by", "evaluator", "decided_by"]


admin.site.register(MentorshipSettings)
admin.site.register(ReviewRound)
