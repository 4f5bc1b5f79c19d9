"""Weekly availability windows: parsing, time-zone conversion and intersection.

A window set is a sorted tuple of disjoint half-open ``(start, end)`` pairs in minutes from
Monday 00:00 UTC (``0 <= start < end <= 10080``).  The empty tuple means "no constraint"
(available at any time), so it is the neutral element of :func:`common_windows`.

Minute-of-week sets describe ONE reference week (one UTC offset per member): good for scoring
how much members overlap, wrong for planning real dates across a daylight-saving change.
For real dates use :func:`local_windows_between` (absolute UTC intervals, converted date by
date in the member's zone) and :func:`common_intervals`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from collections.abc import Sequence
from typing import TypeVar
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

from .types import Availability

WEEK_MINUTES = 7 * 24 * 60
DAY_MINUTES = 24 * 60
FULL_WEEK: Availability = ((0, WEEK_MINUTES),)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW_RE = re.compile(
    r"^\s*(?P<day>[A-Za-z]{3})[A-Za-z]*\s+(?P<h1>\d{1,2}):(?P<m1>\d{2})\s*-\s*"
    r"(?P<h2>\d{1,2}):(?P<m2>\d{2})\s*$"
)


@functools.lru_cache(maxsize=65536)  # the same few hundred windows come back row after row
def parse_window(text: str) -> tuple[int, int, int]:
    """Parse ``"Mon 09:00-12:00"`` into ``(weekday 0-6, start_min, end_min)``.

    An end before the start crosses midnight (``"Fri 22:00-01:00"``: end is 1500).
    ``24:00`` is allowed as an end.  Raises ``ValueError`` with a readable message.
    """
    match = _WINDOW_RE.match(text)
    if not match:
        raise ValueError(f"malformed window {text!r}, expected like 'Mon 09:00-12:00'")
    day = match["day"].lower()
    if day not in DAYS:
        raise ValueError(f"unknown weekday {match['day']!r} in window {text!r}")
    h1, m1, h2, m2 = (int(match[g]) for g in ("h1", "m1", "h2", "m2"))
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2 != 0):
        raise ValueError(f"invalid time in window {text!r}")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end == start:
        raise ValueError(f"empty window {text!r}")
    if end < start:
        end += DAY_MINUTES
    return DAYS.index(day), start, end


@functools.lru_cache(maxsize=1024)  # ZoneInfo keeps only 8 zones strongly: more get reloaded
def get_zone(name: str) -> ZoneInfo:
    """Return the IANA zone or raise ``ValueError('unknown time zone ...')``."""
    try:
        if not name or name.startswith(("/", ".")) or ".." in name:
            raise ZoneInfoNotFoundError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone {name!r}") from None


_Point = TypeVar("_Point", int, dt.datetime)


def _merge_intervals(pieces: Iterable[tuple[_Point, _Point]]) -> tuple[tuple[_Point, _Point], ...]:
    """Non-empty half-open pieces, sorted, with overlapping or touching ones merged."""
    merged: list[tuple[_Point, _Point]] = []
    for s, e in sorted(p for p in pieces if p[0] < p[1]):
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return tuple(merged)


def normalize(windows: Iterable[tuple[int, int]]) -> Availability:
    """Sort, wrap at the week's end and merge overlapping or touching windows."""
    if isinstance(windows, (list, tuple)) and len(windows) <= 4:
        # a few windows inside the week, apart from each other: only sorting to do
        ordered = sorted(windows)
        prev = -1
        for start, end in ordered:
            if not (prev < start < end <= WEEK_MINUTES):
                break
            prev = end
        else:
            return tuple((int(s), int(e)) for s, e in ordered) if ordered else ()
    pieces: list[tuple[int, int]] = []
    for start, end in windows:
        if end <= start:
            continue
        if end - start >= WEEK_MINUTES:
            return FULL_WEEK
        s, e = start % WEEK_MINUTES, (start % WEEK_MINUTES) + (end - start)
        if e > WEEK_MINUTES:
            pieces.append((s, WEEK_MINUTES))
            pieces.append((0, e - WEEK_MINUTES))
        else:
            pieces.append((s, e))
    return _merge_intervals(pieces)


