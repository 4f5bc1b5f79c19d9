"""``form_full_groups``: groups never smaller than the asked size (peer-coaching circles).

:func:`~peerly.matching.groups.form_groups` balances sizes around ``options.size`` (a round
of 7 in triads may give a pair and a group of five members elsewhere is not allowed, so it
returns groups of ``size - 1`` when the numbers do not divide). Some formats cannot run with
fewer than ``size`` people: a peer-coaching circle needs a coachee, a coach and a note-taker.
This module plans for them:

1. **Isolation check** (exact, ``O(n²)`` pairs, up to ``pair_check_limit`` members): a member
   who shares a long-enough slot (``options.min_slot_minutes``) with nobody cannot be in any
   group. They are reported up front (``no_common_availability``) so the sizes are planned
   for the others only. Above the limit the engine's own unmatched reasons find them.
2. ``form_groups`` on the rest.
3. **Remainder absorption**: every member of a group smaller than ``size`` joins the group
   that gains the most common weekly minutes with them and can take one more (up to
   ``size + 1``) without breaking a hard rule. Leftovers are re-planned together with the
   groups that absorbed someone (a pair and a group of four become two groups of three);
   the re-plan is kept only when it places more people. Whoever is still left is reported
   as ``remainder``.

Deterministic and independent of the order of ``members``; the result is explained like
``form_groups``' (score components, repeat pairs, common windows, shared interests) and its
metrics are ``round_metrics`` plus ``isolation_checked``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from types import MappingProxyType

from .availability import common_windows
from .availability import longest_window
from .availability import overlap_minutes
from .groups import explain_groups
from .groups import form_groups
from .history import last_round
from .metrics import round_metrics
from .scoring import Problem
from .types import GroupingResult
from .types import GroupOptions
from .types import Member
from .types import PastGroup
from .types import RoundPlan
from .types import Unmatched

PAIR_CHECK_LIMIT = 1500  # members; above this the engine alone finds the isolated ones
ISOLATED = ("no_common_availability", "no slot in common with anybody")
REMAINDER = ("remainder", "no group could take one more member")


def isolated_members(members: Sequence[Member], min_slot_minutes: int) -> frozenset[str]:
    """Ids of the members who share no window of ``min_slot_minutes`` with any other member.

    Exact and quadratic in ``len(members)``: the caller decides when it is affordable.
    """
    ordered = sorted(members, key=lambda m: m.id)
    ok: set[str] = set()
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if a.id in ok and b.id in ok:
                continue
            common = common_windows(a.availability, b.availability)
            if longest_window(common) >= min_slot_minutes:
                ok.update((a.id, b.id))
    return frozenset(m.id for m in ordered) - ok


def form_full_groups(
    members: Sequence[Member],
    history: Sequence[PastGroup] = (),
    options: GroupOptions = GroupOptions(size=3),  # noqa: B008 - frozen dataclass
    *,
    pair_check_limit: int = PAIR_CHECK_LIMIT,
) -> GroupingResult:
    """One round of groups of ``options.size`` or ``options.size + 1`` members, never fewer.

    Everybody not placed is in ``unmatched`` with a reason code: the engine's own codes,
    ``no_common_availability`` from the isolation check, or ``remainder``.
    """
    started = time.perf_counter()
    if options.rounds != 1:
        raise ValueError("form_full_groups plans one round at a time")
    ids = [m.id for m in members]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})[0]
        raise ValueError(f"duplicate member id {dup!r}")
    everyone = sorted(members, key=lambda m: m.id)
    size = options.size
    checked = len(everyone) <= pair_check_limit
    isolated = isolated_members(everyone, options.min_slot_minutes) if checked else frozenset()
    left: dict[str, tuple[str, str]] = dict.fromkeys(sorted(isolated), ISOLATED)
    pool = [m for m in everyone if m.id not in isolated]

    first = form_groups(pool, history, options)
    left.update((u.member_id, (u.reason, u.detail)) for u in first.unmatched)
    groups = [list(g.member_ids) for g in first.groups]
    problem = Problem(pool, history, options, round_no=last_round(history) + 1)

    full = [g for g in groups if len(g) >= size]
    rest: list[str] = []
    for small in (g for g in groups if len(g) < size):
        for member_id in sorted(small):
            target = _best_home(problem, member_id, full, size)
            if target is None:
                rest.append(member_id)
            else:
                target.append(member_id)
    if rest:
        by_id = {m.id: m for m in pool}
        big = [g for g in full if len(g) > size]
        again = sorted([*rest, *(x for g in big for x in g)])
        retry = form_groups([by_id[x] for x in again], history, options)
        placed = [list(g.member_ids) for g in retry.groups if len(g.member_ids) >= size]
        if sum(map(len, placed)) > sum(map(len, big)):
            full = [g for g in full if len(g) <= size] + placed
            done = {x for g in placed for x in g}
            rest = [x for x in again if x not in done]
        left.update(dict.fromkeys(rest, REMAINDER))

    return _result(everyone, history, options, full, left, checked=checked, started=started)


def _best_home(
    problem: Problem, member_id: str, groups: Sequence[list[str]], size: int
) -> list[str] | None:
    """The group gaining most common weekly minutes with ``member_id`` that can take one
    more without breaking a hard rule (first such group on ties); ``None`` if there is none."""
    best: tuple[int, list[str]] | None = None
    index = problem.index
    for group in groups:
        if len(group) >= size + 1:
            continue
        candidate = [index[x] for x in [*group, member_id]]
        if problem.group_violations(candidate):
            continue
        gain = overlap_minutes(*(problem.avail[i] for i in candidate))
        if best is None or gain > best[0]:
            best = (gain, group)
    return None if best is None else best[1]


def _result(
    everyone: Sequence[Member],
    history: Sequence[PastGroup],
    options: GroupOptions,
    groups: Sequence[Sequence[str]],
    left: dict[str, tuple[str, str]],
    *,
    checked: bool,
    started: float,
) -> GroupingResult:
    round_no = last_round(history) + 1
    problem = Problem(everyone, history, options, round_no=round_no)
    indexed = [sorted(problem.index[x] for x in g) for g in groups]
    unmatched = {problem.index[x]: reason for x, reason in left.items()}
    row = round_metrics(problem, indexed, unmatched)
    row["round"] = round_no
    row["seed"] = options.seed
    row["isolation_checked"] = checked
    built = tuple(sorted(explain_groups(problem, indexed), key=lambda g: g.member_ids))
    plan = RoundPlan(
        round=round_no,
        groups=built,
        unmatched=tuple(Unmatched(x, r, d) for x, (r, d) in sorted(left.items())),
        metrics=MappingProxyType(row),
    )
    seconds = time.perf_counter() - started
    return GroupingResult(
        rounds=(plan,), seconds=seconds, season_metrics=MappingProxyType(dict(row))
    )
