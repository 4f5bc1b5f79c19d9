"""The only door between coffee rounds and `peerly.matching`.

Converts members (users with profiles and availability) and past groups to engine inputs
(ids are `str(user_id)`) and the engine's groups back to plain values keyed by user id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from peerly.matching import (
    GroupOptions,
    Member,
    PastGroup,
    common_windows,
    form_groups,
    local_windows_to_utc,
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
    )


def utc_windows(candidate: Candidate, reference: dt.date) -> Windows:
    if not candidate.local_windows:
        return ()
    try:
        return local_windows_to_utc(
            candidate.local_windows, candidate.timezone, reference=reference
        )
    except ValueError:
        return local_windows_to_utc(candidate.local_windows, "UTC", reference=reference)


def suggestion_windows(candidates: Sequence[Candidate], reference: dt.date) -> Windows:
    """UTC windows where everybody can meet: their availability, or working hours if unset."""
    avails = []
    for c in candidates:
        if c.local_windows:
            avails.append(utc_windows(c, reference))
        else:
            tz = c.timezone or "UTC"
            try:
                avails.append(local_windows_to_utc(WORKING_HOURS, tz, reference=reference))
            except ValueError:
                avails.append(local_windows_to_utc(WORKING_HOURS, "UTC", reference=reference))
    return common_windows(*avails)


def _member(c: Candidate, reference: dt.date) -> Member:
    return Member(
        id=str(c.user_id),
        team=c.team,
        timezone=c.timezone,
        languages=c.languages,
        interests=c.interests,
        do_not_pair=frozenset(str(x) for x in c.do_not_pair),
        availability=utc_windows(c, reference),
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
    """Form one round of groups. `history` holds (round number, user ids, group label) rows."""
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
            "shared_interests": list(group.shared_interests),
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
