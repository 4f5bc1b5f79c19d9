"""``form_groups``: one round or a whole season of groups, with explanations and metrics."""

from __future__ import annotations

import itertools
import time
import zlib
from collections.abc import Sequence
from types import MappingProxyType

import numpy as np

from . import designs
from .availability import FULL_WEEK
from .availability import WEEK_MINUTES
from .availability import common_windows
from .availability import overlap_minutes
from .history import last_round
from .metrics import group_pairs
from .metrics import round_metrics
from .metrics import season_metrics
from .scoring import COMPONENTS
from .scoring import Problem
from .season import improve_season
from .solver import Reasons
from .solver import solve_round
from .types import Group
from .types import GroupingResult
from .types import GroupOptions
from .types import Member
from .types import PastGroup
from .types import RoundPlan
from .types import Unmatched

Plan = tuple[list[list[int]], Reasons]
SEQUENTIAL_LIMIT = 60_000  # members x rounds solved one round at a time before designs win


def form_groups(
    members: Sequence[Member],
    history: Sequence[PastGroup] = (),
    options: GroupOptions = GroupOptions(),  # noqa: B008 - frozen dataclass
) -> GroupingResult:
    """Partition ``members`` into groups of ``options.size`` for ``options.rounds`` rounds.

    Deterministic for a given seed and independent of the order of ``members``/``history``.
    The first planned round is the history's last round + 1.
    """
    started = time.perf_counter()
    ids = [m.id for m in members]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})[0]
        raise ValueError(f"duplicate member id {dup!r}")
    first = last_round(history) + 1
    base = Problem(members, history, options, round_no=first)
    plans, problems = _plan(base, members, history, options, first)
    rounds: list[RoundPlan] = []
    metrics_rows: list[dict[str, object]] = []
    for offset, (groups, unmatched) in enumerate(plans):
        round_no = first + offset
        clock = time.perf_counter()
        # design rounds never repeat a pair within the season and were checked against the
        # history, so the first round's problem explains them all
        problem = problems[offset] if problems else base
        row = round_metrics(problem, groups, unmatched)
        row["round"] = round_no
        row["seed"] = options.seed
        built = tuple(sorted(explain_groups(problem, groups), key=lambda g: g.member_ids))
        row["seconds"] = round(time.perf_counter() - clock, 4)
        metrics_rows.append(row)
        rounds.append(
            RoundPlan(
                round=round_no,
                groups=built,
                unmatched=tuple(
                    Unmatched(base.ids[i], r, d)
                    for i, (r, d) in sorted(unmatched.items(), key=lambda kv: base.ids[kv[0]])
                ),
                metrics=MappingProxyType(row),
            )
        )
    season = season_metrics(metrics_rows)
    season["rounds"] = len(rounds)
    season["seed"] = options.seed
    seconds = time.perf_counter() - started
    season["seconds"] = round(seconds, 4)
    return GroupingResult(rounds=tuple(rounds), seconds=seconds, season_metrics=season)


def _problem_for(
    members: Sequence[Member],
    history: Sequence[PastGroup],
    options: GroupOptions,
    round_no: int,
    planned: Sequence[PastGroup],
    base: Problem,
) -> Problem:
    window = options.history_window
    recent = [p for p in planned if window is None or p.round >= round_no - window]
    return Problem(members, history, options, round_no=round_no, extra_history=recent)


