"""Periodic coffee-round work for cron (`peerly rounds tick`, `peerly tick`): idempotent."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from peerly.rounds import services


def tick(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Close finished rounds (pausing silent members), draw and publish due rounds, send due
    reminders, check-ins and re-asks. Running it twice in a row changes nothing the 2nd time."""
    now = now or timezone.now()
    closed, paused = services.close_due_rounds(now=now)
    published = services.publish_due_rounds(now=now)
    reminders = services.send_reminders(now=now)
    checkins = services.send_checkins(now=now)
    reasks = services.send_reasks(now=now)
    return {
        "rounds_closed": closed,
        "members_paused": paused,
        "rounds_published": published,
        "reminders": reminders,
        "checkins": checkins,
        "reasks": reasks,
    }
