"""Helpers for enqueueing background work only after the surrounding transaction commits."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue `task` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(partial(task.enqueue, *args, **kwargs))
