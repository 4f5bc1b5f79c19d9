"""Small database helpers shared by every app's services."""

from __future__ import annotations

from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def relock(obj: M, *related: str) -> M:
    """`obj` read again under a row lock, with `related` joined in (read, not locked).

    The lock → check → save pattern of every state change starts here: whatever the caller
    held in memory may be stale, the locked copy is not. On PostgreSQL the lock is
    `FOR NO KEY UPDATE OF` the row's own table: the joined rows (the member, the programme)
    are not locked, and rows that merely reference the locked one (an outbox email, an audit
    row: FOR KEY SHARE at their foreign-key check) are not blocked by it. Locking the joined
    rows too made `peerly tick` (pausing members one after another in one transaction) and a
    worker committing those members' emails deadlock (tests/core/test_relock_pg.py). A caller
    that must also hold another row locks that row itself."""
    manager = type(obj)._default_manager
    locking = manager.select_for_update(of=("self",), no_key=True)
    return locking.select_related(*related).get(pk=obj.pk)
