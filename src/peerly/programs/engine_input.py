"""Profile → engine input, and availability → UTC: once, for every bridge.

The engine (`peerly.matching`) takes frozen plain values. Bridges build them from members
here instead of each writing its own adapter:

    person = profile_input(user)                 # user with profile and profile.windows loaded
    member = member_input(person, reference=starts_on, do_not_pair=..., knows=...)
    week = utc_week(person.local_windows, person.timezone, reference=starts_on)
    dates = utc_between(person.local_windows, person.timezone, start_on=d1, end_on=d2)

Two conversions, and which to use:
- `utc_week`: minute-of-week UTC windows with the offsets of ONE reference week (explicit
  date, never "today" implicitly) — for scoring and ranking, where one week is the model.
- `utc_between`: absolute UTC intervals converted date by date in the member's zone — for
  anything that names real dates (suggested meeting times, sessions across a DST change).

Zones: an empty or unknown zone reads as UTC (core.timezones). Tags are lower-cased for the
engine; `shown_interests` / `shown_languages` keep only what the member lets programme
members / organisers see, for explanations that name them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from peerly.accounts.models import Visibility
from peerly.accounts.selectors import can_see
from peerly.core.timezones import zone_name
from peerly.matching import Member
from peerly.matching.availability import Availability
from peerly.matching.availability import Intervals
from peerly.matching.availability import local_windows_between
from peerly.matching.availability import local_windows_to_utc

LocalWindows = tuple[tuple[int, int, int], ...]  # (weekday, start minute, end minute), local


@dataclass(frozen=True)
class ProfileInput:
    """What the engine may know of a member, as plain values."""

    user_id: int
    team: str = ""
    timezone: str = "UTC"  # a valid IANA name (UTC when unset or unknown)
    languages: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()
    local_windows: LocalWindows = ()
    shown_interests: frozenset[str] = frozenset()  # visible to programme members
    shown_languages: frozenset[str] = frozenset()  # visible to organisers

    @property
    def id(self) -> str:
        """The engine's id for this member."""
        return str(self.user_id)


def lower_tags(tags: Iterable[str]) -> frozenset[str]:
    return frozenset(t.strip().lower() for t in tags if t.strip())


def local_windows_of(profile: Any) -> LocalWindows:
    """The profile's weekly windows as (weekday, start, end) local minutes, sorted."""
    if profile is None:
        return ()
    return tuple(sorted((w.weekday, w.start_minute, w.end_minute) for w in profile.windows.all()))


def profile_input(user: Any) -> ProfileInput:
    """Build the engine view of `user` (with `profile` and `profile.windows` prefetched)."""
    profile = getattr(user, "profile", None)
    if profile is None:
        return ProfileInput(user_id=user.pk)
    interests = lower_tags(profile.interest_list)
    languages = lower_tags(profile.language_list)
    return ProfileInput(
        user_id=user.pk,
        team=profile.team.strip(),
        timezone=zone_name(profile.timezone),
        languages=languages,
        interests=interests,
        skills=lower_tags(profile.skill_list),
        local_windows=local_windows_of(profile),
        shown_interests=interests
        if can_see(profile, "interests", Visibility.PROGRAMMES)
        else frozenset(),
        shown_languages=languages
        if can_see(profile, "languages", Visibility.ORGANISERS)
        else frozenset(),
    )


def utc_week(
    windows: Iterable[tuple[int, int, int]], tz: str, *, reference: dt.date
) -> Availability:
    """Minute-of-week UTC windows using the zone's offset in `reference`'s week; () if none."""
    windows = tuple(windows)
    if not windows:
        return ()
    return local_windows_to_utc(windows, zone_name(tz), reference=reference)


def utc_between(
    windows: Iterable[tuple[int, int, int]], tz: str, *, start_on: dt.date, end_on: dt.date
) -> Intervals:
    """Absolute UTC intervals on the local dates start_on <= date < end_on, date by date."""
    return local_windows_between(tuple(windows), zone_name(tz), start_on=start_on, end_on=end_on)


def member_input(
    person: ProfileInput,
    *,
    reference: dt.date,
    do_not_pair: Iterable[int | str] = (),
    knows: Iterable[int | str] = (),
    priority: int = 0,
    availability: Availability | None = None,
) -> Member:
    """The engine's Member for a group draw (rounds, circles). `availability` overrides the
    reference-week conversion (e.g. when the caller already computed it)."""
    return Member(
        id=person.id,
        team=person.team,
        timezone=person.timezone,
        languages=person.languages,
        interests=person.interests,
        do_not_pair=frozenset(str(x) for x in do_not_pair),
        knows=frozenset(str(x) for x in knows),
        availability=utc_week(person.local_windows, person.timezone, reference=reference)
        if availability is None
        else availability,
        priority=priority,
    )
