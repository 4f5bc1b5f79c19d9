"""Home-dashboard items: a new coffee match to arrange, and "did you meet?" to answer."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peerly.core.attention import AttentionItem
from peerly.rounds.models import GroupMember
from peerly.rounds.models import RoundStatus


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
                    _("%(name)s: agree a time for your round %(number)s coffee by %(meet_by)s.")
                    % {
                        "name": m.round.program.name,
                        "number": m.round.number,
                        "meet_by": format(m.round.meet_by, "%d %b"),
                    },
                    reverse("rounds:group-detail", kwargs={"slug": slug, "group_id": m.group_id}),
                    "action",
                )
            )
        elif m.round.meet_by < today and not m.answer:
            items.append(
                AttentionItem(
                    _("%(name)s: did you meet in round %(number)s?")
                    % {"name": m.round.program.name, "number": m.round.number},
                    reverse("rounds:checkin", kwargs={"slug": slug, "group_id": m.group_id}),
                    "action",
                )
            )
    return items
