"""Weekly slots of a circle: wall-clock times in the circle's zone, checked on real dates.

A slot is a minute of the week (Monday 00:00 = 0) in the circle's IANA zone: "Tuesdays 14:00
Europe/Berlin" stays 14:00 in Berlin across daylight-saving changes, so its UTC time (and
other members' local time) moves. An offered slot must fit every member's stated local hours
on every week of the season, checked date by date with zoneinfo (never one UTC offset for the
whole season). Pure functions: no Django.
"""

from __future__ import annotations

import bisect
import datetime as dt
import zoneinfo
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from peerly.core.timezones import misaligned
from peerly.core.timezones import zone as zone_of  # UTC when empty or unknown
from peerly.matching.availability import Intervals
from peerly.matching.availability import local_windows_between

WEEK_MINUTES = 7 * 24 * 60
GRID = 15  # candidate starts on the quarter hour in the circle's zone
STEP = 60  # at most one option per hour of the circle's day


def majority_zone(zones: Sequence[str]) -> str:
    """The zone most members live in; a tie goes to the zone of the earliest member listed.
    Pass only zones the circle may see (a zone shown as "Only me" must not become the
    circle's); with none, UTC."""
    valid = [z for z in zones if z and zone_of(z).key == z]
    if not valid:
        return "UTC"
    counts = Counter(valid)
    best = max(counts.values())
    return next(z for z in valid if counts[z] == best)


