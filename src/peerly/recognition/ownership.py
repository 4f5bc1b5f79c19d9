"""The recognition part of a member's data export and of account deletion
(accounts/ownership.py calls these; docs/recognition.md)."""

from __future__ import annotations

from typing import Any

from peerly.accounts.models import User
from peerly.recognition.models import BadgeAward
from peerly.recognition.models import Certificate
from peerly.recognition.models import Kudos
from peerly.recognition.models import Testimonial

EXPORTED_LINKS: dict[str, str] = {
    "recognition.kudos.sender": "kudos_sent",
    "recognition.kudos.recipient": "kudos_received",
    "recognition.testimonial.author": "testimonials",
    "recognition.badgeaward.user": "badges",
    "recognition.certificate.user": "certificates",
}
EXCLUDED_LINKS: dict[str, str] = {
    "recognition.badgeaward.awarded_by": "an organiser's or mentor's award to another member "
    "(in their audit rows)",
    "recognition.certificate.issued_by": "an organiser's action on another member's "
    "certificate (in their audit rows)",
    "recognition.certificate.revoked_by": "an organiser's action on another member's "
    "certificate (in their audit rows)",
    "recognition.celebration.published_by": "an organiser's action on a programme (in their "
    "audit rows)",
}


def export_part(user: User) -> dict[str, list[dict[str, Any]]]:
    """Everything recognition holds about `user` that is theirs to read (JSON values)."""

    def kudos_row(k: Kudos, other: User) -> dict[str, Any]:
        return {
            "program": k.program.slug,
            "other_name": other.name,
            "message": k.message,
            "is_public": k.is_public,
            "is_testimonial": k.is_testimonial,
            "created_at": k.created_at.isoformat(),
        }

    return {
        "kudos_sent": [
            kudos_row(k, k.recipient)
            for k in Kudos.objects.filter(sender=user).select_related("program", "recipient")
        ],
        "kudos_received": [
            kudos_row(k, k.sender)
            for k in Kudos.objects.filter(recipient=user).select_related("program", "sender")
        ],
        "testimonials": [
            {
                "program": t.program.slug,
                "text": t.text,
                "created_at": t.created_at.isoformat(),
                "withdrawn_at": t.withdrawn_at.isoformat() if t.withdrawn_at else None,
            }
            for t in Testimonial.objects.filter(author=user).select_related("program")
        ],
        "badges": [
            {
                "program": b.program.slug,
                "badge": b.badge,
                "source": b.source,
                "reason": b.reason,
                "visibility": b.visibility,
                "awarded_at": b.awarded_at.isoformat(),
            }
            for b in BadgeAward.objects.filter(user=user).select_related("program")
        ],
        "certificates": [
            {
                "program": c.program.slug,
                "completion": c.completion,
                "starts_on": c.starts_on.isoformat(),
                "ends_on": c.ends_on.isoformat(),
                "achievement": c.achievement,
                "code": c.code,
                "issued_at": c.issued_at.isoformat(),
                "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
            }
            for c in Certificate.objects.filter(user=user).select_related("program")
        ],
    }
