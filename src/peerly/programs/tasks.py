"""Deferred work of programmes: take ids, reload, call one function, safe to run twice."""

from __future__ import annotations

from django_tasks import task


@task()
def send_import_welcomes_task(user_ids: list[int], program_id: int | None) -> int:
    """The "choose your password" emails of an import, rendered and queued in the background
    (the outbox keys make a second run queue nothing twice)."""
    from peerly.programs.importing import queue_import_welcomes

    return queue_import_welcomes(user_ids=user_ids, program_id=program_id)
