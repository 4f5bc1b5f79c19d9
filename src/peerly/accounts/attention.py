from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from peerly.accounts.models import AvailabilityWindow
from peerly.accounts.models import Profile
from peerly.core.attention import AttentionItem


def attention_items(user) -> list[AttentionItem]:  # type: ignore[no-untyped-def]
    items = []
    profile = Profile.objects.filter(user=user).first()
    if profile is None or not (profile.team or profile.skills or profile.interests):
        items.append(
            AttentionItem(
                _("Complete your profile so your matches know who you are."),
                reverse("accounts:profile-edit"),
                "action",
            )
        )
    if profile is None or not AvailabilityWindow.objects.filter(profile=profile).exists():
        items.append(
            AttentionItem(
                _("Add your weekly availability so we can suggest meeting times."),
                reverse("accounts:availability"),
                "action",
            )
        )
    if profile is not None and profile.paused_until:
        items.append(
            AttentionItem(
                _("You are paused until %(paused_until)s.")
                % {"paused_until": format(profile.paused_until, "%d %B %Y")},
                reverse("accounts:pause"),
                "info",
            )
        )
    return items
