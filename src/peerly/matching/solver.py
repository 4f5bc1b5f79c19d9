"""One round of group formation on a :class:`~peerly.matching.scoring.Problem`.

* size 2: maximum-weight matching (Edmonds' blossom, rustworkx) with maximum cardinality on
  a candidate graph (every feasible pair for small blocks, otherwise each member's best
  candidates plus every never-met pair of members who have few left); left-over members join
  the pair that gains most, making a group of three.  Large populations are cut into random
  blocks that are solved one by one.
* size 3-8: randomised greedy construction plus swap local search with a slowly cooling
  acceptance threshold, in blocks of a few hundred members.

Groups are returned as lists of member indices; unmatched members come with a reason code.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import numpy as np
import rustworkx as rx

from .scoring import W_FAIR, Problem
from .sizes import plan_sizes

PAIR_DENSE_LIMIT = 2500  # up to this many members: one block for pairs
PAIR_BLOCK = 512
PAIR_ALL_EDGES = 400  # up to this block size every feasible pair is an edge
PAIR_TOP_K = 12
GROUP_DENSE_LIMIT = 600  # up to this many members: one block for k >= 3
GROUP_BLOCK = 300
HARD = 1e6
INSERT_SAMPLE = 4000

Reasons = dict[int, tuple[str, str]]


def solve_round(problem: Problem, rng: np.random.Generator) -> tuple[list[list[int]], Reasons]:
    """Partition ``problem``'s members; returns (groups of indices, {index: (reason, detail)})."""
    if problem.n == 0:
        return [], {}
    if problem.k == 2:
        groups, left = _solve_pairs(problem, rng)
    else:
        groups, left = _solve_groups(problem, rng)
    unmatched: Reasons = {}
    for x in sorted(left, key=lambda i: (-int(problem.priority[i]), i)):
        target = _best_insertion(problem, x, groups, rng)
        if target is None:
            unmatched[x] = unmatched_reason(problem, x)
        else:
            groups[target].append(x)
    if problem.k == 2:
        _polish_odd_groups(problem, groups, rng)
    return [sorted(g) for g in groups], unmatched


def group_score(problem: Problem, group: Sequence[int]) -> float:
    """Scalar score of a group; -HARD when it breaks a hard rule."""
    if not problem.group_ok(group):
        return -HARD
    total = problem.fairness(group)
    for i, a in enumerate(group):
        for b in group[i + 1 :]:
            total += sum(problem.pair_components(a, b).values())
    return total


def _polish_odd_groups(problem: Problem, groups: list[list[int]], rng: np.random.Generator) -> None:
    """Swap members between each trio and the pairs while that raises the total score."""
    odd = [i for i, g in enumerate(groups) if len(g) != problem.k]
    if not odd:
        return
    others = [i for i, g in enumerate(groups) if len(g) == problem.k]
    if len(others) > 300:
        picks = rng.choice(len(others), size=300, replace=False)
        others = [others[int(i)] for i in sorted(picks)]
    for t in odd:
        for _ in range(3):
            improved = False
            for o in others:
                base = group_score(problem, groups[t]) + group_score(problem, groups[o])
                best: tuple[float, int, int] | None = None
                for i in range(len(groups[t])):
                    for j in range(len(groups[o])):
                        gt, go = list(groups[t]), list(groups[o])
                        gt[i], go[j] = go[j], gt[i]
                        gain = group_score(problem, gt) + group_score(problem, go) - base
                        if gain > 1e-9 and (best is None or gain > best[0]):
                            best = (gain, i, j)
                if best is not None:
                    _, i, j = best
                    groups[t][i], groups[o][j] = groups[o][j], groups[t][i]
                    improved = True
            if not improved:
                break


