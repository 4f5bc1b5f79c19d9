from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from peerly.notifications.services import send_pending
from peerly.programs import kinds
from peerly.programs.retention import purge_private_texts
from peerly.programs.services import resume_due_enrollments


def run_ticks(now: Any = None) -> dict[str, int]:
    """Everything periodic, in one idempotent pass (cron: every 5 minutes)."""
    now = now or timezone.now()
    summary: dict[str, int] = {"resumed": resume_due_enrollments(today=now.date())}
    for key, value in purge_private_texts(now=now).items():
        summary[f"retention.{key}"] = value
    for kind in kinds.registry():
        for key, value in kind.tick(now=now).items():
            summary[f"{kind.app_label or kind.code}.{key}"] = value
    summary["emails_retried"] = send_pending()
    return summary


class Command(BaseCommand):
    help = "Run every due job once: rounds, reminders, check-ins, pauses, email retries."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = run_ticks()
        done = ", ".join(f"{k}={v}" for k, v in sorted(summary.items()) if v) or "nothing due"
        self.stdout.write(f"tick: {done}")
