from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from peerly.core.jobs import requeue_stale_jobs
from peerly.evaluation.network import tick as network_tick
from peerly.evaluation.targets import tick as targets_tick
from peerly.feedback.ticks import tick as feedback_tick
from peerly.notifications.services import send_pending
from peerly.programs import kinds
from peerly.programs.retention import purge_private_texts
from peerly.programs.services import resume_due_enrollments
from peerly.recognition.ticks import tick as recognition_tick

logger = logging.getLogger(__name__)

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
    """Each step on its own: a step that fails (a deadlock, a bug in one kind) is logged and
    counted as `failed.<step>`, and the steps after it still run — the email retries and the
    requeue of stale jobs come last and must not wait for the next cron run."""
    now = now or timezone.now()
    summary: dict[str, int] = {}

    def step(name: str, run: Callable[[], dict[str, int]]) -> None:
        try:
            summary.update(run())
        except Exception:
            logger.exception("peerly tick: step %s failed", name)
            summary[f"failed.{name}"] = 1

    step("resume", lambda: {"resumed": resume_due_enrollments(today=now.date())})
    step(
        "retention",
        lambda: {f"retention.{k}": v for k, v in purge_private_texts(now=now).items()},
    )
    for kind in kinds.registry():
        prefix = kind.app_label or kind.code
        step(
            prefix,
            lambda kind=kind, prefix=prefix: {  # type: ignore[misc]
                f"{prefix}.{k}": v for k, v in kind.tick(now=now).items()
            },
        )
    step("feedback", lambda: {f"feedback.{k}": v for k, v in feedback_tick(now=now).items()})
    step(
        "recognition",
        lambda: {f"recognition.{k}": v for k, v in recognition_tick(now=now).items()},
    )
    step("network", lambda: network_tick(today=timezone.localdate(now)))
    step("targets", lambda: targets_tick(today=timezone.localdate(now)))
    step("emails", lambda: {"emails_retried": send_pending()})
    step("jobs", lambda: {"jobs_requeued": requeue_stale_jobs(now=now)})
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
        failed = sorted(k.removeprefix("failed.") for k in summary if k.startswith("failed."))
        if failed:  # the rest ran; cron hears about it (the traceback is in the log)
            raise CommandError(f"tick: these steps failed and were skipped: {', '.join(failed)}")