# --------------------------------------------------------------------------- pairs
def _blocks(n: int, block: int, multiple: int, rng: np.random.Generator) -> list[np.ndarray]:
    perm = rng.permutation(n)
    count = max(1, n // block)
    per = (n // count) // multiple * multiple
    out = [np.sort(perm[i * per : (i + 1) * per]) for i in range(count - 1)]
    out.append(np.sort(perm[(count - 1) * per :]))
    return out


def _solve_pairs(problem: Problem, rng: np.random.Generator) -> tuple[list[list[int]], list[int]]:
    n = problem.n
    blocks = [np.arange(n)] if n <= PAIR_DENSE_LIMIT else _blocks(n, PAIR_BLOCK, 2, rng)
    groups: list[list[int]] = []
    left: list[int] = []
    for block in blocks:
        pairs, rest = _match_block(problem, block)
        groups.extend(pairs)
        left.extend(rest)
    if len(blocks) > 1 and len(left) > 1:
        pairs, left = _match_block(problem, np.array(sorted(left), dtype=np.int64))
        groups.extend(pairs)
    return groups, left


def _node_bonus(problem: Problem, block: np.ndarray) -> np.ndarray:
    """Small bonus for being matched: rotates who ends up as the odd one (the trio)."""
    bigger = np.minimum(problem.history.bigger[block], 3).astype(np.float64)
    return 0.5 * bigger + 2.0 * (problem.priority[block] > 0)


def _match_block(problem: Problem, block: np.ndarray) -> tuple[list[list[int]], list[int]]:
    size = len(block)
    if size < 2:
        return [], block.tolist()
    weight, feasible = problem.pair_matrix(block)
    bonus = _node_bonus(problem, block)
    never_met = feasible & (weight >= 0)
    if size <= PAIR_ALL_EDGES:
        chosen = np.triu(feasible, 1)
    else:
        masked = np.where(feasible, weight, -np.inf)
        k = min(PAIR_TOP_K, size - 1)
        top = np.argpartition(-masked, k - 1, axis=1)[:, :k]
        chosen = np.zeros((size, size), dtype=bool)
        np.put_along_axis(chosen, top, True, axis=1)
        few = never_met.sum(axis=1) <= 2 * PAIR_TOP_K
        chosen[few] |= never_met[few]
        chosen = (chosen | chosen.T) & feasible
        chosen = np.triu(chosen, 1)
    pairs, left = _run_matching(problem, block, weight, bonus, chosen)
    repeats = any(weight[p, q] < 0 for p, q in pairs)
    if size > PAIR_ALL_EDGES and (repeats or len(left) > size % 2):
        extra = never_met.copy()
        extra[left, :] |= feasible[left, :]
        extra[:, left] |= feasible[:, left]
        chosen2 = np.triu(chosen | extra | extra.T, 1) & feasible
        if chosen2.sum() > chosen.sum():
            pairs, left = _run_matching(problem, block, weight, bonus, chosen2)
    groups = [[int(block[p]), int(block[q])] for p, q in pairs]
    return groups, [int(block[p]) for p in left]


def _run_matching(
    problem: Problem,
    block: np.ndarray,
    weight: np.ndarray,
    bonus: np.ndarray,
    chosen: np.ndarray,
) -> tuple[list[tuple[int, int]], list[int]]:
    rows, cols = np.nonzero(chosen)
    if problem.options.min_slot_minutes > 0:
        keep = [
            problem.slot_ok_pair(int(block[r]), int(block[c]))
            for r, c in zip(rows, cols, strict=False)
        ]
        rows, cols = rows[keep], cols[keep]
    size = len(block)
    if len(rows) == 0:
        return [], list(range(size))
    w = weight[rows, cols] + bonus[rows] + bonus[cols]
    w = np.rint((w - w.min() + 1.0) * 1000).astype(np.int64)
    graph = rx.PyGraph()
    graph.add_nodes_from(range(size))
    graph.add_edges_from(list(zip(rows.tolist(), cols.tolist(), w.tolist(), strict=False)))
    matching = rx.max_weight_matching(graph, max_cardinality=True, weight_fn=int)
    pairs = sorted((min(a, b), max(a, b)) for a, b in matching)
    matched = {x for p in pairs for x in p}
    return pairs, [p for p in range(size) if p not in matched]


# ------------------------------------------------------------------- groups k>=3
def _solve_groups(problem: Problem, rng: np.random.Generator) -> tuple[list[list[int]], list[int]]:
    n, k = problem.n, problem.k
    blocks = [np.arange(n)] if n <= GROUP_DENSE_LIMIT else _blocks(n, GROUP_BLOCK, k, rng)
    seed = int(rng.integers(0, 2**63 - 1))
    groups: list[list[int]] = []
    left: list[int] = []
    for number, block in enumerate(blocks):
        got, rest = improve_block(problem, block, random.Random(seed + number))  # noqa: S311
        groups.extend(got)
        left.extend(rest)
    if len(blocks) > 1 and len(left) >= k - 1:
        got, left = improve_block(problem, np.array(sorted(left)), random.Random(seed - 1))  # noqa: S311
        groups.extend(got)
    return groups, left


class BlockState:
    """Dense weights of a block as Python lists, plus group scoring."""

    def __init__(self, problem: Problem, block: np.ndarray) -> None:
        self.problem = problem
        self.block = block
        weight, feasible = problem.pair_matrix(block)
        self.feasible_np = feasible
        self.w = np.where(feasible, weight, -HARD).tolist()
        opts = problem.options
        self.group_check = bool(
            problem.has_lang[block].any()
            or opts.min_slot_minutes > 0
            or (opts.min_overlap_hours > 0 and problem.any_avail)
        )

    def score(self, group: Sequence[int]) -> float:
        w = self.w
        total = 0.0
        for pos, a in enumerate(group):
            row = w[a]
            for b in group[pos + 1 :]:
                total += row[b]
        glob = [int(self.block[p]) for p in group]
        total += self.problem.fairness(glob)
        if (
            self.group_check
            and len(group) > 2
            and total > -HARD / 2
            and not self.problem.group_ok(glob)
        ):
            total -= HARD
        return total


def improve_block(
    problem: Problem,
    block: np.ndarray,
    rnd: random.Random,
    *,
    start: list[list[int]] | None = None,
    effort: float = 1.0,
) -> tuple[list[list[int]], list[int]]:
    """Greedy + local search for the members ``block``; returns global-index groups."""
    k = problem.k
    state = BlockState(problem, block)
    size = len(block)
    degree = state.feasible_np.sum(axis=1)
    isolated = [p for p in range(size) if degree[p] == 0]
    active = [p for p in range(size) if degree[p] > 0]
    if start is None:
        sizes = plan_sizes(len(active), k)
        groups, rest = _greedy(problem, state, active, sizes, degree, rnd)
    else:
        pos = {int(g): p for p, g in enumerate(block.tolist())}
        groups = [[pos[x] for x in g] for g in start]
        rest = []
    _local_search(state, groups, rnd, effort)
    groups, dropped = _repair(state, groups)
    left = isolated + rest + dropped
    return [[int(block[p]) for p in g] for g in groups], [int(block[p]) for p in left]


def _greedy(
    problem: Problem,
    state: BlockState,
    active: list[int],
    sizes: list[int],
    degree: np.ndarray,
    rnd: random.Random,
) -> tuple[list[list[int]], list[int]]:
    prio = problem.priority[state.block]
    order = sorted(active, key=lambda p: (-int(prio[p]), int(degree[p]), rnd.random()))
    remaining = list(active)
    where = {p: i for i, p in enumerate(remaining)}

    def take(p: int) -> None:
        i = where.pop(p)
        last = remaining.pop()
        if last != p:
            remaining[i] = last
            where[last] = i

    w = state.w
    groups: list[list[int]] = []
    cursor = 0
    for target in sizes:
        while order[cursor] not in where:
            cursor += 1
        first = order[cursor]
        take(first)
        group = [first]
        while len(group) < target:
            pool = remaining if len(remaining) <= 64 else rnd.sample(remaining, 64)
            best = max(pool, key=lambda c: (sum(w[c][x] for x in group), -c))
            take(best)
            group.append(best)
        groups.append(group)
    return groups, sorted(remaining)


def _group_scorer(state: BlockState) -> Callable[[list[int]], float]:
    """:meth:`BlockState.score` as a closure over plain lists (same additions, same order)."""
    problem = state.problem
    k = problem.k
    w = state.w
    block = state.block.tolist()
    bigger = problem.history.bigger[state.block].tolist()
    smaller = problem.history.smaller[state.block].tolist()
    group_check = state.group_check
    group_ok = problem.group_ok
    hard = HARD
    half = -HARD / 2

    def score(group: list[int]) -> float:
        size = len(group)
        total = 0.0
        if size == 3:
            a, b, c = group
            row = w[a]
            total += row[b]
            total += row[c]
            total += w[b][c]
        else:
            for pos, a in enumerate(group):
                row = w[a]
                for b in group[pos + 1 :]:
                    total += row[b]
        if size > k:
            total += -W_FAIR * float(sum(bigger[p] for p in group))
        elif size < k:
            total += -W_FAIR * float(sum(smaller[p] for p in group))
        else:
            total += 0.0
        if group_check and size > 2 and total > half and not group_ok([block[p] for p in group]):
            total -= hard
        return total

    return score


def _local_search(
    state: BlockState, groups: list[list[int]], rnd: random.Random, effort: float
) -> None:
    count = len(groups)
    if count < 2:
        return
    score = _group_scorer(state)
    scores = [score(g) for g in groups]
    size = sum(len(g) for g in groups)
    iterations = int(effort * max(4000, 60 * size))
    threshold0 = 1.5
    best_total = sum(scores)
    best = [list(g) for g in groups]
    # rnd.choice / rnd.randrange draw with Random._randbelow, i.e. getrandbits(n.bit_length())
    # until below n; drawing the same way here keeps the stream (and the result) identical
    getrandbits = rnd.getrandbits
    uniform = rnd.random
    bits_count = count.bit_length()
    other = count - 1
    bits_other = other.bit_length()
    bad: list[int] = []
    n_bad = bits_bad = 0
    half = -HARD / 2
    for it in range(iterations):
        if it % 512 == 0:
            bad = [i for i in range(count) if _has_conflict(state, groups[i])]
            if not bad and it > iterations // 2:
                break
            n_bad = len(bad)
            bits_bad = n_bad.bit_length()
        if bad and uniform() < 0.7:
            r = getrandbits(bits_bad)
            while r >= n_bad:
                r = getrandbits(bits_bad)
            g1 = bad[r]
        else:
            g1 = getrandbits(bits_count)
            while g1 >= count:
                g1 = getrandbits(bits_count)
        g2 = getrandbits(bits_other)
        while g2 >= other:
            g2 = getrandbits(bits_other)
        if g2 >= g1:
            g2 += 1
        ga, gb = groups[g1], groups[g2]
        la, lb = len(ga), len(gb)
        bits = la.bit_length()
        a_pos = getrandbits(bits)
        while a_pos >= la:
            a_pos = getrandbits(bits)
        bits = lb.bit_length()
        b_pos = getrandbits(bits)
        while b_pos >= lb:
            b_pos = getrandbits(bits)
        a, b = ga[a_pos], gb[b_pos]
        ga[a_pos], gb[b_pos] = b, a
        s1, s2 = score(ga), score(gb)
        delta = s1 + s2 - scores[g1] - scores[g2]
        threshold = threshold0 * (1.0 - it / iterations)
        if delta > 1e-9 or (delta > -threshold * uniform() and delta > half):
            scores[g1], scores[g2] = s1, s2
            total = sum(scores)
            if total > best_total + 1e-9:
                best_total = total
                best = [list(g) for g in groups]
        else:
            ga[a_pos], gb[b_pos] = a, b
    groups[:] = best


def _has_conflict(state: BlockState, group: list[int]) -> bool:
    w = state.w
    return any(w[a][b] < 0 for i, a in enumerate(group) for b in group[i + 1 :])


def _repair(state: BlockState, groups: list[list[int]]) -> tuple[list[list[int]], list[int]]:
    """Remove members from groups that still break a hard rule."""
    problem = state.problem
    k = problem.k
    kept: list[list[int]] = []
    dropped: list[int] = []
    for group in groups:
        g = list(group)
        while len(g) >= 2 and state.score(g) <= -HARD / 2:
            worst = min(g, key=lambda p: (sum(state.w[p][q] for q in g if q != p), -p))
            g.remove(worst)
            dropped.append(worst)
        if len(g) >= max(2, k - 1):
            kept.append(g)
        else:
            dropped.extend(g)
    return kept, dropped


# ---------------------------------------------------------------- leftovers
def _best_insertion(
    problem: Problem, x: int, groups: list[list[int]], rng: np.random.Generator
) -> int | None:
    k = problem.k
    candidates = [i for i, g in enumerate(groups) if len(g) <= k]
    if len(candidates) > INSERT_SAMPLE:
        picks = rng.choice(len(candidates), size=INSERT_SAMPLE, replace=False)
        candidates = [candidates[int(i)] for i in sorted(picks)]
    best: tuple[float, int] | None = None
    for gi in candidates:
        group = groups[gi]
        if any(problem.pair_infeasible_reason(x, y) for y in group):
            continue
        if not problem.group_ok([*group, x]):
            continue
        gain = sum(sum(problem.pair_components(x, y).values()) for y in group)
        gain += problem.fairness([*group, x]) - problem.fairness(group)
        if len(group) < k:  # filling a small group up is better than making a big one
            gain += 100.0
        if best is None or gain > best[0]:
            best = (gain, gi)
    return None if best is None else best[1]


def unmatched_reason(problem: Problem, x: int) -> tuple[str, str]:
    if problem.n < 2:
        return "no_feasible_partner", "nobody else takes part"
    causes: dict[str, int] = {}
    feasible = 0
    for j in range(problem.n):
        if j == x:
            continue
        reason = problem.pair_infeasible_reason(x, j)
        if reason:
            causes[reason] = causes.get(reason, 0) + 1
        else:
            feasible += 1
    if feasible == 0:
        if len(causes) == 1:
            code = next(iter(causes))
            text = {
                "do_not_pair": "asked not to be paired with everybody else",
                "no_shared_language": "shares no language with anybody else",
                "no_common_availability": "not enough common availability with anybody",
            }[code]
            return code, text
        parts = ", ".join(f"{c}: {v}" for c, v in sorted(causes.items()))
        return "no_feasible_partner", f"every other member is ruled out ({parts})"
    if problem.k > 2 and feasible < problem.k - 2:
        return "no_feasible_group", f"only {feasible} compatible member(s), too few for a group"
    return "no_feasible_group", (
        f"{feasible} compatible member(s), but no group could take one more under the rules"
    )
