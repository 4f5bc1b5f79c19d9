"""'Needs your attention' on the member's own home page: their overdue milestones, goals
past their target date and overdue action items of every kind. Only ever for the goal's owner."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from peerly.core.attention import AttentionItem
from peerly.growth.models import OPEN_ACTION_STATUSES
from peerly.growth.models import ActionItem
from peerly.growth.models import Goal
from peerly.growth.models import GoalStatus
from peerly.growth.models import Milestone


def attention_items(user) -> list[AttentionItem]:  # type: ignore[no-untyped-def]
    if not getattr(user, "is_authenticated", False):
        return []
    today = timezone.localdate()
    items = []
    overdue = Milestone.objects.filter(
        goal__owner=user,
        goal__status=GoalStatus.ACTIVE,
        done_at__isnull=True,
        due_on__lt=today,
    ).select_related("goal")
    first = overdue.order_by("due_on", "pk").first()
    if first is not None:
        count = overdue.count()
        items.append(
            AttentionItem(
                ngettext(
                    "A milestone of your goals is overdue: “%(title)s”.",
                    "%(count)d milestones of your goals are overdue (e.g. “%(title)s”).",
                    count,
                )
                % {"count": count, "title": first.title},
                reverse("growth:goal-detail", kwargs={"goal_id": first.goal_id}),
                "action",
            )
        )
    late = (
        Goal.objects.filter(owner=user, status=GoalStatus.ACTIVE, target_on__lt=today)
        .order_by("target_on", "pk")
        .first()
    )
    if late is not None:
        items.append(
            AttentionItem(
                _(
                    "Your goal “%(title)s” has passed its target date: "
                    "achieve it, move the date or drop it."
                )
                % {"title": late.title},
                reverse("growth:goal-detail", kwargs={"goal_id": late.pk}),
                "info",
            )
        )
    items.extend(_overdue_actions(user, today))
    return items


def _overdue_actions(user, today) -> list[AttentionItem]:  # type: ignore[no-untyped-def]
    """One entry for the owner's overdue open action items of every kind (circle, mentorship,
    their own): the earliest due names the example. Two queries whatever their number."""
    overdue = ActionItem.objects.filter(
        owner=user, status__in=OPEN_ACTION_STATUSES, due_on__lt=today
    )
    first = overdue.order_by("due_on", "pk").first()
    if first is None:
        return []
    count = overdue.count()
    return [
        AttentionItem(
            ngettext(
                "An action item of yours is overdue: “%(text)s”.",
                "%(count)d of your action items are overdue (e.g. “%(text)s”).",
                count,
            )
            % {"count": count, "text": first.text[:60]},
            reverse("growth:actions") + "?status=open",
            "warning",
        )
    ]