def local_windows_to_utc(
    windows: Iterable[tuple[int, int, int]],
    tz: str,
    *,
    reference: dt.date | None = None,
) -> Availability:
    """Convert local ``(weekday, start, end)`` windows to merged UTC minute-of-week windows.

    The result is valid for ONE reference week only: the UTC offset is the zone's offset at
    noon on ``reference`` and is applied to every window of the week, so a week (or a longer
    period) that spans a daylight-saving change gets the wrong hours on the far side of it.
    Pass ``reference`` explicitly (the date whose week you mean); ``None`` means today in UTC,
    which only suits "what does this look like now" displays.  To plan real dates, use
    :func:`local_windows_between`, which converts date by date.
    """
    offset_minutes = utc_offset_minutes(tz, reference)
    return normalize([shift_window(w, offset_minutes) for w in windows])


def utc_offset_minutes(tz: str, reference: dt.date | None = None) -> int:
    """The offset :func:`local_windows_to_utc` applies: the zone's at noon on ``reference``
    (today in UTC when ``None``)."""
    return _offset_minutes(tz, reference or dt.datetime.now(dt.UTC).date())


def shift_window(window: tuple[int, int, int], offset_minutes: int) -> tuple[int, int]:
    """A local ``(weekday, start, end)`` window as UTC minutes of the week, not yet wrapped
    or merged (:func:`normalize` does that for a member's windows together)."""
    weekday, start, end = window
    base = weekday * DAY_MINUTES - offset_minutes
    return base + start, base + end


