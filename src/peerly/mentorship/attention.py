"""Home-page 'needs my attention' items for mentorship (a few queries per user)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from peerly.core.attention import AttentionItem
from peerly.mentorship.models import MentorNomination
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MentorshipStatus
from peerly.mentorship.models import RequestStatus
from peerly.mentorship.models import Review
from peerly.mentorship.models import SupportRequest


def _url(name: str, slug: str, **kwargs: object) -> str:
    return reverse(f"mentorship:{name}", kwargs={"slug": slug, **kwargs})


def attention_items(user: Any) -> list[AttentionItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    items: list[AttentionItem] = []
    today = timezone.localdate()
    for ms in Mentorship.objects.filter(
        mentor__user=user, status__in=(MentorshipStatus.ASSIGNED, MentorshipStatus.SCREENING)
    ).select_related("mentee", "program"):
        items.append(
            AttentionItem(
                _("Screen %(name)s's application by %(screening_due_at)s")
                % {
                    "name": ms.mentee.name,
                    "screening_due_at": format(ms.screening_due_at, "%d %b"),
                },
                _url("mentorship-detail", ms.program.slug, mentorship_id=ms.pk),
                "action",
            )
        )
    pending = SupportRequest.objects.filter(
        mentorship__mentor__user=user, status=RequestStatus.PENDING
    ).select_related("mentorship__program", "mentorship__mentee")
    for item in pending[:5]:
        items.append(
            AttentionItem(
                _("%(name)s asks for %(get_kind_display)s")
                % {
                    "name": item.mentorship.mentee.name,
                    "get_kind_display": item.get_kind_display().lower(),
                },
                _url(
                    "mentorship-detail",
                    item.mentorship.program.slug,
                    mentorship_id=item.mentorship_id,
                ),
                "action",
            )
        )
    for review in Review.objects.filter(
        reviewer=user, submitted_at__isnull=True, round__closes_on__gte=today
    ).select_related("reviewee", "round__program")[:5]:
        items.append(
            AttentionItem(
                _("Yearly feedback for %(name)s") % {"name": review.reviewee.name},
                _url("review-edit", review.round.program.slug, review_id=review.pk),
                "action",
            )
        )
    for nom in MentorNomination.objects.filter(
        Q(nominee=user, status="training") | Q(evaluator=user, status="evaluation")
    ).select_related("program", "nominee")[:5]:
        text = (
            "Complete your coaching training"
            if nom.nominee_id == user.pk
            else f"Evaluate {nom.nominee.name}'s mentor nomination"
        )
        items.append(
            AttentionItem(
                text, _url("nomination-detail", nom.program.slug, nomination_id=nom.pk), "action"
            )
        )
    organised = Mentorship.objects.filter(
        program__organisers=user, status=MentorshipStatus.SUBMITTED
    )
    waiting: dict[str, int] = {}
    for slug in organised.values_list("program__slug", flat=True):
        waiting[slug] = waiting.get(slug, 0) + 1
    for slug, count in sorted(waiting.items()):
        items.append(
            AttentionItem(
                ngettext(
                    "%(count)s mentorship applicant waiting for a mentor",
                    "%(count)s mentorship applicants waiting for a mentor",
                    count,
                )
                % {"count": count},
                _url("manage-assign", slug),
                "warning",
            )
        )
    return items
