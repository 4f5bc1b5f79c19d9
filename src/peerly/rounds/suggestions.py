"""Suggested meeting times inside a round's meet-by window, and how to show them.

Input windows are UTC minute-of-week pairs (Monday 00:00 UTC = 0) where everybody in the
group can meet. Three starts are picked on different days where possible, spread over the
window, on the half hour, each leaving room for the whole meeting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

DAY = 24 * 60
STEP = 30


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, KeyError, OSError):
        return ZoneInfo("UTC")


def candidate_starts(
    windows: Sequence[Sequence[int]],
    meets_from: dt.date,
    meet_by: dt.date,
    minutes: int,
    *,
    not_before: dt.datetime | None = None,
) -> dict[dt.date, list[dt.datetime]]:
    """Every half-hour start (UTC) in the window where a meeting of `minutes` fits, by day."""
    out: dict[dt.date, list[dt.datetime]] = {}
    day = meets_from
    while day <= meet_by:
        day_start = day.weekday() * DAY
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)
        starts: list[dt.datetime] = []
        for s, e in windows:
            lo, hi = max(s, day_start), min(e, day_start + DAY)
            first = lo + (-lo % STEP)
            for m in range(first, hi - minutes + 1, STEP):
                when = midnight + dt.timedelta(minutes=m - day_start)
                if not_before is None or when >= not_before:
                    starts.append(when)
        if starts:
            out[day] = sorted(starts)
        day += dt.timedelta(days=1)
    return out


def pick_suggestions(
    windows: Sequence[Sequence[int]],
    meets_from: dt.date,
    meet_by: dt.date,
    minutes: int,
    *,
    count: int = 3,
    not_before: dt.datetime | None = None,
) -> list[dt.datetime]:
    by_day = candidate_starts(windows, meets_from, meet_by, minutes, not_before=not_before)
    days = sorted(by_day)
    if not days:
        return []
    if len(days) >= count:
        picks = sorted({round(i * (len(days) - 1) / max(count - 1, 1)) for i in range(count)})
    else:
        picks = list(range(len(days)))
    chosen = [by_day[days[i]][0] for i in picks]
    if len(chosen) < count:
        rest = sorted(t for d in days for t in by_day[d])
        for t in rest:
            if len(chosen) >= count:
                break
            if all(abs((t - c).total_seconds()) >= 2 * 3600 for c in chosen):
                chosen.append(t)
    return sorted(chosen)[:count]


def local_label(when: dt.datetime, tz: str) -> str:
    """'Tue 14 Jan, 10:00 (Europe/Berlin)' in the given zone."""
    local = when.astimezone(_zone(tz))
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M} ({tz or 'UTC'})"


def parse_local(value: dt.datetime, tz: str) -> dt.datetime:
    """A naive local datetime typed by a member, made aware in their zone, returned in UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=_zone(tz))
    return value.astimezone(dt.UTC)
