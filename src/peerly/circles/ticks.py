"""Periodic work for `peerly tick` (cron, every 5 minutes). Idempotent."""

from __future__ import annotations

import datetime as dt

from peerly.circles.services import send_reminders


def tick(*, now: dt.datetime) -> dict[str, int]:
    """Session reminders: one email per member per session (claimed with a conditional
    update, keyed per session and start time), so a second run sends nothing."""
    return {"reminders": send_reminders(now=now)}
