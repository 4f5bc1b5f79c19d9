from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils import timezone

from peerly.notifications.services import send_pending
from peerly.programs.retention import purge_private_texts
from peerly.programs.services import resume_due_enrollments


def run_ticks(now: Any = None) -> dict[str, int]:
    """Everything periodic, in one idempotent pass (cron: every 5 minutes)."""
    now = now or timezone.now()
    summary: dict[str, int] = {"resumed": resume_due_enrollments(today=now.date())}
    for key, value in purge_private_texts(now=now).items():
        summary[f"retention.{key}"] = value
    for config in apps.get_app_configs():
        if not config.name.startswith("peerly."):
            continue
        try:
            module = import_module(f"{config.name}.ticks")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.ticks":
                raise
            continue
        for key, value in module.tick(now=now).items():
            summary[f"{config.label}.{key}"] = value
    summary["emails_retried"] = send_pending()
    return summary


class Command(BaseCommand):
    help = "Run every due job once: rounds, reminders, check-ins, pauses, email retries."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = run_ticks()
        done = ", ".join(f"{k}={v}" for k, v in sorted(summary.items()) if v) or "nothing due"
        self.stdout.write(f"tick: {done}")
