"""Write audit rows. Called from services inside their transaction, never from views."""

from __future__ import annotations

from typing import Any

from django.db import models

from peerly.core.models import AuditEvent


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    program_id: int | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor_obj,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        program_id=program_id,
        reason=reason,
        data=data or {},
    )
