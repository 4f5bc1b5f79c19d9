"""The only door between coffee rounds and `peerly.matching`.

Converts members (users with profiles and availability) and past groups to engine inputs
(ids are `str(user_id)`) and the engine's groups back to plain values keyed by user id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from peerly.accounts.models import Visibility
from peerly.accounts.selectors import can_see
from peerly.matching import (
    GroupOptions,
    Member,
    PastGroup,
    form_groups,
    local_windows_to_utc,
)
from peerly.matching.availability import (
    Intervals,
    common_intervals,
    get_zone,
    local_windows_between,
)

Windows = tuple[tuple[int, int], ...]
WORKING_HOURS = tuple((day, 9 * 60, 18 * 60) for day in range(5))  # local, for suggestions


@dataclass(frozen=True)
class Candidate:
    """One member to draw, in plain values."""

    user_id: int
    team: str = ""
    timezone: str = "UTC"
    languages: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    local_windows: tuple[tuple[int, int, int], ...] = ()  # (weekday, start, end) local
    do_not_pair: frozenset[int] = frozenset()
    priority: int = 0
    # The interests the member shows fellow members: the only ones a group's explanation
    # ("shares chess") may name. The engine still matches on all of them.
    shown_interests: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DrawnGroup:
    user_ids: tuple[int, ...]
    score: float
    reasons: Mapping[str, object]
    common_windows: Windows


@dataclass(frozen=True)
class DrawnUnmatched:
    user_id: int
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class Draw:
    groups: tuple[DrawnGroup, ...]
    unmatched: tuple[DrawnUnmatched, ...]
    metrics: dict[str, object] = field(default_factory=dict)


def candidate_from_user(
    user: Any, *, do_not_pair: Iterable[int] = (), priority: int = 0
) -> Candidate:
    """Build a Candidate from a User with `profile` and `profile.windows` loaded."""
    profile = getattr(user, "profile", None)
    if profile is None:
        return Candidate(
            user_id=user.pk,
            do_not_pair=frozenset(do_not_pair),  # type: ignore[attr-defined]
            priority=priority,
        )
    return Candidate(
        user_id=user.pk,  # type: ignore[attr-defined]
        team=profile.team.strip(),
        timezone=profile.timezone or "UTC",
        languages=frozenset(x.lower() for x in profile.language_list),
        interests=frozenset(x.lower() for x in profile.interest_list),
        local_windows=tuple(
            (w.weekday, w.start_minute, w.end_minute) for w in profile.windows.all()
        ),
        do_not_pair=frozenset(do_not_pair),
        priority=priority,
        shown_interests=frozenset(x.lower() for x in profile.interest_list)
        if can_see(profile, "interests", Visibility.PROGRAMMES)
        else frozenset(),
    )


def zone_of(candidate: Candidate) -> str:
    """The member's IANA zone, or UTC when it is unset or unknown."""
    try:
        get_zone(candidate.timezone)
    except ValueError:
        return "UTC"
    return candidate.timezone


def utc_windows(candidate: Candidate, *, reference: dt.date) -> Windows:
    """Minute-of-week UTC windows for scoring, with the offsets of `reference`'s week only."""
    if not candidate.local_windows:
        return ()
    return local_windows_to_utc(candidate.local_windows, zone_of(candidate), reference=reference)


def suggestion_intervals(
    candidates: Sequence[Candidate], *, meets_from: dt.date, meet_by: dt.date
) -> Intervals:
    """Absolute UTC intervals where everybody can meet, date by date in each member's own
    zone on the local dates meets_from..meet_by: their availability, or working hours
    (Mon-Fri 09:00-18:00 local) if unset."""
    end_on = meet_by + dt.timedelta(days=1)
    return common_intervals(
        *(
            local_windows_between(
                c.local_windows or WORKING_HOURS, zone_of(c), start_on=meets_from, end_on=end_on
            )
            for c in candidates
        )
    )


def _member(c: Candidate, reference: dt.date) -> Member:
    return Member(
        id=str(c.user_id),
        team=c.team,
        timezone=c.timezone,
        languages=c.languages,
        interests=c.interests,
        do_not_pair=frozenset(str(x) for x in c.do_not_pair),
        availability=utc_windows(c, reference=reference),
        priority=c.priority,
    )


def draw(
    *,
    candidates: Sequence[Candidate],
    history: Iterable[tuple[int, Sequence[int], str]],
    size: int,
    seed: int,
    team_rule: str,
    min_overlap_hours: float,
    reference: dt.date,
) -> Draw:
    """Form one round of groups. `history` holds (round number, user ids, group label) rows.

    Overlap scores use one reference week (`reference`, the first meeting day): they rank
    groups; the suggested dates come from `suggestion_intervals`, which is exact per date."""
    members = [_member(c, reference) for c in candidates]
    past = [
        PastGroup(round=r, member_ids=tuple(str(u) for u in ids), group=label)
        for r, ids, label in history
    ]
    options = GroupOptions(
        size=size,
        seed=seed,
        strategy="strangers",
        team_rule=team_rule,
        min_overlap_hours=min_overlap_hours,
    )
    result = form_groups(members, past, options)
    teams = {str(c.user_id): c.team for c in candidates}
    shown = {str(c.user_id): c.shown_interests for c in candidates}
    has_windows = {str(c.user_id): bool(c.local_windows) for c in candidates}
    ever: set[tuple[str, str]] = set()
    for p in past:
        ids = sorted(p.member_ids)
        ever.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :])
    groups = []
    for group in result.groups:
        ids = sorted(group.member_ids)
        group_teams = [teams[i] for i in ids if teams.get(i)]
        pairs = [(a, b) for n, a in enumerate(ids) for b in ids[n + 1 :]]
        reasons = {
            "shared_interests": [
                t for t in group.shared_interests if all(t in shown[i] for i in ids)
            ],
            "overlap_hours": round(min(group.overlap_hours, 168.0), 1),
            "has_availability": any(has_windows[i] for i in ids),
            "crosses_teams": len(set(group_teams)) > 1,
            "never_met": not any(p in ever for p in pairs),
            "repeat_pairs": [[int(a), int(b)] for a, b in group.repeat_pairs],
            "components": dict(group.components),
        }
        groups.append(
            DrawnGroup(
                user_ids=tuple(int(i) for i in group.member_ids),
                score=group.score,
                reasons=reasons,
                common_windows=tuple(group.common_windows),
            )
        )
    unmatched = tuple(
        DrawnUnmatched(int(u.member_id), u.reason, u.detail) for u in result.unmatched
    )
    metrics = {k: v for k, v in result.metrics.items() if k != "unmatched"}
    return Draw(groups=tuple(groups), unmatched=unmatched, metrics=metrics)
