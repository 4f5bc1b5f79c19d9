"""Small database helpers shared by every app's services."""

from __future__ import annotations

from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def relock(obj: M, *related: str, only_self: bool = False) -> M:
    """`obj` read again under a row lock (SELECT … FOR UPDATE), with `related` joined in.

    The lock → check → save pattern of every state change starts here: whatever the caller
    held in memory may be stale, the locked copy is not. `only_self=True` locks just this
    row (needed on PostgreSQL when a joined relation is nullable: FOR UPDATE cannot lock the
    nullable side of an outer join)."""
    manager = type(obj)._default_manager
    locking = manager.select_for_update(of=("self",)) if only_self else manager.select_for_update()
    return locking.select_related(*related).get(pk=obj.pk)
