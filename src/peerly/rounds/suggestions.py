"""Suggested meeting times inside a round's meet-by window, and how to show them.

Input: the absolute UTC intervals in which everybody in the group is available, worked out
date by date in each member's own zone (`peerly.matching.availability.local_windows_between`
and `common_intervals`), so a suggestion is inside everyone's local hours on its actual date,
across daylight-saving changes. Up to three starts are picked on different days where
possible, spread over the window, each leaving room for the whole meeting.

Starts sit on a 15-minute UTC grid (every zone in use today is a whole multiple of 15
minutes from UTC) and are aligned in the MEMBERS' zones: preferably :00 or :30 local for
everybody; when the offsets make that impossible (Kathmandu +05:45 with Kolkata +05:30),
:00/:30 for as many members as possible, and :15/:45 for the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from peerly.core.timezones import misaligned
from peerly.core.timezones import zone as _zone

GRID = 15  # minutes between candidate starts (UTC)


def _ceil_to_grid(when: dt.datetime) -> dt.datetime:
    when = when.astimezone(dt.UTC)
    base = when.replace(minute=0, second=0, microsecond=0)
    past = (when - base).total_seconds() / 60
    steps = -(-past // GRID)  # ceiling
    return base + dt.timedelta(minutes=GRID * steps)


def candidate_starts(
    intervals: Sequence[tuple[dt.datetime, dt.datetime]],
    minutes: int,
    *,
    zones: Sequence[str],
    not_before: dt.datetime | None = None,
) -> list[tuple[int, dt.datetime]]:
    """Every grid start where a meeting of `minutes` fits, as (misaligned members, start).

    UTC offsets only change by multiples of 30 minutes, so a start's alignment depends on its
    minute within the half hour; it is worked out once per interval and grid phase."""
    length = dt.timedelta(minutes=minutes)
    out: list[tuple[int, dt.datetime]] = []
    for lo, hi in intervals:
        if not_before is not None and lo < not_before:
            lo = not_before
        when = _ceil_to_grid(lo)
        scores: dict[int, int] = {}
        while when + length <= hi:
            phase = when.minute % 30
            if phase not in scores:
                scores[phase] = misaligned(when, zones)
            out.append((scores[phase], when))
            when += dt.timedelta(minutes=GRID)
    return out


def pick_suggestions(
    intervals: Sequence[tuple[dt.datetime, dt.datetime]],
    minutes: int,
    *,
    zones: Sequence[str],
    count: int = 3,
    not_before: dt.datetime | None = None,
) -> list[dt.datetime]:
    """Up to `count` UTC starts: the best-aligned ones, on days spread over the window
    (earliest best start of each day), then more starts at least two hours apart."""
    candidates = candidate_starts(intervals, minutes, zones=zones, not_before=not_before)
    if not candidates:
        return []
    best = min(score for score, _ in candidates)
    by_day: dict[dt.date, dt.datetime] = {}
    for score, when in candidates:
        if score == best and when.date() not in by_day:
            by_day[when.date()] = when
    days = sorted(by_day)
    if len(days) >= count:
        picks = sorted({round(i * (len(days) - 1) / max(count - 1, 1)) for i in range(count)})
    else:
        picks = list(range(len(days)))
    chosen = [by_day[days[i]] for i in picks]
    for _, when in sorted(candidates):
        if len(chosen) >= count:
            break
        if all(abs((when - c).total_seconds()) >= 2 * 3600 for c in chosen):
            chosen.append(when)
    return sorted(chosen)[:count]


def parse_local(value: dt.datetime, tz: str) -> dt.datetime:
    """A naive local datetime typed by a member, made aware in their zone, returned in UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=_zone(tz))
    return value.astimezone(dt.UTC)


def outside_window(start: dt.datetime, tz: str, *, meets_from: dt.date, meet_by: dt.date) -> bool:
    """True when `start`, on the member's own calendar, is not between meets-from and meet-by.

    Such a time is accepted (members who answered "not yet" still meet late), but the page and
    the confirmation message say so explicitly.
    """
    local_day = start.astimezone(_zone(tz)).date()
    return not meets_from <= local_day <= meet_by
