"""Report figures for group rounds (PRODUCT.md §5 definitions; see docs/matching.md)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import rustworkx as rx

from .augment import adjacency
from .augment import component_bound
from .augment import matching_size
from .augment import maximum_matching
from .availability import WEEK_MINUTES
from .scoring import Problem

EXACT_UNAVOIDABLE_LIMIT = 3000  # members; above this the lower bound is reported


def group_pairs(group: Sequence[int]) -> list[tuple[int, int]]:
    g = sorted(group)
    return [(a, b) for i, a in enumerate(g) for b in g[i + 1 :]]


def round_metrics(
    problem: Problem,
    groups: Sequence[Sequence[int]],
    unmatched: dict[int, tuple[str, str]],
) -> dict[str, object]:
    pairs = [p for g in groups for p in group_pairs(g)]
    first = np.array([a for a, _ in pairs], dtype=np.int64)
    second = np.array([b for _, b in pairs], dtype=np.int64)
    repeats = int(problem.history.met_pairs(first, second).sum())
    unavoidable, exact = unavoidable_repeats(problem, groups, repeats)
    ta, tb = problem.team[first], problem.team[second]
    cross = int(((ta >= 0) & (tb >= 0) & (ta != tb)).sum())
    overlaps, violations = _overlaps_and_violations(problem, groups)
    sizes = Counter(len(g) for g in groups)
    return {
        "members": problem.n,
        "groups": len(groups),
        "group_sizes": {str(s): sizes[s] for s in sorted(sizes)},
        "placed": sum(len(g) for g in groups),
        "pairs": len(pairs),
        "repeat_pairs": repeats,
        "unavoidable_repeat_pairs": unavoidable,
        "unavoidable_exact": exact,
        "excess_repeat_pairs": repeats - unavoidable,
        "cross_team_pairs": cross,
        "cross_team_rate": round(cross / len(pairs), 6) if pairs else 0.0,
        "achievable_cross_team_rate": achievable_cross_team_rate(problem, groups),
        "mean_overlap_hours": round(float(np.mean(overlaps)), 4) if overlaps else 0.0,
        "unmatched": [
            {"id": problem.ids[i], "reason": r, "detail": d}
            for i, (r, d) in sorted(unmatched.items(), key=lambda kv: problem.ids[kv[0]])
        ],
        "hard_rule_violations": violations,
    }


def _overlaps_and_violations(
    problem: Problem, groups: Sequence[Sequence[int]]
) -> tuple[list[float], int]:
    """Each group's weekly overlap hours, and how many groups break a hard rule (or hold
    fewer than two members).  Pairs are checked with arrays (the same rules and numbers as
    :meth:`Problem.group_violations` and :meth:`Problem.common`), larger groups one by one."""
    avail = problem.avail
    week = WEEK_MINUTES / 60  # nobody in the group states availability
    overlaps = [0.0] * len(groups)
    violations = 0
    two = [gi for gi, g in enumerate(groups) if len(g) == 2]
    if two and problem.windows_disjoint():
        ends = np.array([groups[gi] for gi in two], dtype=np.int64).reshape(-1, 2)
        a, b = ends[:, 0], ends[:, 1]
        if problem.any_avail:
            minutes = problem.pair_overlap_minutes(a, b)
        else:
            minutes = np.full(len(a), float(WEEK_MINUTES))
        for gi, hours in zip(two, (minutes / 60).tolist(), strict=True):
            overlaps[gi] = hours
        violations += int(problem.pair_violations(a, b).sum())
        rest = sorted(set(range(len(groups))) - set(two))
    else:
        rest = list(range(len(groups)))
    for gi in rest:
        g = groups[gi]
        common = problem.common(g)
        overlaps[gi] = sum(e - s for s, e in common) / 60 if any(avail[i] for i in g) else week
        violations += bool(problem.group_violations(g) or len(g) < 2)
    return overlaps, violations


def unavoidable_repeats(
    problem: Problem, groups: Sequence[Sequence[int]], repeats: int
) -> tuple[int, bool]:
    """Lower bound on repeated pairs any valid partition must contain: (value, is_exact).

    Size 2 (exact up to a few thousand members): sum over the components of the feasible
    graph of floor(|C|/2) (the exact maximum matching when the round's groups fall short of
    it) minus the maximum matching among never-met feasible pairs; when the
    round repeats more than that, the exact minimum over maximum-cardinality pairings (the
    engine's objective: nobody left out who could be paired), which can be larger.
    Size k >= 3 (or large populations): ceil(sum_i max(0, (s_min - 1) - d_i) / 2), where d_i is
    the number of never-met feasible partners of member i and s_min the smallest group size
    used; every member needs s_min - 1 group mates and each repeated pair serves two members.
    """
    if repeats == 0:
        return 0, True
    n = problem.n
    if n > EXACT_UNAVOIDABLE_LIMIT:
        return _degree_bound(problem, groups, None), False
    if problem.k == 2 and problem.fewest_pair_repeats is not None:
        # the solver certified the fewest repeats of any maximum-cardinality pairing; the
        # count below never exceeds it, and is only reported when the round reaches it
        return problem.fewest_pair_repeats, True
    weight, feasible = problem.pair_matrix(np.arange(n))
    never_met = feasible & (weight >= 0)
    if problem.k != 2:
        return _degree_bound(problem, groups, never_met), False
    upper = component_bound(feasible)
    # the maximum matching of the never-met pairs, grown from the new pairs of this round
    start: list[tuple[int, int]] = []
    taken: set[int] = set()
    for g in groups:
        for a, b in group_pairs(g):
            if never_met[a, b] and a not in taken and b not in taken:
                start.append((a, b))
                taken.update((a, b))
    mate = maximum_matching(adjacency(never_met), start)
    placed = [pq for g in groups for pq in group_pairs(g)[:1] if feasible[pq]]
    if len(placed) < upper:  # the component bound overstates the most pairs: use the exact
        upper = matching_size(maximum_matching(adjacency(feasible), placed))
    bound = max(0, upper - matching_size(mate))
    if repeats <= bound:
        return bound, True
    # That count assumes everybody can be paired off within a component while the new pairs
    # form a maximum matching of their own; when the two do not fit together (members who have
    # met every feasible partner, chains of them), the exact minimum is larger: the fewest
    # repeated pairs of any maximum-cardinality pairing.  Small integer weights (2 for a new
    # pair, 1 for a repeat) keep the blossom solver on the whole feasible graph quick.
    if problem.fewest_pair_repeats is not None:  # the solver computed it exactly already
        return problem.fewest_pair_repeats, True
    rows, cols = np.nonzero(np.triu(feasible, 1))
    graph = rx.PyGraph()
    graph.add_nodes_from(range(n))
    fresh = never_met[rows, cols]
    graph.add_edges_from(
        list(zip(rows.tolist(), cols.tolist(), (1 + fresh).astype(int).tolist(), strict=True))
    )
    best = rx.max_weight_matching(graph, max_cardinality=True, weight_fn=int)
    return sum(1 for a, b in best if not never_met[a, b]), True


def _degree_bound(
    problem: Problem, groups: Sequence[Sequence[int]], never_met: np.ndarray | None
) -> int:
    s_min = min((len(g) for g in groups), default=problem.k)
    need = s_min - 1
    if never_met is not None:
        degree = never_met.sum(axis=1)
    else:
        n = problem.n
        degree = np.full(n, n - 1)
        a, b = np.divmod(problem.history.keys, max(n, 1))
        degree -= np.bincount(a, minlength=n) + np.bincount(b, minlength=n)
        for i in range(problem.n):
            degree[i] -= len(problem.dnp[i])
    placed = sorted({i for g in groups for i in g})
    short = sum(max(0, need - int(degree[i])) for i in placed)
    return math.ceil(short / 2)


def achievable_cross_team_rate(problem: Problem, groups: Sequence[Sequence[int]]) -> float:
    """Upper bound on the cross-team rate for groups of these sizes (ignores hard rules).

    Non-cross pairs >= sum over teams of the pairs forced by spreading the team as evenly as
    possible over the groups, plus ceil(u * (s_min - 1) / 2) pairs touching the u members
    without a team.
    """
    pairs = sum(len(g) * (len(g) - 1) // 2 for g in groups)
    if pairs == 0:
        return 0.0
    placed = [i for g in groups for i in g]
    count = len(groups)
    teams = Counter(int(problem.team[i]) for i in placed)
    no_team = teams.pop(-1, 0)
    forced = 0
    for size in teams.values():
        q, r = divmod(size, count)
        forced += r * (q + 1) * q // 2 + (count - r) * q * (q - 1) // 2
    s_min = min(len(g) for g in groups)
    forced += math.ceil(no_team * (s_min - 1) / 2)
    return round(max(0, pairs - forced) / pairs, 6)


def season_metrics(rounds: Sequence[dict[str, object]]) -> dict[str, object]:
    """Totals over planned rounds (sums of counts; rates recomputed from the sums)."""

    def total(key: str) -> int:
        return int(sum(int(r[key]) for r in rounds))  # type: ignore[call-overload]

    pairs = total("pairs")
    sizes: Counter[str] = Counter()
    for r in rounds:
        sizes.update(dict(r["group_sizes"]))  # type: ignore[call-overload]
    rates = [float(r["achievable_cross_team_rate"]) * int(r["pairs"]) for r in rounds]  # type: ignore[call-overload, arg-type]
    overlaps = [float(r["mean_overlap_hours"]) * int(r["groups"]) for r in rounds]  # type: ignore[call-overload, arg-type]
    groups = total("groups")
    return {
        "members": rounds[0]["members"] if rounds else 0,
        "groups": groups,
        "group_sizes": dict(sorted(sizes.items())),
        "pairs": pairs,
        "repeat_pairs": total("repeat_pairs"),
        "unavoidable_repeat_pairs": total("unavoidable_repeat_pairs"),
        "excess_repeat_pairs": total("excess_repeat_pairs"),
        "cross_team_rate": round(total("cross_team_pairs") / pairs, 6) if pairs else 0.0,
        "achievable_cross_team_rate": round(sum(rates) / pairs, 6) if pairs else 0.0,
        "mean_overlap_hours": round(sum(overlaps) / groups, 4) if groups else 0.0,
        "hard_rule_violations": total("hard_rule_violations"),
    }
