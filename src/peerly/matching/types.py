"""Frozen value types going in and out of the matching engine (no Django, plain values)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from types import MappingProxyType

Window = tuple[int, int]
Availability = tuple[Window, ...]

STRATEGIES = ("strangers", "familiar", "random")
TEAM_RULES = ("cross", "same", "none")
METHODS = ("optimal", "stable")
MIN_GROUP_SIZE = 2
MAX_GROUP_SIZE = 8


def _frozen_mapping(data: Mapping[str, object] | None = None) -> Mapping[str, object]:
    return MappingProxyType(dict(data or {}))


@dataclass(frozen=True)
class Member:
    """Somebody to be put into a group.

    ``availability`` holds weekly windows in UTC as minutes from Monday 00:00 UTC,
    half-open ``[start, end)``; ``()`` means "no constraint".
    """

    id: str
    team: str = ""
    timezone: str = "UTC"
    languages: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    do_not_pair: frozenset[str] = frozenset()
    knows: frozenset[str] = frozenset()
    availability: Availability = ()
    priority: int = 0  # > 0: was left out last time, place first


@dataclass(frozen=True)
class PastGroup:
    round: int
    member_ids: tuple[str, ...]
    group: str = ""


@dataclass(frozen=True)
class GroupOptions:
    size: int = 2
    seed: int = 0
    strategy: str = "strangers"  # strangers|familiar|random
    team_rule: str = "cross"  # cross|same|none
    min_overlap_hours: float = 0.0  # whole group must share >= this many weekly hours
    min_slot_minutes: int = 0  # whole group must share one contiguous window >= this
    history_window: int | None = None  # only the last N rounds count
    rounds: int = 1
    time_limit_seconds: float = 5.0  # budget for season-wide local search (k >= 3)

    def __post_init__(self) -> None:
        if not MIN_GROUP_SIZE <= self.size <= MAX_GROUP_SIZE:
            raise ValueError(f"size must be between {MIN_GROUP_SIZE} and {MAX_GROUP_SIZE}")
        if self.strategy not in STRATEGIES:
            raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}")
        if self.team_rule not in TEAM_RULES:
            raise ValueError(f"team_rule must be one of {', '.join(TEAM_RULES)}")
        if self.min_overlap_hours < 0 or self.min_slot_minutes < 0:
            raise ValueError("min_overlap_hours and min_slot_minutes must be >= 0")
        if self.history_window is not None and self.history_window < 1:
            raise ValueError("history_window must be >= 1")
        if self.rounds < 1:
            raise ValueError("rounds must be >= 1")


@dataclass(frozen=True)
class Group:
    member_ids: tuple[str, ...]  # sorted
    score: float
    components: Mapping[str, float]  # novelty, cross_team, familiar, overlap, interests, jitter
    repeat_pairs: tuple[tuple[str, str], ...]
    overlap_hours: float
    common_windows: Availability  # UTC minute-of-week windows shared by all
    shared_interests: tuple[str, ...]


@dataclass(frozen=True)
class Unmatched:
    member_id: str
    reason: str  # code, e.g. "no_feasible_partner", "do_not_pair", "no_capacity"
    detail: str = ""


@dataclass(frozen=True)
class RoundPlan:
    round: int
    groups: tuple[Group, ...]
    unmatched: tuple[Unmatched, ...]
    metrics: Mapping[str, object]  # the report fields for this round


@dataclass(frozen=True)
class GroupingResult:
    rounds: tuple[RoundPlan, ...]
    seconds: float
    season_metrics: Mapping[str, object] = field(default_factory=_frozen_mapping)  # all rounds

    @property
    def groups(self) -> tuple[Group, ...]:
        return self.rounds[0].groups if self.rounds else ()

    @property
    def unmatched(self) -> tuple[Unmatched, ...]:
        return self.rounds[0].unmatched if self.rounds else ()

    @property
    def metrics(self) -> Mapping[str, object]:
        return self.rounds[0].metrics if self.rounds else _frozen_mapping()


@dataclass(frozen=True)
class Mentor:
    id: str
    capacity: int
    team: str = ""
    timezone: str = "UTC"
    languages: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()
    availability: Availability = ()


@dataclass(frozen=True)
class Mentee:
    id: str
    team: str = ""
    timezone: str = "UTC"
    languages: frozenset[str] = frozenset()
    wants: frozenset[str] = frozenset()
    goals: str = ""
    availability: Availability = ()


@dataclass(frozen=True)
class MentorOptions:
    method: str = "optimal"  # optimal|stable
    seed: int = 0
    maximize_worst_first: bool = False
    # (mentee_id, mentor_id) -> (score, mentor_score); when given only these pairs are allowed
    scores: Mapping[tuple[str, str], tuple[float, float]] | None = None
    semantic: bool = True  # use sentence-transformers if importable
    candidates_per_mentee: int = 20  # K best mentors kept in the flow graph (0 = all)

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}")


@dataclass(frozen=True)
class Assignment:
    mentee_id: str
    mentor_id: str | None
    score: float
    components: Mapping[str, float]  # skills, goals, time, language ...
    reason: str  # "" when assigned, else a code
    detail: str = ""


@dataclass(frozen=True)
class AssignmentResult:
    assignments: tuple[Assignment, ...]  # one per mentee, sorted by mentee id
    metrics: Mapping[str, object]  # report fields
    seconds: float
