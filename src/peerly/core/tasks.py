"""Enqueueing background work only after the surrounding transaction commits, and the task
that runs background jobs (core/jobs.py)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django_tasks import task


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue `task` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(partial(task.enqueue, *args, **kwargs))


@task()
def run_job_task(job_id: int) -> str:
    """Run one background job (core/jobs.py): takes its id, safe to run twice."""
    from peerly.core.jobs import run_job

    return run_job(job_id)
