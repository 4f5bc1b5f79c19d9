"""Shared models: timestamps and the audit log every state change writes to."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


def text_lines(text: str) -> list[str]:
    """The non-blank lines of a one-item-per-line settings text (checklists, prompts, choices)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def user_reference(related_name: str = "+", *, blank: bool = True) -> models.ForeignKey[Any, Any]:
    """A reference to the member who did something (decided, assigned, reviewed, …).

    Optional, and set to NULL when that account is deleted (accounts/ownership.py): the
    record outlives its author, who then shows as a former member."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=blank,
        on_delete=models.SET_NULL,
        related_name=related_name,
    )


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One row per state transition that matters: who did what to which object, and why."""

    actor = user_reference()
    action = models.CharField(max_length=80)  # e.g. "enrollment.approve", "round.publish"
    object_type = models.CharField(max_length=80)  # "<app_label>.<model>"
    object_id = models.CharField(max_length=64)
    program_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    reason = models.TextField(default="", blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Job(models.Model):
    """A long piece of work started from a page (publishing a round or a season): the page
    returns at once and shows this row's progress while a background worker does the work.

    `key` names the work ("rounds.publish:<programme>:<number>"): unique, so two clicks, two
    tabs or two organisers get the same job, not two. Running it is idempotent (see
    core/jobs.py), so a job whose worker died is simply run again."""

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=80)  # the runner, e.g. "rounds.publish"
    program_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_by = user_reference()
    params = models.JSONField(default=dict, blank=True)  # the runner's keyword arguments
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    stage = models.CharField(max_length=200, default="", blank=True)  # what it is doing now
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)  # {"url": …, "message": …} when done
    error = models.TextField(default="", blank=True)  # the message shown when it failed
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # last sign of life while running
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="core_job_status_beat")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
