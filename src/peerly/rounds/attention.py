"""Home-dashboard items: a new coffee match to arrange, and "did you meet?" to answer."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from peerly.core.attention import AttentionItem
from peerly.rounds.models import GroupMember, RoundStatus


def attention_items(user) -> list[AttentionItem]:  # type: ignore[no-untyped-def]
    if not getattr(user, "is_authenticated", False):
        return []
    today = timezone.localdate()
    items = []
    memberships = (
        GroupMember.objects.filter(user=user, round__status=RoundStatus.PUBLISHED)
        .select_related("round", "round__program", "group")
        .order_by("-round__published_at")[:5]
    )
    for m in memberships:
        slug = m.round.program.slug
        if m.round.meet_by >= today and m.group.confirmed_start is None:
            items.append(
                AttentionItem(
                    f"{m.round.program.name}: agree a time for your round {m.round.number} coffee "
                    f"by {m.round.meet_by:%d %b}.",
                    reverse("rounds:group-detail", kwargs={"slug": slug, "group_id": m.group_id}),
                    "action",
                )
            )
        elif m.round.meet_by < today and not m.answer:
            items.append(
                AttentionItem(
                    f"{m.round.program.name}: did you meet in round {m.round.number}?",
                    reverse("rounds:checkin", kwargs={"slug": slug, "group_id": m.group_id}),
                    "action",
                )
            )
    return items