@functools.lru_cache(maxsize=4096)
def _offset_minutes(tz: str, ref: dt.date) -> int:
    """The zone's UTC offset at noon on ``ref``, in minutes."""
    zone = get_zone(tz)
    noon = dt.datetime(ref.year, ref.month, ref.day, 12, tzinfo=zone)
    offset = noon.utcoffset() or dt.timedelta(0)
    return int(offset.total_seconds() // 60)


Intervals = tuple[tuple[dt.datetime, dt.datetime], ...]
"""Sorted, disjoint, non-touching half-open ``(start, end)`` pairs of aware UTC datetimes."""


def _transition_in_gap(local: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant at which the clocks jump over the nonexistent wall time `local`."""
    early = local.replace(tzinfo=zone, fold=1).astimezone(dt.UTC)  # offset after the jump
    late = local.replace(tzinfo=zone, fold=0).astimezone(dt.UTC)  # offset before the jump
    lo, hi = min(early, late), max(early, late)
    before = lo.astimezone(zone).utcoffset()
    while hi - lo > dt.timedelta(seconds=1):  # the first instant with the new offset
        mid = lo + (hi - lo) / 2
        if mid.astimezone(zone).utcoffset() == before:
            lo = mid
        else:
            hi = mid
    return hi.replace(microsecond=0)


def _wall_to_utc(local: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A naive local wall time as UTC: ambiguous times take their first occurrence
    (``fold=0``); nonexistent ones (in a spring-forward gap) map to the jump itself."""
    aware = local.replace(tzinfo=zone, fold=0)
    utc = aware.astimezone(dt.UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != local:
        return _transition_in_gap(local, zone)
    return utc


def local_windows_between(
    windows: Iterable[tuple[int, int, int]],
    tz: str,
    *,
    start_on: dt.date,
    end_on: dt.date,
) -> Intervals:
    """Absolute UTC intervals of local weekly ``(weekday, start, end)`` windows on the local
    dates ``start_on <= date < end_on`` in zone `tz`, converted date by date.

    Availability is a wall-clock promise ("Mondays 09:00-10:00 where I live"), so each date
    gets that date's UTC offset.  Around daylight-saving changes: a nonexistent local time
    (spring-forward gap) is skipped, i.e. a window edge inside the gap moves to the jump; an
    ambiguous time (fall-back overlap) uses its first occurrence (``fold=0``).  A window
    ending after midnight (end > 1440) ends on the next local day.  No windows: ``()``.
    Raises ``ValueError`` for an unknown zone.
    """
    zone = get_zone(tz)
    by_weekday: dict[int, list[tuple[int, int]]] = {}
    for weekday, start, end in windows:
        by_weekday.setdefault(weekday % 7, []).append((start, end))
    pieces = []
    day = start_on
    while day < end_on:
        midnight = dt.datetime.combine(day, dt.time(0))
        for start, end in by_weekday.get(day.weekday(), ()):
            pieces.append(
                (
                    _wall_to_utc(midnight + dt.timedelta(minutes=start), zone),
                    _wall_to_utc(midnight + dt.timedelta(minutes=end), zone),
                )
            )
        day += dt.timedelta(days=1)
    return _merge_intervals(pieces)


def common_intervals(*intervals: Sequence[tuple[dt.datetime, dt.datetime]]) -> Intervals:
    """Absolute intervals in which everybody is available.

    Unlike :func:`common_windows`, an empty list means "never" (there are no real dates on
    which that member is free), and no lists at all give ``()``.
    """
    if not intervals:
        return ()
    result = _merge_intervals(intervals[0])
    for other in intervals[1:]:
        result = _intersect(result, _merge_intervals(other))
        if not result:
            return ()
    return result


def _intersect(
    a: Sequence[tuple[_Point, _Point]], b: Sequence[tuple[_Point, _Point]]
) -> tuple[tuple[_Point, _Point], ...]:
    """Where two sorted, disjoint lists of half-open pieces overlap."""
    out: list[tuple[_Point, _Point]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        s, e = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def common_windows(*availabilities: Sequence[tuple[int, int]]) -> Availability:
    """Windows in which everybody is available; ``()`` availabilities are ignored.

    Returns :data:`FULL_WEEK` when nobody has a constraint.
    """
    result: Availability = FULL_WEEK
    for availability in availabilities:
        if availability:
            if result is FULL_WEEK and _within_week(availability):
                result = tuple(availability)  # the week's intersection with it: itself
                continue
            result = _intersect(result, tuple(availability))
            if not result:
                return ()
    return result


def _within_week(windows: Sequence[tuple[int, int]]) -> bool:
    """Sorted, disjoint and inside the week (what :func:`normalize` returns)."""
    prev = 0
    for s, e in windows:
        if s < prev or e <= s:
            return False
        prev = e
    return prev <= WEEK_MINUTES


def overlap_minutes(*availabilities: Sequence[tuple[int, int]]) -> int:
    """Weekly minutes in which everybody is available (unconstrained counts as always)."""
    return sum(e - s for s, e in common_windows(*availabilities))


def longest_window(windows: Availability) -> int:
    """Length of the longest contiguous window, joining the week's end to its start."""
    if not windows:
        return 0
    lengths = [e - s for s, e in windows]
    if len(windows) > 1 and windows[0][0] == 0 and windows[-1][1] == WEEK_MINUTES:
        lengths.append(windows[0][1] + WEEK_MINUTES - windows[-1][0])
    return max(lengths)


def format_windows(windows: Availability) -> list[str]:
    """Human strings like ``'Mon 09:00-12:00 UTC'`` for reports."""
    out = []
    for s, e in windows:
        day, start = divmod(s, DAY_MINUTES)
        end = start + (e - s)
        out.append(
            f"{DAYS[day].title()} {start // 60:02d}:{start % 60:02d}-"
            f"{(end // 60) % 24 if end > DAY_MINUTES else end // 60:02d}:{end % 60:02d} UTC"
        )
    return out
