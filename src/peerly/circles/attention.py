"""Home-dashboard items: a slot to vote on, a session today (few queries). Overdue action
items of every kind, circle ones included, are one entry of growth/attention.py."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peerly.circles.models import CircleMember
from peerly.circles.models import CircleSession
from peerly.circles.models import SessionStatus
from peerly.circles.models import SlotStatus
from peerly.core.attention import AttentionItem


def attention_items(user) -> list[AttentionItem]:  # type: ignore[no-untyped-def]
    if not user.is_authenticated:
        return []
    items = []
    for m in CircleMember.objects.filter(
        user=user, voted_at__isnull=True, circle__slot_status=SlotStatus.VOTING
    ).select_related("circle__program"):
        items.append(
            AttentionItem(
                _("%(name)s: pick the weekly slots that suit you for %(name2)s.")
                % {"name": m.circle.program.name, "name2": m.circle.name},
                reverse(
                    "circles:circle",
                    kwargs={"slug": m.circle.program.slug, "circle_id": m.circle_id},
                ),
                "action",
            )
        )
    now = timezone.now()
    for s in (
        CircleSession.objects.filter(
            circle__memberships__user=user,
            status=SessionStatus.SCHEDULED,
            starts_at__gte=now - dt.timedelta(hours=2),
            starts_at__lte=now + dt.timedelta(days=2),
        )
        .select_related("circle__program")
        .order_by("starts_at")[:3]
    ):
        items.append(
            AttentionItem(
                _("%(name)s: %(name2)s session %(number)s is coming up.")
                % {"name": s.circle.program.name, "name2": s.circle.name, "number": s.number},
                reverse(
                    "circles:session", kwargs={"slug": s.circle.program.slug, "session_id": s.pk}
                ),
                "info",
            )
        )
    return items
