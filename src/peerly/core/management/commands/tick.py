from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from peerly.core.jobs import requeue_stale_jobs
from peerly.notifications.services import send_pending
from peerly.programs import kinds
from peerly.programs.retention import purge_private_texts
from peerly.programs.services import resume_due_enrollments

# pg_try_advisory_lock key of `peerly tick` ("peerly" in ASCII): one tick at a time.
TICK_LOCK_KEY = 0x7065_6572_6C79


@contextmanager
def tick_lock() -> Iterator[bool]:
    """True when this process may tick. On PostgreSQL a session advisory lock makes `peerly
    tick` started on several hosts at once run one at a time: the others return at once
    (`pg_try_advisory_lock`, released when the tick ends or its connection drops). Needs a
    direct or session-pooled connection (PgBouncer in transaction mode would lose it).
    Every step is also safe without it (row locks, conditional updates, the outbox's unique
    keys); the lock keeps two hosts from doing the same work twice over."""
    if connection.vendor != "postgresql":
        yield True  # SQLite: one host, and writes are serialised anyway
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [TICK_LOCK_KEY])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [TICK_LOCK_KEY])


def run_ticks(now: Any = None) -> dict[str, int]:
    """Everything periodic, in one idempotent pass (cron: every 5 minutes, on any number of
    hosts: see `tick_lock`). Returns counts; {"busy": 1} when another tick holds the lock."""
    with tick_lock() as acquired:
        if not acquired:
            return {"busy": 1}
        return _run_ticks(now)


def _run_ticks(now: Any = None) -> dict[str, int]:
    now = now or timezone.now()
    summary: dict[str, int] = {"resumed": resume_due_enrollments(today=now.date())}
    for key, value in purge_private_texts(now=now).items():
        summary[f"retention.{key}"] = value
    for kind in kinds.registry():
        for key, value in kind.tick(now=now).items():
            summary[f"{kind.app_label or kind.code}.{key}"] = value
    summary["emails_retried"] = send_pending()
    summary["jobs_requeued"] = requeue_stale_jobs(now=now)
    return summary


class Command(BaseCommand):
    help = "Run every due job once: rounds, reminders, check-ins, pauses, email retries."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = run_ticks()
        if summary.get("busy"):
            self.stdout.write("tick: another tick is running; nothing done")
            return
        done = ", ".join(f"{k}={v}" for k, v in sorted(summary.items()) if v) or "nothing due"
        self.stdout.write(f"tick: {done}")
