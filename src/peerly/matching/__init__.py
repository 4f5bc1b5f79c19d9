"""Peerly's matching engine: groups (coffee pairs, circles) and mentor assignment.

Pure Python on NumPy/SciPy/OR-Tools/rustworkx; no Django.  Frozen dataclasses in, frozen
dataclasses out, deterministic for a given seed.  See docs/matching.md.
"""

from .availability import (
    common_windows,
    local_windows_to_utc,
    overlap_minutes,
    parse_window,
)
from .fullgroups import form_full_groups
from .groups import form_groups
from .mentors import assign_mentors, score_pair, suggest_mentors
from .types import (
    Assignment,
    AssignmentResult,
    Group,
    GroupingResult,
    GroupOptions,
    Member,
    Mentee,
    Mentor,
    MentorOptions,
    PastGroup,
    RoundPlan,
    Unmatched,
)

__all__ = [
    "Assignment",
    "AssignmentResult",
    "Group",
    "GroupOptions",
    "GroupingResult",
    "Member",
    "Mentee",
    "Mentor",
    "MentorOptions",
    "PastGroup",
    "RoundPlan",
    "Unmatched",
    "assign_mentors",
    "common_windows",
    "form_full_groups",
    "form_groups",
    "local_windows_to_utc",
    "overlap_minutes",
    "parse_window",
    "score_pair",
    "suggest_mentors",
]