def local_start(day: dt.date, minute_of_day: int, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """`day` at `minute_of_day` wall-clock time in `zone` (a time in a spring-forward gap is
    read with the offset before the gap, as RFC 5545 clients do)."""
    naive = dt.datetime.combine(day, dt.time(0)) + dt.timedelta(minutes=minute_of_day)
    return naive.replace(tzinfo=zone).astimezone(dt.UTC)


def week_starts(
    minute_of_week: int,
    *,
    zone: str,
    season_start: dt.date,
    season_end: dt.date,
    interval_weeks: int = 1,
    not_before: dt.datetime | None = None,
) -> list[dt.datetime]:
    """The slot's occurrences (UTC): the first on/after the season start (local midnight in
    `zone`) and `not_before`, then every `interval_weeks` weeks at the same wall-clock time,
    strictly before the season's end date."""
    tz = zone_of(zone)
    weekday, minute = divmod(minute_of_week % WEEK_MINUTES, 24 * 60)
    day = season_start + dt.timedelta(days=(weekday - season_start.weekday()) % 7)
    end = local_start(season_end, 0, tz)
    out: list[dt.datetime] = []
    while True:
        start = local_start(day, minute, tz)
        if start >= end:
            return out
        if not_before is None or start >= not_before:
            out.append(start)
            day += dt.timedelta(weeks=interval_weeks)
        else:
            day += dt.timedelta(weeks=1)


def session_starts(
    minute_of_week: int,
    *,
    zone: str,
    season_start: dt.date,
    season_end: dt.date,
    interval_weeks: int,
    not_before: dt.datetime,
) -> list[dt.datetime]:
    """Every session of the season (see :func:`week_starts`)."""
    return week_starts(
        minute_of_week,
        zone=zone,
        season_start=season_start,
        season_end=season_end,
        interval_weeks=interval_weeks,
        not_before=not_before,
    )


def minute_of_week(moment: dt.datetime, zone: str) -> int:
    local = moment.astimezone(zone_of(zone))
    return local.weekday() * 24 * 60 + local.hour * 60 + local.minute


@dataclass(frozen=True)
class MemberHours:
    user_id: int
    zone: str
    windows: tuple[tuple[int, int, int], ...]  # local (weekday, start minute, end minute)


@dataclass(frozen=True)
class Conflict:
    on: dt.date  # the session's date in the circle's zone
    user_ids: tuple[int, ...]  # members outside their hours then


@dataclass(frozen=True)
class SlotOffer:
    minute_of_week: int  # wall clock in the circle's zone
    first_start_at: dt.datetime
    conflicts: tuple[Conflict, ...] = ()


def _hours(member: MemberHours, season_start: dt.date, season_end: dt.date) -> Intervals:
    # A day of margin either side: members' local dates differ from the circle's.
    return local_windows_between(
        member.windows,
        member.zone or "UTC",
        start_on=season_start - dt.timedelta(days=2),
        end_on=season_end + dt.timedelta(days=2),
    )


def _inside(
    intervals: Intervals, starts: list[dt.datetime], start: dt.datetime, minutes: int
) -> bool:
    i = bisect.bisect_right(starts, start) - 1
    return i >= 0 and intervals[i][1] >= start + dt.timedelta(minutes=minutes)


def offer_slots(
    members: Sequence[MemberHours],
    *,
    zone: str,
    minutes: int,
    season_start: dt.date,
    season_end: dt.date,
    limit: int = 8,
) -> list[SlotOffer]:
    """Weekly start times (wall clock in `zone`) for a session of `minutes`.

    Only slots inside every member's hours on every week of the season are offered. Starts
    lie on the quarter hour in the circle's zone; within each hour the start that falls on
    :00 or :30 for the most members wins (Kathmandu's +05:45 gets :15/:45 only when the others
    get :00/:30), ties to the earliest. At most `limit`, spread over the week. When no slot
    fits every date, the slots with the fewest conflicts are offered, each saying on which
    dates who is outside their hours.
    """
    tz = zone_of(zone)
    hours = [(m, _hours(m, season_start, season_end)) for m in members]
    index = [(m, iv, [s for s, _ in iv]) for m, iv in hours]

    def dates(candidate: int) -> list[dt.datetime]:
        return week_starts(candidate, zone=tz.key, season_start=season_start, season_end=season_end)

    def conflicts(starts: list[dt.datetime], *, stop_early: bool) -> list[Conflict]:
        out = []
        for start in starts:
            outside = tuple(
                m.user_id for m, iv, keys in index if not _inside(iv, keys, start, minutes)
            )
            if outside:
                out.append(Conflict(on=start.astimezone(tz).date(), user_ids=outside))
                if stop_early:
                    break
        return out

    def alignment(start: dt.datetime) -> int:
        return len(members) - misaligned(start, [m.zone for m in members])

    fitting: dict[int, tuple[int, dt.datetime]] = {}
    for candidate in range(0, WEEK_MINUTES, GRID):
        weekday, minute = divmod(candidate, 24 * 60)
        day = season_start + dt.timedelta(days=(weekday - season_start.weekday()) % 7)
        if conflicts([local_start(day, minute, tz)], stop_early=True):
            continue  # cheap first check: most candidates fail on the first date
        starts = dates(candidate)
        if starts and not conflicts(starts, stop_early=True):
            fitting[candidate] = (alignment(starts[0]), starts[0])
    offers = _pick({c: (score, first, ()) for c, (score, first) in fitting.items()}, limit=limit)
    if offers or not members:
        return offers
    partial: dict[int, tuple[int, dt.datetime, tuple[Conflict, ...]]] = {}
    for candidate in range(0, WEEK_MINUTES, GRID):
        starts = dates(candidate)
        found = conflicts(starts, stop_early=False)
        if starts and len(found) < len(starts):
            partial[candidate] = (alignment(starts[0]), starts[0], tuple(found))
    if not partial:
        return []
    fewest = min(len(c) for _, _, c in partial.values())
    return _pick({k: v for k, v in partial.items() if len(v[2]) == fewest}, limit=limit)


def _gap(a: int, b: int) -> int:
    d = abs(a - b) % WEEK_MINUTES
    return min(d, WEEK_MINUTES - d)


def _pick(
    candidates: dict[int, tuple[int, dt.datetime, tuple[Conflict, ...]]], *, limit: int
) -> list[SlotOffer]:
    """Best-aligned starts first (ties: earliest), each at least STEP from those taken; then
    at most `limit`, spread evenly over the week."""
    taken: list[int] = []
    for candidate in sorted(candidates, key=lambda c: (-candidates[c][0], c)):
        if all(_gap(candidate, t) >= STEP for t in taken):
            taken.append(candidate)
    chosen = sorted(taken)
    if len(chosen) > limit:
        step = len(chosen) / limit
        chosen = sorted({chosen[int(i * step)] for i in range(limit)})
    return [
        SlotOffer(minute_of_week=c, first_start_at=candidates[c][1], conflicts=candidates[c][2])
        for c in chosen
    ]
