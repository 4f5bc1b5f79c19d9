"""Peerly's matching engine: groups (coffee pairs, circles) and mentor assignment.

Pure Python on NumPy/SciPy/OR-Tools/rustworkx; no Django.  Frozen dataclasses in, frozen
dataclasses out, deterministic for a given seed.  See docs/matching.md.
"""

from .availability import common_windows
from .availability import local_windows_to_utc
from .availability import overlap_minutes
from .availability import parse_window
from .fullgroups import form_full_groups
from .groups import form_groups
from .mentors import assign_mentors
from .mentors import score_pair
from .mentors import suggest_mentors
from .types import Assignment
from .types import AssignmentResult
from .types import Group
from .types import GroupingResult
from .types import GroupOptions
from .types import Member
from .types import Mentee
from .types import Mentor
from .types import MentorOptions
from .types import PastGroup
from .types import RoundPlan
from .types import Unmatched

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
