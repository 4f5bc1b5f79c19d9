"""Write audit rows. Called from services inside their transaction, never from views."""

from __future__ import annotations

from typing import Any

from django.db import models

from peerly.core.models import AuditEvent


def program_of(obj: models.Model) -> int | None:
    """The id of the programme `obj` is or directly belongs to (None when neither). A model
    that sets `audit_private = True` (a member's own space: goals and their parts) is never
    filed under a programme, so no organiser's view of a programme's audit rows shows it."""
    from peerly.programs.models import Program

    if getattr(obj, "audit_private", False):
        return None
    if isinstance(obj, Program):
        return obj.pk
    return getattr(obj, "program_id", None)


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    program_id: int | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """One audit row. `program_id` defaults to the programme `obj` belongs to (the programme
    itself, or the object's own `program` foreign key); pass it for objects that reach their
    programme through another row (a group through its round, a session through its circle)."""
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    if program_id is None:
        program_id = program_of(obj)
    return AuditEvent.objects.create(
        actor=actor_obj,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        program_id=program_id,
        reason=reason,
        data=data or {},
    )


def saved(
    obj: models.Model,
    *,
    actor: Any,
    action: str,
    update_fields: list[str] | None = None,
    program_id: int | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """The usual ending of a state change: save the (locked) row, then audit the action.
    `update_fields=None` saves every field."""
    obj.save(update_fields=update_fields)
    return record(
        actor=actor, action=action, obj=obj, program_id=program_id, reason=reason, data=data
    )
