from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from peerly.core.attention import AttentionItem
from peerly.programs.models import EnrollmentStatus, Invitation, Program
from peerly.programs.services import invitation_cutoff


def attention_items(user) -> list[AttentionItem]:  # type: ignore[no-untyped-def]
    items = []
    organised = (
        Program.objects.filter(organisers=user)
        .annotate(
            pending=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.APPLIED))
        )
        .filter(pending__gt=0)
    )
    for program in organised:
        items.append(
            AttentionItem(
                f"{program.pending} request(s) to join {program.name} wait for your decision.",
                reverse("programs:manage-approvals", kwargs={"slug": program.slug}),
                "action",
            )
        )
    for invite in Invitation.objects.filter(
        email__iexact=user.email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        created_at__gte=invitation_cutoff(),
    ).select_related("program"):
        items.append(
            AttentionItem(
                f"You are invited to {invite.program.name}.",
                reverse("programs:invitation", kwargs={"token": invite.token}),
                "action",
            )
        )
    return items
