"""The only module of the circles app that imports the matching engine.

Converts active enrolments (profiles, availability, do-not-pair, people members know, earlier
circles) into engine inputs with ids ``str(user_id)``, and the engine's groups back into
planned circles of ``size`` (one more only to absorb a remainder; never fewer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from peerly.accounts.models import DoNotPair, Visibility
from peerly.accounts.selectors import can_see
from peerly.circles.models import CircleMember, CircleSettings, KnownPerson
from peerly.matching import GroupOptions, Member, PastGroup, form_groups, local_windows_to_utc
from peerly.matching import common_windows as engine_common_windows
from peerly.matching.availability import longest_window
from peerly.programs.models import Enrollment, Program
from peerly.programs.selectors import list_active_members

PAIR_CHECK_LIMIT = 1500  # members; above this the engine alone finds the isolated ones
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


def _utc_windows(enrollment: Enrollment, reference: dt.date) -> tuple[tuple[int, int], ...]:
    profile = enrollment.user.profile
    windows = [(w.weekday, w.start_minute, w.end_minute) for w in profile.windows.all()]
    if not windows:
        return ()
    return local_windows_to_utc(windows, profile.timezone or "UTC", reference=reference)


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


def _pairs(ids: Iterable[int]) -> list[tuple[int, int]]:
    s = sorted(ids)
    return [(a, b) for i, a in enumerate(s) for b in s[i + 1 :]]


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
    avail: dict[str, tuple[tuple[int, int], ...]] = {}
    shown: dict[str, frozenset[str]] = {}  # interests a circle's explanation may name
    for e in enrollments:
        windows = _utc_windows(e, starts_on)
        if not windows:
            left.append(_left(e.user_id, "no_availability", "no availability windows", minutes))
            continue
        profile = e.user.profile
        member = Member(
            id=str(e.user_id),
            team=profile.team,
            timezone=profile.timezone,
            languages=frozenset(x.lower() for x in profile.language_list),
            interests=frozenset(x.lower() for x in profile.interest_list),
            do_not_pair=frozenset(dnp.get(e.user_id, ())),
            knows=frozenset(knows.get(e.user_id, ())),
            availability=windows,
        )
        members.append(member)
        avail[member.id] = windows
        visible = can_see(profile, "interests", Visibility.PROGRAMMES)
        shown[member.id] = member.interests if visible else frozenset()

    history = _history(program)
    met = {
        tuple(sorted((int(a), int(b))))
        for h in history
        for a, b in _pairs(int(x) for x in h.member_ids)
    }
    size = settings.group_size
    options = GroupOptions(
        size=size,
        seed=seed,
        strategy=strategy or settings.strategy,
        team_rule=settings.team_rule,
        min_slot_minutes=minutes,
    )
    by_id = {m.id: m for m in members}
    # Members who share a long-enough slot with nobody cannot be in any circle: tell them why
    # up front so the engine plans group sizes for the others only.
    isolated = _isolated(members, avail, minutes) if len(members) <= PAIR_CHECK_LIMIT else set()
    left.extend(
        _left(int(x), "no_common_availability", "no slot in common with anybody", minutes)
        for x in sorted(isolated)
    )
    members = [m for m in members if m.id not in isolated]
    result = form_groups(members, history, options)
    groups = [list(g.member_ids) for g in result.groups]
    left.extend(_left(int(u.member_id), u.reason, u.detail, minutes) for u in result.unmatched)

    # Never a circle smaller than `size`: spread the members of small groups over circles that
    # can take one more (up to size + 1) while a common slot remains.
    full = [g for g in groups if len(g) >= size]
    rest: list[str] = []
    for small in (g for g in groups if len(g) < size):
        for member_id in sorted(small):
            target = _best_home(member_id, full, size, by_id, avail, minutes)
            if target is None:
                rest.append(member_id)
            else:
                target.append(member_id)
    if rest:
        # Re-plan the leftovers together with the circles that absorbed a remainder: e.g. a
        # pair and a circle of four become two circles of three.
        big = [g for g in full if len(g) > size]
        pool = sorted([*rest, *(x for g in big for x in g)])
        retry = form_groups([by_id[x] for x in pool], history, options)
        placed = [list(g.member_ids) for g in retry.groups if len(g.member_ids) >= size]
        if sum(map(len, placed)) > sum(map(len, big)):
            full = [g for g in full if len(g) <= size] + placed
            done = {x for g in placed for x in g}
            rest = [x for x in pool if x not in done]
        left.extend(
            _left(int(x), "remainder", "no circle could take one more member", minutes)
            for x in rest
        )

    circles = []
    for g in sorted(full, key=lambda g: sorted(int(x) for x in g)):
        user_ids = tuple(sorted(int(x) for x in g))
        common = engine_common_windows(*(avail[x] for x in g))
        shared = frozenset.intersection(*(shown[x] for x in g))
        circles.append(
            PlannedCircle(
                user_ids=user_ids,
                common_windows=tuple(common),
                overlap_hours=round(sum(e - s for s, e in common) / 60, 2),
                shared_interests=tuple(sorted(shared)),
                repeat_pairs=tuple(p for p in _pairs(user_ids) if p in met),
            )
        )
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


def _isolated(
    members: Sequence[Member], avail: dict[str, tuple[tuple[int, int], ...]], minutes: int
) -> set[str]:
    """Members without a single other member sharing a slot of `minutes`."""
    ok: set[str] = set()
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            if a.id in ok and b.id in ok:
                continue
            common = engine_common_windows(avail[a.id], avail[b.id])
            if longest_window(tuple(common)) >= minutes:
                ok.update((a.id, b.id))
    return {m.id for m in members} - ok


def _best_home(
    member_id: str,
    circles: Sequence[list[str]],
    size: int,
    by_id: dict[str, Member],
    avail: dict[str, tuple[tuple[int, int], ...]],
    minutes: int,
) -> list[str] | None:
    best: tuple[float, list[str]] | None = None
    me = by_id[member_id]
    for circle in circles:
        if len(circle) >= size + 1:
            continue
        if any(member_id in by_id[o].do_not_pair or o in me.do_not_pair for o in circle):
            continue
        langs = [by_id[x].languages for x in [*circle, member_id] if by_id[x].languages]
        if len(langs) > 1 and not frozenset.intersection(*langs):
            continue
        common = engine_common_windows(*(avail[x] for x in [*circle, member_id]))
        if longest_window(tuple(common)) < minutes:
            continue
        gain = sum(e - s for s, e in common)
        if best is None or gain > best[0]:
            best = (gain, circle)
    return None if best is None else best[1]


def _left(user_id: int, reason: str, detail: str, minutes: int) -> LeftOut:
    template = REASONS.get(reason, REASONS["no_feasible_group"])
    return LeftOut(
        user_id=user_id, reason=reason, detail=detail, message=template.format(minutes=minutes)
    )
