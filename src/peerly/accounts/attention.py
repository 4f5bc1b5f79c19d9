from __future__ import annotations

from django.urls import reverse

from peerly.accounts.models import AvailabilityWindow, Profile
from peerly.core.attention import AttentionItem


def attention_items(user) -> list[AttentionItem]:  # type: ignore[no-untyped-def]
    items = []
    profile = Profile.objects.filter(user=user).first()
    if profile is None or not (profile.team or profile.skills or profile.interests):
        items.append(
            AttentionItem(
                "Complete your profile so your matches know who you are.",
                reverse("accounts:profile-edit"),
                "action",
            )
        )
    if profile is None or not AvailabilityWindow.objects.filter(profile=profile).exists():
        items.append(
            AttentionItem(
                "Add your weekly availability so we can suggest meeting times.",
                reverse("accounts:availability"),
                "action",
            )
        )
    if profile is not None and profile.paused_until:
        items.append(
            AttentionItem(
                f"You are paused until {profile.paused_until:%d %B %Y}.",
                reverse("accounts:pause"),
                "info",
            )
        )
    return items