# ------------------------------------------------------------------- planning
def _plan(
    base: Problem,
    members: Sequence[Member],
    history: Sequence[PastGroup],
    options: GroupOptions,
    first: int,
) -> tuple[list[Plan], list[Problem] | None]:
    """The season's plans, and the problem of each round (None: use ``base`` for all)."""
    rounds = options.rounds
    design = _design_season(base, history, rounds)
    if design is not None and (rounds > base.n // 2 or base.n * rounds > SEQUENTIAL_LIMIT):
        return design, None
    sequential, problems = _sequential(base, members, history, options, first)
    if options.size >= 3 and rounds > 1 and _season_repeats(base, sequential) > 0:
        sequential = improve_season(base, sequential, options)
        problems = _problems_for(base, members, history, options, first, sequential)
    if design is not None and _season_key(base, design) < _season_key(base, sequential):
        return design, None
    return sequential, problems


def _problems_for(
    base: Problem,
    members: Sequence[Member],
    history: Sequence[PastGroup],
    options: GroupOptions,
    first: int,
    plans: Sequence[Plan],
) -> list[Problem]:
    """Each round's problem, with the earlier planned rounds as history."""
    problems = [base]
    planned: list[PastGroup] = []
    for offset in range(1, len(plans)):
        planned.extend(
            PastGroup(first + offset - 1, tuple(base.ids[i] for i in g), str(n + 1))
            for n, g in enumerate(plans[offset - 1][0])
        )
        problems.append(_problem_for(members, history, options, first + offset, planned, base))
    return problems


def _sequential(
    base: Problem,
    members: Sequence[Member],
    history: Sequence[PastGroup],
    options: GroupOptions,
    first: int,
) -> tuple[list[Plan], list[Problem]]:
    plans: list[Plan] = []
    problems: list[Problem] = []
    planned: list[PastGroup] = []
    for offset in range(options.rounds):
        round_no = first + offset
        problem = (
            base
            if offset == 0
            else _problem_for(members, history, options, round_no, planned, base)
        )
        rng = np.random.default_rng([options.seed, round_no])
        plan = _continue_design(problem, history, planned) or solve_round(problem, rng)
        plans.append(plan)
        problems.append(problem)
        if offset == options.rounds - 1:
            break  # nothing after the last round needs it as history
        planned.extend(
            PastGroup(round_no, tuple(base.ids[i] for i in g), str(n + 1))
            for n, g in enumerate(plan[0])
        )
    return plans, problems


def _season_repeats(base: Problem, plans: Sequence[Plan]) -> int:
    seen = set(base.history.penalty)
    repeats = 0
    for groups, _ in plans:
        for g in groups:
            for pair in group_pairs(g):
                repeats += pair in seen
                seen.add(pair)
    return repeats


def _season_key(base: Problem, plans: Sequence[Plan]) -> tuple[float, ...]:
    violations = sum(1 for groups, _ in plans for g in groups if base.group_violations(g))
    unplaced = sum(len(u) for _, u in plans)
    score = sum(
        sum(base.pair_components(a, b)["team"] for a, b in group_pairs(g))
        for groups, _ in plans
        for g in groups
    )
    return (violations, unplaced, _season_repeats(base, plans), -score)


# -------------------------------------------------------------------- designs
DESIGN_LIMIT = 2_000  # members; a whole design is (n-1)/2 rounds of n/3 triples (or n-1 of n/2)


def _schedule(problem: Problem) -> designs.Schedule | None:
    if problem.n > DESIGN_LIMIT:
        return None  # building it would cost more than it can save: search has room here
    if problem.k == 2:
        return designs.round_robin(problem.n)
    if problem.k == 3:
        return designs.triads(problem.n)
    return None


def _labelled_schedule(problem: Problem) -> list[list[list[int]]] | None:
    """The design relabelled; among a few labellings the one with most valid rounds.

    The labelling depends on who the members are, not on the seed, so that a round drawn with
    another seed (the coffee app seeds each round with its number) still continues the design;
    the seed picks which of the design's rounds come first (:func:`_ranked`).
    """
    schedule = _schedule(problem)
    if schedule is None:
        return None
    who = zlib.crc32("\n".join(sorted(problem.ids)).encode())
    rng = np.random.default_rng([who, problem.n, 7])
    best: tuple[int, list[list[list[int]]]] | None = None
    tries = 16 if problem.n <= 300 else 1
    for _ in range(tries):
        perm = rng.permutation(problem.n)
        labelled = [[sorted(int(perm[x]) for x in g) for g in r] for r in schedule]
        valid = sum(1 for r in labelled if not any(problem.group_violations(g) for g in r))
        if best is None or valid > best[0]:
            best = (valid, labelled)
        if valid == len(labelled):
            break
    return None if best is None else best[1]


def _design_season(base: Problem, history: Sequence[PastGroup], rounds: int) -> list[Plan] | None:
    if rounds < 2:
        return None
    schedule = _labelled_schedule(base)
    if schedule is None:
        return None
    usable = [
        r
        for r in schedule
        if not any(base.group_violations(g) for g in r)
        and not any(base.history.met(a, b) for g in r for a, b in group_pairs(g))
    ]
    if len(usable) < rounds:
        return None
    return [(r, {}) for r in _ranked(base, usable)[:rounds]]


def _round_score(problem: Problem, groups: Sequence[Sequence[int]]) -> float:
    return sum(
        sum(problem.pair_components(a, b).values()) for g in groups for a, b in group_pairs(g)
    )


def _ranked(problem: Problem, candidates: list[list[list[int]]]) -> list[list[list[int]]]:
    """Best score first; rounds that score the same in a seeded order."""
    rng = np.random.default_rng([problem.options.seed, problem.round_no, problem.n, 11])
    order = rng.permutation(len(candidates)).tolist()
    keyed = sorted(
        zip(candidates, order, strict=True),
        key=lambda c: (-round(_round_score(problem, c[0]), 6), c[1]),
    )
    return [c for c, _ in keyed]


def _continue_design(problem: Problem, *histories: Sequence[PastGroup]) -> Plan | None:
    """Triads round by round: if the history follows this seed's (nearly) Kirkman design, go on."""
    if problem.k != 3:
        return None
    schedule = _labelled_schedule(problem)
    if schedule is None:
        return None
    block_round = {tuple(g): r for r, groups in enumerate(schedule) for g in groups}
    window = problem.options.history_window
    used: set[int] = set()
    for past in itertools.chain(*histories):
        if past.round >= problem.round_no:
            continue
        if window is not None and past.round < problem.round_no - window:
            continue
        key = tuple(sorted(problem.index.get(m, -1) for m in past.member_ids))
        if key not in block_round:
            return None
        used.add(block_round[key])
    options = [
        schedule[r]
        for r in range(len(schedule))
        if r not in used and not any(problem.group_violations(g) for g in schedule[r])
    ]
    if not options:
        return None
    best = _ranked(problem, options)[0]
    return [list(g) for g in best], {}


# ---------------------------------------------------------------- explanation
def _explain(problem: Problem, group: Sequence[int]) -> Group:
    components = dict.fromkeys(COMPONENTS, 0.0)
    repeats: list[tuple[str, str]] = []
    for a, b in group_pairs(group):
        for key, value in problem.pair_components(a, b).items():
            components[key] += value
        if problem.history.met(a, b):
            repeats.append((problem.ids[a], problem.ids[b]))
    components["fairness"] = problem.fairness(group)
    avails = [problem.avail[i] for i in group]
    windows = common_windows(*avails)
    interests = frozenset.intersection(*(problem.interests[i] for i in group))
    rounded = {k: round(v, 6) for k, v in components.items()}
    return Group(
        member_ids=tuple(sorted(problem.ids[i] for i in group)),
        score=round(sum(components.values()), 6),
        components=MappingProxyType(rounded),
        repeat_pairs=tuple(sorted(repeats)),
        overlap_hours=round(overlap_minutes(*avails) / 60, 4),
        common_windows=windows,
        shared_interests=tuple(sorted(interests)),
    )


def explain_groups(problem: Problem, groups: Sequence[Sequence[int]]) -> list[Group]:
    """:func:`_explain` for every group, with the pair components computed as arrays."""
    out: list[Group | None] = [None] * len(groups)
    by_size: dict[int, list[int]] = {}
    for gi, g in enumerate(groups):
        by_size.setdefault(len(g), []).append(gi)
    ids = problem.ids
    for size, which in by_size.items():
        if size < 2:
            for gi in which:
                out[gi] = _explain(problem, groups[gi])
            continue
        members = np.sort(np.array([groups[gi] for gi in which], dtype=np.int64), axis=1)
        p, q = np.triu_indices(size, 1)  # the order of group_pairs
        a, b = members[:, p], members[:, q]
        parts = problem.pair_component_arrays(a.ravel(), b.ravel())
        sums: dict[str, np.ndarray] = {}
        for key in COMPONENTS:
            values = parts[key].reshape(a.shape)
            total = np.zeros(len(which))
            for c in range(len(p)):  # pair by pair, as the scalar loop adds them
                total = total + values[:, c]
            sums[key] = total
        sums["fairness"] = problem.fairness_array(members)
        # the score as ``sum(components.values())`` adds them: from 0, in this order
        score = np.zeros(len(which))
        for key in (*COMPONENTS, "fairness"):
            score = score + sums[key]
        names = list(sums)
        rounded = [[round(v, 6) for v in sums[key].tolist()] for key in names]
        scores = [round(v, 6) for v in score.tolist()]
        cost = problem.history.costs(a.ravel(), b.ravel()).reshape(a.shape)
        met_rows = set(np.flatnonzero((cost != 0).any(axis=1)).tolist())
        rows = members.tolist()
        avail, interests_of, common = problem.avail, problem.interests, problem.common
        week_hours = round(WEEK_MINUTES / 60, 4)
        for r, gi in enumerate(which):
            group = rows[r]
            repeats: list[tuple[str, str]] = []
            if r in met_rows:
                repeats = [
                    (ids[x], ids[y]) for x, y in group_pairs(group) if problem.history.met(x, y)
                ]
            if any(avail[i] for i in group):
                windows = common(group)
                hours = round(sum(e - s for s, e in windows) / 60, 4)
            else:
                windows, hours = FULL_WEEK, week_hours
            interest_sets = [interests_of[i] for i in group]
            interests = frozenset.intersection(*interest_sets) if all(interest_sets) else ()
            out[gi] = Group(
                # members are indexed in id order and ``group`` is sorted: ids come sorted
                member_ids=tuple(ids[i] for i in group),
                score=scores[r],
                components=MappingProxyType(dict(zip(names, [c[r] for c in rounded], strict=True))),
                repeat_pairs=tuple(sorted(repeats)),
                overlap_hours=hours,
                common_windows=windows,
                shared_interests=tuple(sorted(interests)),
            )
    return [g for g in out if g is not None]
