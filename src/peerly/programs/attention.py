from __future__ import annotations

from django.db.models import Count
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from peerly.core.attention import AttentionItem
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Invitation
from peerly.programs.models import Program
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
                ngettext(
                    "%(pending)s request to join %(name)s waits for your decision.",
                    "%(pending)s requests to join %(name)s wait for your decision.",
                    program.pending,
                )
                % {"pending": program.pending, "name": program.name},
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
                _("You are invited to %(name)s.") % {"name": invite.program.name},
                reverse("programs:invitation", kwargs={"token": invite.token}),
                "action",
            )
        )
    return items
