"""The only module of the circles app that imports the matching engine. It only translates.

Converts active enrolments (profiles, availability, do-not-pair, people members know, earlier
circles) into engine inputs with ids ``str(user_id)``, and the engine's explained groups back
into planned circles. The algorithm (circles of ``size``, one more only to absorb a remainder,
never fewer; the isolation check) is :func:`peerly.matching.form_full_groups`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from dataclasses import field

from peerly.accounts.models import DoNotPair
from peerly.circles.models import CircleMember
from peerly.circles.models import CircleSettings
from peerly.circles.models import KnownPerson
from peerly.matching import GroupOptions
from peerly.matching import Member
from peerly.matching import PastGroup
from peerly.matching import form_full_groups
from peerly.programs import engine_input
from peerly.programs.models import Program
from peerly.programs.selectors import list_active_members

REASONS = {
    "no_availability": "You have not set your weekly availability, so no common slot can be "
    "found. Add it to your profile.",
    "no_common_availability": "Nobody else shares a free weekly slot of {minutes} minutes with "
    "you. Widening your availability helps.",
    "do_not_pair": "Your do-not-pair choices rule out every possible circle.",
    "no_shared_language": "No other member shares a language with you.",
    "no_feasible_partner": "No circle could be formed with you under the rules "
    "(slot of {minutes} minutes, languages, do-not-pair).",
    "no_feasible_group": "Too few compatible members share a slot of {minutes} minutes with "
    "you to make a circle.",
    "in_running_circle": "You are in a circle of this programme's season that is still "
    "running, so you are not placed in a second circle at the same time.",
    "remainder": "The members left over could not be added to another circle (each circle "
    "needs a common slot of {minutes} minutes).",
}


@dataclass(frozen=True)
class PlannedCircle:
    user_ids: tuple[int, ...]
    common_windows: tuple[tuple[int, int], ...]
    overlap_hours: float
    shared_interests: tuple[str, ...]
    repeat_pairs: tuple[tuple[int, int], ...]
    score: float = 0.0
    components: tuple[tuple[str, float], ...] = ()  # the engine's score, by component

    @property
    def never_met(self) -> bool:
        return not self.repeat_pairs


@dataclass(frozen=True)
class LeftOut:
    user_id: int
    reason: str
    detail: str
    message: str


@dataclass(frozen=True)
class FormationPlan:
    circles: tuple[PlannedCircle, ...]
    unmatched: tuple[LeftOut, ...]
    metrics: dict[str, object] = field(default_factory=dict)


def _history(program: Program) -> list[PastGroup]:
    rows = (
        CircleMember.objects.filter(circle__program=program)
        .values_list("circle_id", "circle__season__number", "user_id")
        .order_by("circle_id")
    )
    groups: dict[int, tuple[int, list[str]]] = {}
    for circle_id, season_number, user_id in rows:
        groups.setdefault(circle_id, (season_number, []))[1].append(str(user_id))
    return [
        PastGroup(round=n, member_ids=tuple(sorted(ids)), group=str(cid))
        for cid, (n, ids) in sorted(groups.items())
    ]


def plan_formation(
    *,
    program: Program,
    settings: CircleSettings,
    starts_on: dt.date,
    seed: int,
    strategy: str | None = None,
    busy_user_ids: Collection[int] = (),
) -> FormationPlan:
    """Plan the circles of the next season (nothing is saved). Members in `busy_user_ids`
    (in a circle of a season that overlaps this one) are left out with the reason."""
    minutes = settings.session_minutes
    busy = set(busy_user_ids)
    active = [
        e
        for e in list_active_members(program=program)
        if not e.user.profile.is_paused_on(starts_on)
    ]
    enrollments = [e for e in active if e.user_id not in busy]
    ids = {e.user_id for e in enrollments}
    knows: dict[int, set[str]] = {}
    for owner_id, other_id in KnownPerson.objects.filter(
        program=program, owner_id__in=ids, other_id__in=ids
    ).values_list("owner_id", "other_id"):
        knows.setdefault(owner_id, set()).add(str(other_id))
    dnp: dict[int, set[str]] = {}
    for owner_id, other_id in DoNotPair.objects.filter(
        owner_id__in=ids, other_id__in=ids
    ).values_list("owner_id", "other_id"):
        dnp.setdefault(owner_id, set()).add(str(other_id))

    members: list[Member] = []
    left: list[LeftOut] = [
        _left(e.user_id, "in_running_circle", "in a circle of a running season", minutes)
        for e in active
        if e.user_id in busy
    ]
    shown: dict[str, frozenset[str]] = {}  # interests a circle's explanation may name
    for e in enrollments:
        person = engine_input.profile_input(e.user)
        member = engine_input.member_input(
            person,
            reference=starts_on,
            do_not_pair=dnp.get(e.user_id, ()),
            knows=knows.get(e.user_id, ()),
        )
        if not member.availability:
            left.append(_left(e.user_id, "no_availability", "no availability windows", minutes))
            continue
        members.append(member)
        shown[member.id] = person.shown_interests

    options = GroupOptions(
        size=settings.group_size,
        seed=seed,
        strategy=strategy or settings.strategy,
        team_rule=settings.team_rule,
        min_slot_minutes=minutes,
    )
    result = form_full_groups(members, _history(program), options)
    left.extend(_left(int(u.member_id), u.reason, u.detail, minutes) for u in result.unmatched)
    # the engine explains each circle; it names only interests every member shows
    circles = [
        PlannedCircle(
            user_ids=tuple(sorted(int(x) for x in g.member_ids)),
            common_windows=tuple(g.common_windows),
            overlap_hours=round(g.overlap_hours, 2),
            shared_interests=tuple(
                sorted(
                    frozenset(g.shared_interests).intersection(*(shown[x] for x in g.member_ids))
                )
            ),
            repeat_pairs=tuple(sorted(_pair(a, b) for a, b in g.repeat_pairs)),
            score=g.score,
            components=tuple(sorted(g.components.items())),
        )
        for g in sorted(result.groups, key=lambda g: sorted(int(x) for x in g.member_ids))
    ]
    unmatched = tuple(sorted(left, key=lambda x: x.user_id))
    sizes: dict[str, int] = {}
    for c in circles:
        sizes[str(len(c.user_ids))] = sizes.get(str(len(c.user_ids)), 0) + 1
    metrics = {
        "members": len(active),
        "placed": sum(len(c.user_ids) for c in circles),
        "circles": len(circles),
        "sizes": sizes,
        "unmatched": len(unmatched),
        "repeat_pairs": sum(len(c.repeat_pairs) for c in circles),
        "never_met_circles": sum(1 for c in circles if c.never_met),
        "with_shared_interests": sum(1 for c in circles if c.shared_interests),
        "mean_common_hours": round(sum(c.overlap_hours for c in circles) / len(circles), 2)
        if circles
        else 0.0,
        "seed": seed,
        "strategy": strategy or settings.strategy,
    }
    return FormationPlan(circles=tuple(circles), unmatched=unmatched, metrics=metrics)


def _pair(a: str, b: str) -> tuple[int, int]:
    x, y = int(a), int(b)
    return (x, y) if x < y else (y, x)


def _left(user_id: int, reason: str, detail: str, minutes: int) -> LeftOut:
    template = REASONS.get(reason, REASONS["no_feasible_group"])
    return LeftOut(
        user_id=user_id, reason=reason, detail=detail, message=template.format(minutes=minutes)
    )
