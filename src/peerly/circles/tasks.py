"""Background tasks (django-tasks): take ids, reload, call one service, safe to run twice."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from peerly.circles.services import send_reminders


@task()
def send_reminders_task() -> int:
    return send_reminders(now=timezone.now())
