"""The only door between coffee rounds and `peerly.matching`.

Members become engine inputs through `programs.engine_input` (one profile → input adapter and
one availability → UTC conversion for every kind; ids are `str(user_id)`); the engine's
groups come back as plain values keyed by user id, with its explanations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from peerly.matching import GroupOptions
from peerly.matching import Member
from peerly.matching import PastGroup
from peerly.matching import form_groups
from peerly.matching.availability import Intervals
from peerly.matching.availability import common_intervals
from peerly.programs import engine_input
from peerly.programs.engine_input import ProfileInput

Windows = tuple[tuple[int, int], ...]
WORKING_HOURS = tuple((day, 9 * 60, 18 * 60) for day in range(5))  # local, for suggestions


@dataclass(frozen=True)
class Candidate:
    """One member to draw: their engine view plus this round's do-not-pair and priority."""

    person: ProfileInput
    do_not_pair: frozenset[int] = frozenset()
    priority: int = 0

    @property
    def user_id(self) -> int:
        return self.person.user_id

    @property
    def timezone(self) -> str:
        """A valid IANA zone (UTC when unset or unknown)."""
        return self.person.timezone

    @property
    def local_windows(self) -> engine_input.LocalWindows:
        return self.person.local_windows


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
    return Candidate(
        person=engine_input.profile_input(user),
        do_not_pair=frozenset(do_not_pair),
        priority=priority,
    )


def suggestion_intervals(
    candidates: Sequence[Candidate], *, meets_from: dt.date, meet_by: dt.date
) -> Intervals:
    """Absolute UTC intervals where everybody can meet, date by date in each member's own
    zone on the local dates meets_from..meet_by: their availability, or working hours
    (Mon-Fri 09:00-18:00 local) if unset."""
    end_on = meet_by + dt.timedelta(days=1)
    return common_intervals(
        *(
            engine_input.utc_between(
                c.local_windows or WORKING_HOURS, c.timezone, start_on=meets_from, end_on=end_on
            )
            for c in candidates
        )
    )


def _member(c: Candidate, reference: dt.date) -> Member:
    return engine_input.member_input(
        c.person, reference=reference, do_not_pair=c.do_not_pair, priority=c.priority
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
    teams = {str(c.user_id): c.person.team for c in candidates}
    shown = {str(c.user_id): c.person.shown_interests for c in candidates}
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
