from django.contrib import admin

from peerly.notifications.models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to_email", "created_at", "sent_at", "attempts"]
    search_fields = ["to_email", "subject", "key"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
