"""When rounds are drawn: the draw slots of a programme's cadence (pure date arithmetic).

Weekly: every week on the draw weekday. Fortnightly: every other week, counted from the
programme's start (or 2024-01-01). Monthly: the first (second, …) draw weekday of each month.
Draws happen at `draw_time` UTC. No slot falls before `starts_on` or after `ends_on`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

FORTNIGHT_ANCHOR = dt.date(2024, 1, 1)  # a Monday


@dataclass(frozen=True)
class Cadence:
    kind: str  # weekly | fortnightly | monthly
    weekday: int
    week_of_month: int
    time: dt.time
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    first = dt.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + dt.timedelta(days=offset + 7 * (nth - 1))


def _month_shift(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _slot_dates_around(cadence: Cadence, day: dt.date) -> list[dt.date]:
    """Candidate slot dates near `day`, sorted (one period either side is enough)."""
    if cadence.kind == "monthly":
        return [
            _nth_weekday(
                *_month_shift(day.year, day.month, delta), cadence.weekday, cadence.week_of_month
            )
            for delta in (-2, -1, 0, 1, 2)
        ]
    step = 7 if cadence.kind == "weekly" else 14
    anchor = cadence.starts_on or FORTNIGHT_ANCHOR
    if cadence.kind == "weekly":
        anchor = FORTNIGHT_ANCHOR
    first = anchor + dt.timedelta(days=(cadence.weekday - anchor.weekday()) % 7)
    k = (day - first).days // step
    return [first + dt.timedelta(days=step * (k + d)) for d in (-2, -1, 0, 1, 2)]


def _in_range(cadence: Cadence, day: dt.date) -> bool:
    if cadence.starts_on and day < cadence.starts_on:
        return False
    return not (cadence.ends_on and day > cadence.ends_on)


def _at(cadence: Cadence, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, cadence.time, tzinfo=dt.UTC)


def last_slot(cadence: Cadence, now: dt.datetime) -> dt.datetime | None:
    """The latest draw time at or before `now`, or None."""
    candidates = [
        _at(cadence, d)
        for d in _slot_dates_around(cadence, now.astimezone(dt.UTC).date())
        if _in_range(cadence, d)
    ]
    past = [c for c in candidates if c <= now]
    return max(past) if past else None


def next_slot(cadence: Cadence, now: dt.datetime) -> dt.datetime | None:
    """The first draw time after `now`, or None (e.g. after the programme ends)."""
    day = now.astimezone(dt.UTC).date()
    if cadence.starts_on and cadence.starts_on > day:
        day = cadence.starts_on
    for _ in range(3):
        candidates = [
            _at(cadence, d) for d in _slot_dates_around(cadence, day) if _in_range(cadence, d)
        ]
        future = [c for c in candidates if c > now]
        if future:
            return min(future)
        if cadence.ends_on and day > cadence.ends_on:
            return None
        day += dt.timedelta(days=60)
    return None


def meet_window(draw_day: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """(meets_from, meet_by): the `days` days after the draw day."""
    return draw_day + dt.timedelta(days=1), draw_day + dt.timedelta(days=days)


# A member's chosen frequency (Profile.frequency) and a programme's cadence, in nominal days.
FREQUENCY_DAYS = {"weekly": 7, "fortnightly": 14, "monthly": 30, "quarterly": 91}


def wants_less_often(frequency: str, cadence: str) -> bool:
    """A member's frequency is less often than the programme's cadence."""
    wanted, every = FREQUENCY_DAYS.get(frequency), FREQUENCY_DAYS.get(cadence)
    return wanted is not None and every is not None and wanted > every


def rests(*, frequency: str, cadence: str, last_drawn: dt.date | None, draw_day: dt.date) -> bool:
    """Whether a member sits out the round drawn on `draw_day` because they asked to meet
    less often than the programme runs: their last group was less than their interval ago,
    less half a programme period (so "every few months" in a monthly programme is every third
    round, and "every two weeks" in a weekly one every other round, without drifting). A
    member who asked for as often or more often than the programme runs never rests; nor
    does one who has not been drawn yet."""
    if last_drawn is None or not wants_less_often(frequency, cadence):
        return False
    return (draw_day - last_drawn).days < FREQUENCY_DAYS[frequency] - FREQUENCY_DAYS[cadence] / 2
