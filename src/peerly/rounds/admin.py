from django.contrib import admin

from peerly.rounds.models import CoffeeSettings
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup


@admin.register(CoffeeSettings)
class CoffeeSettingsAdmin(admin.ModelAdmin):
    list_display = ["program", "team_rule", "opt_in_mode", "auto_publish"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["program", "number", "status", "published_at", "meet_by"]
    list_filter = ["status"]
    readonly_fields = ["metrics"]


@admin.register(RoundGroup)
class RoundGroupAdmin(admin.ModelAdmin):
    list_display = ["round", "number", "confirmed_start", "meeting_sequence"]
    list_select_related = ["round", "round__program"]
