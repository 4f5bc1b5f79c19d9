"""Weekly slots: concrete start times from a circle's common windows, and session dates.

Times are UTC minutes from Monday 00:00 (the engine's convention). Pure functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

WEEK_MINUTES = 7 * 24 * 60
ALIGN = 30  # offered start times fall on the hour or half hour
STEP = 60  # one option per hour inside a window


def _spans(windows: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
    spans = sorted((int(s), int(e)) for s, e in windows)
    if len(spans) > 1 and spans[0][0] == 0 and spans[-1][1] == WEEK_MINUTES:
        first, last = spans.pop(0), spans.pop()
        spans.append((last[0], WEEK_MINUTES + first[1]))  # Sunday night into Monday
    return spans


def slot_starts(windows: Sequence[Sequence[int]], minutes: int, *, limit: int = 8) -> list[int]:
    """Start minutes (UTC, minute of week) where a session of `minutes` fits, sorted.

    One start per hour of each window, aligned on the half hour; at most `limit`, spread evenly
    over all candidates so every window keeps a chance.
    """
    candidates: list[int] = []
    for start, end in _spans(windows):
        t = -(-start // ALIGN) * ALIGN
        while t + minutes <= end:
            candidates.append(t % WEEK_MINUTES)
            t += STEP
    candidates = sorted(set(candidates))
    if len(candidates) <= limit:
        return candidates
    step = len(candidates) / limit
    return sorted({candidates[int(i * step)] for i in range(limit)})


def week_start(moment: dt.datetime) -> dt.datetime:
    """Monday 00:00 UTC of the week containing `moment`."""
    utc = moment.astimezone(dt.UTC)
    monday = utc.date() - dt.timedelta(days=utc.weekday())
    return dt.datetime(monday.year, monday.month, monday.day, tzinfo=dt.UTC)


def first_occurrence(minute_of_week: int, after: dt.datetime) -> dt.datetime:
    """The first datetime at `minute_of_week` (UTC) that is not before `after`."""
    candidate = week_start(after) + dt.timedelta(minutes=minute_of_week)
    if candidate < after:
        candidate += dt.timedelta(days=7)
    return candidate


def session_starts(
    minute_of_week: int,
    *,
    season_start: dt.date,
    season_end: dt.date,
    interval_weeks: int,
    not_before: dt.datetime,
) -> list[dt.datetime]:
    """Every session of the season: from the first slot on/after both the season start and
    `not_before`, every `interval_weeks` weeks, strictly before the season's end date."""
    start = max(
        dt.datetime(season_start.year, season_start.month, season_start.day, tzinfo=dt.UTC),
        not_before,
    )
    end = dt.datetime(season_end.year, season_end.month, season_end.day, tzinfo=dt.UTC)
    out = []
    current = first_occurrence(minute_of_week, start)
    while current < end:
        out.append(current)
        current += dt.timedelta(weeks=interval_weeks)
    return out
