"""One round of group formation on a :class:`~peerly.matching.scoring.Problem`.

* size 2: maximum-weight matching (Edmonds' blossom, rustworkx) with maximum cardinality and
  lexicographic weights (fewest repeats first, then score) on a sparse candidate graph,
  repaired locally and certified against the exact repeat minimum (see :func:`_match_block`);
  left-over members join the pair that gains most, making a group of three.  Large
  populations are cut into blocks that are solved one by one: blocks of people free at the
  same time when availability counts (:func:`_availability_order`), random ones otherwise.
* members who cannot share a group with anybody by a rule of their own (availability shorter
  than the required overlap, a language nobody else speaks) never enter the search: they are
  reported unmatched straight away, with a reason computed with arrays, not pair by pair.
* size 3-8: randomised greedy construction plus swap local search with a slowly cooling
  acceptance threshold, in blocks of a few hundred members.

Groups are returned as lists of member indices; unmatched members come with a reason code.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from collections.abc import Sequence
from typing import NamedTuple
from typing import cast

import numpy as np
import rustworkx as rx

from .augment import adjacency
from .augment import component_bound
from .augment import fractional_fewest_repeats
from .augment import matching_size
from .augment import maximum_matching
from .availability import WEEK_MINUTES
from .scoring import REASON_CODES
from .scoring import W_FAIR
from .scoring import Problem
from .scoring import _mix_array
from .sizes import plan_sizes

PAIR_DENSE_LIMIT = 2500  # up to this many members: one block for pairs
PAIR_BLOCK = 256  # members of a block of a large population (people free at the same time)
PAIR_ALL_EDGES = 400  # up to this block size every feasible pair is an edge
PAIR_TOP_K = 12
PAIR_SCORE_STEPS = 100  # score resolution of the pair solver's integer weights
PAIR_EXACT_LIMIT = 3000  # members of a block: above, repeats are certified by the bound only
PAIR_RANDOM_K = 4  # pseudo-random never-met candidates per member, beside the best
PAIR_REGION_PARTNERS = 48  # feasible partners of a left-over member in its repair region
PAIR_REPAIR_ROUNDS = 3  # re-solves of a block around left-over members and repeats
BLOCKS_BY_TIME = True  # large populations: blocks of people free at the same time
GROUP_DENSE_LIMIT = 600  # up to this many members: one block for k >= 3
GROUP_BLOCK = 300
# local search effort in blocks of people free at the same time (30k triads with 12 rounds of
# history: the same repeats, team mix and overlap as full effort, in a third of the time)
GROUP_TIME_BLOCK_EFFORT = 0.25
HARD = 1e6
INSERT_SAMPLE = 4000

Reasons = dict[int, tuple[str, str]]


def solve_round(problem: Problem, rng: np.random.Generator) -> tuple[list[list[int]], Reasons]:
    """Partition ``problem``'s members; returns (groups of indices, {index: (reason, detail)})."""
    if problem.n == 0:
        return [], {}
    alone = problem.alone()
    pool = np.flatnonzero(~alone)
    if problem.k == 2:
        groups, left = _solve_pairs(problem, pool, rng)
    else:
        groups, left = _solve_groups(problem, pool, rng)
    unmatched: Reasons = {}
    table = _GroupTable(problem, groups)
    for x in sorted(left, key=lambda i: (-int(problem.priority[i]), i)):
        target = _best_insertion(problem, x, groups, rng, table)
        if target is None:
            unmatched[x] = unmatched_reason(problem, x)
        else:
            groups[target].append(x)
            table.append(target, x)
    for x in np.flatnonzero(alone).tolist():  # no group can take them: no need to try
        unmatched[x] = unmatched_reason(problem, x)
    if problem.k == 2:
        _polish_odd_groups(problem, groups, rng)
    return [sorted(g) for g in groups], dict(sorted(unmatched.items()))


def group_score(
    problem: Problem,
    group: Sequence[int],
    pair_value: Callable[[int, int], float] | None = None,
) -> float:
    """Scalar score of a group; -HARD when it breaks a hard rule.  ``pair_value(a, b)``, when
    given, stands for ``sum(problem.pair_components(a, b).values())`` (a memo of it)."""
    if not problem.group_ok(group):
        return -HARD
    total = problem.fairness(group)
    for i, a in enumerate(group):
        for b in group[i + 1 :]:
            total += (
                sum(problem.pair_components(a, b).values())
                if pair_value is None
                else pair_value(a, b)
            )
    return total


class _PairMemo:
    """Pair values and meetings asked for again and again by the swap search, computed once:
    the same numbers as :func:`group_score` and ``history.met`` compute, so the same result."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.values: dict[tuple[int, int], float] = {}
        self.scores: dict[tuple[int, ...], float] = {}
        self.met: dict[tuple[int, int], bool] = {}

    def value(self, a: int, b: int) -> float:
        got = self.values.get((a, b))
        if got is None:
            got = self.values[a, b] = sum(self.problem.pair_components(a, b).values())
        return got

    def score(self, group: Sequence[int]) -> float:
        key = tuple(group)
        got = self.scores.get(key)
        if got is None:
            got = self.scores[key] = group_score(self.problem, group, self.value)
        return got

    def repeats(self, group: Sequence[int]) -> int:
        count = 0
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                key = (a, b) if a < b else (b, a)
                got = self.met.get(key)
                if got is None:
                    got = self.met[key] = self.problem.history.met(a, b)
                count += got
        return count


def _polish_odd_groups(problem: Problem, groups: list[list[int]], rng: np.random.Generator) -> None:
    """Swap members between each trio and the pairs while that raises the total score."""
    odd = [i for i, g in enumerate(groups) if len(g) != problem.k]
    if not odd:
        return
    others = [i for i, g in enumerate(groups) if len(g) == problem.k]
    if len(others) > 300:
        picks = rng.choice(len(others), size=300, replace=False)
        others = [others[int(i)] for i in sorted(picks)]
    memo = _PairMemo(problem)
    for t in odd:
        for _ in range(3):
            improved = False
            for o in others:
                base = memo.score(groups[t]) + memo.score(groups[o])
                repeats = memo.repeats(groups[t]) + memo.repeats(groups[o])
                best: tuple[float, int, int] | None = None
                for i in range(len(groups[t])):
                    for j in range(len(groups[o])):
                        gt, go = list(groups[t]), list(groups[o])
                        gt[i], go[j] = go[j], gt[i]
                        gain = memo.score(gt) + memo.score(go) - base
                        if memo.repeats(gt) + memo.repeats(go) > repeats:
                            continue  # never trade a new pair for a repeated one
                        if gain > 1e-9 and (best is None or gain > best[0]):
                            best = (gain, i, j)
                if best is not None:
                    _, i, j = best
                    groups[t][i], groups[o][j] = groups[o][j], groups[t][i]
                    improved = True
            if not improved:
                break


# --------------------------------------------------------------------------- pairs
def _blocks(
    n: int,
    block: int,
    multiple: int,
    rng: np.random.Generator,
    order: np.ndarray | None = None,
) -> list[np.ndarray]:
    """Positions ``0..n-1`` cut into blocks of about ``block`` (a multiple of ``multiple``):
    at random, or consecutive runs of ``order`` (a permutation) when it is given."""
    perm = rng.permutation(n) if order is None else order
    count = max(1, n // block)
    per = (n // count) // multiple * multiple
    out = [np.sort(perm[i * per : (i + 1) * per]) for i in range(count - 1)]
    out.append(np.sort(perm[(count - 1) * per :]))
    return out


def _solve_pairs(
    problem: Problem, pool: np.ndarray, rng: np.random.Generator
) -> tuple[list[list[int]], list[int]]:
    n = len(pool)
    if n <= PAIR_DENSE_LIMIT:
        blocks = [pool]
    else:
        order = _availability_order(problem, pool, rng) if BLOCKS_BY_TIME else None
        blocks = [pool[b] for b in _blocks(n, PAIR_BLOCK, 2, rng, order)]
    groups: list[list[int]] = []
    left: list[int] = []
    for block in blocks:
        # blocks of a large population always take the sparse candidate graph (members free
        # at the same time make all their feasible pairs a dense graph, slow in the solver)
        pairs, rest = _match_block(problem, block, sparse=len(blocks) > 1)
        groups.extend(pairs)
        left.extend(rest)
    if len(blocks) > 1 and len(left) > 1:
        again = np.array(sorted(left), dtype=np.int64)
        left = []
        parts: list[np.ndarray] = (
            [again]
            if len(again) <= PAIR_DENSE_LIMIT
            else list(np.array_split(again, -(-len(again) // PAIR_DENSE_LIMIT)))
        )
        for part in parts:
            pairs, more = _match_block(problem, part)
            groups.extend(pairs)
            left.extend(more)
    return groups, left


def _availability_order(
    problem: Problem, pool: np.ndarray, rng: np.random.Generator, block: int = PAIR_BLOCK
) -> np.ndarray | None:
    """Positions of ``pool`` ordered by when in the week its members are free (the middle of
    each one's longest window, ties at random), rotated by a random offset below ``block``
    (so the cuts between blocks fall elsewhere every round); None when
    availability plays no part (nobody states any, or neither a rule nor the score uses it).

    Cut into consecutive blocks, this puts people free at the same time together: a random
    block of a few hundred out of 100,000 holds few partners with an hour in common for
    somebody free one hour a week, a block of people free around that hour holds many.
    Members who state no availability (free all week) get a random place."""
    opts = problem.options
    if not problem.any_avail or not (opts.min_overlap_hours > 0 or problem.weights["overlap"]):
        return None
    ptr, starts, ends = problem._windows()
    counts = np.diff(ptr)[pool]
    first = ptr[pool]
    owner = np.repeat(np.arange(len(pool)), counts)
    flat = np.repeat(first - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
    s, e = starts[flat], ends[flat]
    # per member, its longest window first (then the earliest): lexsort's last key is primary
    ranked = np.lexsort((s, s - e, owner))
    at = np.cumsum(counts) - counts
    key = rng.random(len(pool)) * WEEK_MINUTES
    has = counts > 0
    best = ranked[at[has]]
    key[has] = (s[best] + e[best]) / 2.0
    order = np.lexsort((rng.random(len(pool)), key))
    return np.roll(order, -int(rng.integers(0, block)))


def _node_bonus(problem: Problem, block: np.ndarray) -> np.ndarray:
    """Small bonus for being matched: rotates who ends up as the odd one (the trio)."""
    bigger = np.minimum(problem.history.bigger[block], 3).astype(np.float64)
    return 0.5 * bigger + 2.0 * (problem.priority[block] > 0)


def _match_block(
    problem: Problem, block: np.ndarray, *, sparse: bool = False
) -> tuple[list[list[int]], list[int]]:
    """A maximum-cardinality matching of one block that repeats as few pairs as it can.

    Edge weights are lexicographic: among the matchings of maximum cardinality, the most
    never-met pairs, then the best score (a never-met pair outweighs the score of a whole
    matching), so no soft preference ever buys a repeated pair.

    Above :data:`PAIR_ALL_EDGES` members, and for every block of a large population
    (``sparse``), the candidate graph is sparse and holds never-met pairs only (each member's
    best, plus all of those who have few), so the blossom solver sees one band of weights and
    runs as fast as in a first round.  When a member is left over (or a pair repeats), a
    maximum matching of the block's never-met pairs is grown from the solver's own by
    augmenting paths (:mod:`~peerly.matching.augment`); the members where it differs, the
    left-over members with their feasible partners, and those partners' mates are re-solved on
    all their feasible pairs (a small region, a few times at most; a region above
    :data:`PAIR_ALL_EDGES` members on the candidate graph, both matchings and the left-over
    members' feasible pairs, never the dense graph).  Finally
    :func:`_fewest_repeats` certifies or restores the fewest repeats.
    """
    size = len(block)
    if size < 2:
        return [], block.tolist()
    weight, feasible = problem.pair_matrix(block)
    bonus = _node_bonus(problem, block)
    never_met = feasible & (weight >= 0)
    degree = feasible.sum(axis=1)
    if size <= PAIR_ALL_EDGES and not sparse:
        chosen = np.triu(feasible, 1)
    else:
        chosen = _candidate_pairs(problem, block, weight, never_met)
    pairs, left = _run_matching(problem, block, weight, never_met, bonus, chosen)
    adj_new: list[list[int]] | None = None
    for _ in range(PAIR_REPAIR_ROUNDS):
        repeated = [(p, q) for p, q in pairs if not never_met[p, q]]
        stuck = [p for p in left if degree[p] > 0]
        if not repeated and len(stuck) <= size % 2:
            break  # every pair new and nobody left who could pair: nothing to improve
        if adj_new is None:
            adj_new = adjacency(never_met)
        partner = np.full(size, -1, dtype=np.int64)
        for p, q in pairs:
            partner[p], partner[q] = q, p
        # a maximum matching of the never-met pairs, grown from this one: where it differs,
        # an alternating path or cycle could trade repeated pairs for new ones
        mate = np.array(maximum_matching(adj_new, [pq for pq in pairs if never_met[pq]]))
        region = np.zeros(size, dtype=bool)
        region[mate != partner] = True
        for p, q in repeated:
            region[p] = region[q] = True
        if stuck:  # left-over members, their feasible partners (and those partners' mates)
            region[stuck] = True
            near = np.where(feasible[stuck], weight[stuck], -np.inf)
            if near.shape[1] > PAIR_REGION_PARTNERS:  # their best few partners at most
                best = np.argpartition(-near, PAIR_REGION_PARTNERS, axis=1)
                near_mask = np.zeros_like(feasible[stuck])
                np.put_along_axis(near_mask, best[:, :PAIR_REGION_PARTNERS], True, axis=1)
                region |= (near_mask & feasible[stuck]).any(axis=0)
            else:
                region |= feasible[stuck].any(axis=0)
        taken = partner[region]
        region[taken[taken >= 0]] = True
        sub = np.flatnonzero(region)
        candidates = None
        if len(sub) > PAIR_ALL_EDGES:
            # a large region (members who may meet nearly anybody, such as those who state no
            # availability, bring in most of the block) is not re-solved on all its feasible
            # pairs, a dense graph and seconds in the solver: the candidate graph, both
            # matchings' edges and every feasible pair of the left-over members instead
            candidates = chosen | chosen.T
            for target in (partner, mate):
                paired = np.flatnonzero(target >= 0)
                candidates[paired, target[paired]] = True
            if stuck:
                candidates[stuck] |= feasible[stuck]
                candidates[:, stuck] |= feasible[:, stuck]
        better = _resolve_region(
            problem, block, weight, never_met, bonus, feasible, pairs, sub, candidates
        )
        if better is None:
            break
        pairs = better
        matched = {x for pq in pairs for x in pq}
        left = [p for p in range(size) if p not in matched]
    arrays = _BlockArrays(problem, block, weight, never_met, bonus, feasible)
    if any(degree[p] > 0 for p in left):
        pairs = _most_pairs(arrays, pairs)
        matched = {x for pq in pairs for x in pq}
        left = [p for p in range(size) if p not in matched]
    if any(not never_met[pq] for pq in pairs) and problem.options.min_slot_minutes <= 0:
        pairs = _fewest_repeats(arrays, pairs, chosen)
        matched = {x for pq in pairs for x in pq}
        left = [p for p in range(size) if p not in matched]
    groups = [[int(block[p]), int(block[q])] for p, q in pairs]
    return groups, [int(block[p]) for p in left]


def _candidate_pairs(
    problem: Problem, block: np.ndarray, weight: np.ndarray, never_met: np.ndarray
) -> np.ndarray:
    """The sparse candidate graph of a block (upper triangle): each member's best never-met
    partners, a few pseudo-random ones, and all of them for members with few."""
    size = len(block)
    # never-met pairs only: with every weight in one band the blossom solver is as quick
    # as in a first round; repeated pairs come in through the repair below, where needed
    # float32 and 32-bit keys below: the selection is a third quicker, and picks other
    # partners only where two weights (keys) agree to seven digits (32 bits)
    masked = np.where(never_met, weight.astype(np.float32), np.float32(-np.inf))
    k = min(PAIR_TOP_K, size - 1)
    top = np.argpartition(masked, size - k, axis=1)[:, size - k :]
    chosen = np.zeros((size, size), dtype=bool)
    np.put_along_axis(chosen, top, True, axis=1)
    # plus a few pseudo-random never-met partners each (by the pairs' jitter keys, so the
    # same for a seed): without them everybody's best are the same few members (those
    # free all week, say) and the graph has no room for everybody else
    keys = problem.keys[block]
    mixed = (_mix_array(keys[:, None] ^ keys[None, :]) >> np.uint64(32)).astype(np.uint32)
    shuffle = np.where(never_met, mixed, np.uint32(0))
    spread = min(PAIR_RANDOM_K, size - 1)
    # the largest keys as the smallest complements: the same set (zeros are masked out
    # below), and the selection does not crawl through the rows' many tied zeros
    picks = np.argpartition(~shuffle, spread - 1, axis=1)[:, :spread]
    np.put_along_axis(chosen, picks, True, axis=1)
    few = never_met.sum(axis=1) <= 2 * PAIR_TOP_K
    chosen[few] |= never_met[few]
    chosen = (chosen | chosen.T) & never_met
    return np.triu(chosen, 1)


class _FeasibleRows:
    """Adjacency lists of the feasible graph, built row by row when a search reaches them
    (with the min-slot rule checked there): an augmenting-path search from a few left-over
    members touches their neighbourhood only, never the whole dense graph."""

    def __init__(self, problem: Problem, block: np.ndarray, feasible: np.ndarray) -> None:
        self.problem, self.block, self.feasible = problem, block, feasible
        self.rows: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return len(self.feasible)

    def __getitem__(self, v: int) -> list[int]:
        row = self.rows.get(v)
        if row is None:
            row = np.flatnonzero(self.feasible[v]).tolist()
            if self.problem.options.min_slot_minutes > 0:
                gv, block = int(self.block[v]), self.block
                row = [w for w in row if self.problem.slot_ok_pair(gv, int(block[w]))]
            self.rows[v] = row
        return row


def _most_pairs(arrays: _BlockArrays, pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Grow ``pairs`` to a maximum matching of ALL feasible pairs (repeats included).

    The candidate graph holds never-met pairs only, so a member whose only compatible
    partners are former partners (or who needs a long chain of swaps) can be left over by the
    solver and the region repair.  Augmenting paths from the left-over members over the whole
    feasible graph (Berge: none left means the matching is maximum) find the missing pairs;
    the members on those paths (and their mates) are then re-solved with their scores and
    never-met preference, and :func:`_fewest_repeats` afterwards restores the fewest repeats.
    Skipped when the pairs already reach the component bound (sum of half component sizes).
    """
    problem, block, feasible = arrays.problem, arrays.block, arrays.feasible
    if len(pairs) >= component_bound(feasible):
        return pairs
    rows = cast("Sequence[Sequence[int]]", _FeasibleRows(problem, block, feasible))
    mate_list = maximum_matching(rows, pairs)
    most = matching_size(mate_list)
    if most <= len(pairs):
        return pairs
    mate = np.array(mate_list, dtype=np.int64)
    better = _resolve_difference(arrays, pairs, mate)
    if better is not None and len(better) >= most:
        return better
    return sorted((v, int(w)) for v, w in enumerate(mate.tolist()) if w > v)


def _fewest_repeats(
    arrays: _BlockArrays, pairs: list[tuple[int, int]], chosen: np.ndarray
) -> list[tuple[int, int]]:
    """Make sure no maximum-cardinality pairing of the block repeats fewer pairs.

    Certified cheaply when the pairs repeat no more than their count minus the most never-met
    pairs (``pairs`` is of maximum cardinality here);
    otherwise the fewest repeats are found exactly on the whole feasible graph with small
    integer weights (a new pair worth two repeats, and a bonus below one unit for keeping a
    pair of ``pairs``), quick for the solver at this size, and the few members where that
    pairing differs are re-solved with their scores (on the block's candidate graph ``chosen``
    plus both pairings' edges when they are many, see :func:`_resolve_difference`).  The exact
    count is kept on the problem for the round's report when the block is the whole population.
    """
    problem, block, never_met = arrays.problem, arrays.block, arrays.never_met
    feasible = arrays.feasible
    size = len(block)
    repeats = sum(1 for pq in pairs if not never_met[pq])
    whole = size == problem.n
    if size > PAIR_EXACT_LIMIT:
        return pairs
    # ``pairs`` is a maximum matching of the feasible pairs (see :func:`_most_pairs`): when no
    # fractional pairing as large repeats fewer pairs, these are the fewest (an assignment on
    # the double cover, milliseconds; the exact solve below takes seconds at 2,000 members)
    if fractional_fewest_repeats(feasible, feasible & ~never_met, len(pairs)) >= repeats:
        if whole:
            problem.fewest_pair_repeats = repeats
        return pairs
    mate = maximum_matching(adjacency(never_met), [pq for pq in pairs if never_met[pq]])
    # any pairing as large repeats at least len(pairs) minus the most never-met pairs (the
    # component bound sum(|C| // 2) is only an upper bound on len(pairs): no certificate)
    if repeats <= len(pairs) - matching_size(mate):
        return pairs
    rows, cols = np.nonzero(np.triu(feasible, 1))
    # weights (1 + new) * unit + kept: most pairs, then most never-met pairs, then the most of
    # ``pairs`` kept (unit > any count of kept pairs), so ``best`` differs from ``pairs`` only
    # where it must and the re-solve below is small (it was nearly the whole block, and slow)
    unit = size // 2 + 1
    kept = np.zeros(size, dtype=np.int64) - 1
    for p, q in pairs:
        kept[p] = q
    weights = unit * (1 + never_met[rows, cols].astype(np.int64)) + (kept[rows] == cols)
    graph = rx.PyGraph()
    graph.add_nodes_from(range(size))
    graph.add_edges_from(list(zip(rows.tolist(), cols.tolist(), weights.tolist(), strict=True)))
    best = sorted(
        (min(a, b), max(a, b))
        for a, b in rx.max_weight_matching(graph, max_cardinality=True, weight_fn=int)
    )
    fewest = sum(1 for pq in best if not never_met[pq])
    if whole:
        problem.fewest_pair_repeats = fewest
    if (len(best), -fewest) <= (len(pairs), -repeats):
        return pairs
    better = _resolve_difference(arrays, pairs, _mates(size, best), chosen)
    if better is not None and sum(1 for pq in better if not never_met[pq]) <= fewest:
        return better
    return best


class _BlockArrays(NamedTuple):
    """One pair block's matrices, as :func:`_match_block` builds them."""

    problem: Problem
    block: np.ndarray
    weight: np.ndarray
    never_met: np.ndarray
    bonus: np.ndarray
    feasible: np.ndarray


def _mates(size: int, pairs: list[tuple[int, int]]) -> np.ndarray:
    """Each member's partner in ``pairs`` (-1 when unpaired)."""
    mate = np.full(size, -1, dtype=np.int64)
    for p, q in pairs:
        mate[p], mate[q] = q, p
    return mate


def _resolve_difference(
    arrays: _BlockArrays,
    pairs: list[tuple[int, int]],
    other: np.ndarray,
    chosen: np.ndarray | None = None,
) -> list[tuple[int, int]] | None:
    """:func:`_resolve_region` on the members whose partner differs between ``pairs`` and the
    mates ``other``, with both partners of each.

    A region of more than :data:`PAIR_ALL_EDGES` members (often nearly the whole block when
    ``other`` is the exact fewest-repeats pairing) is not solved on all its feasible pairs (the
    dense graph, seconds in the blossom solver) but on the candidate graph ``chosen`` plus the
    edges of both pairings, when ``chosen`` is given: the graph still holds ``other``, so the
    lexicographic solver pairs as many and repeats no more than ``other`` does."""
    partner = _mates(len(arrays.block), pairs)
    region = partner != other
    for target in (partner, other):
        taken = target[region]
        region[taken[taken >= 0]] = True
    sub = np.flatnonzero(region)
    candidates = None
    if chosen is not None and len(sub) > PAIR_ALL_EDGES:
        candidates = chosen | chosen.T
        for target in (partner, other):
            paired = np.flatnonzero(target >= 0)
            candidates[paired, target[paired]] = True
    return _resolve_region(*arrays, pairs, sub, candidates)


def _resolve_region(
    problem: Problem,
    block: np.ndarray,
    weight: np.ndarray,
    never_met: np.ndarray,
    bonus: np.ndarray,
    feasible: np.ndarray,
    pairs: list[tuple[int, int]],
    sub: np.ndarray,
    candidates: np.ndarray | None = None,
) -> list[tuple[int, int]] | None:
    """Re-solve the members ``sub`` (whose pairs stay inside it) on all their feasible pairs
    (or those of them in the symmetric matrix ``candidates``); the new pairs when they are
    better (more pairs, then more never-met, then score)."""
    inside = np.zeros(len(block), dtype=bool)
    inside[sub] = True
    kept = [pq for pq in pairs if not inside[pq[0]]]
    old = [pq for pq in pairs if inside[pq[0]]]
    grid = np.ix_(sub, sub)
    edges = np.triu(feasible[grid], 1)
    if candidates is not None:
        edges &= candidates[grid]
    got, _ = _run_matching(problem, block[sub], weight[grid], never_met[grid], bonus[sub], edges)
    new = [(int(sub[p]), int(sub[q])) for p, q in got]

    def key(found: list[tuple[int, int]]) -> tuple[int, int, float]:
        score = sum(float(weight[p, q] + bonus[p] + bonus[q]) for p, q in found)
        return len(found), sum(int(never_met[p, q]) for p, q in found), round(score, 6)

    if key(new) <= key(old):
        return None
    return sorted(kept + new)


def _run_matching(
    problem: Problem,
    block: np.ndarray,
    weight: np.ndarray,
    never_met: np.ndarray,
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
    # scores in steps of 1 / PAIR_SCORE_STEPS: finer steps give the blossom solver more
    # distinct slacks to close one by one (1/1000 took 1.5x as long as 1/100 at 100,000
    # members for 0.001 % more total score)
    soft = np.rint((w - w.min() + 1.0) * PAIR_SCORE_STEPS).astype(np.int64)
    # lexicographic under maximum cardinality: never-met pairs first, then the score; a
    # never-met pair is worth more than the score of a whole matching of the block
    new = int(soft.max()) * (size // 2 + 1) + 1
    w = soft + new * never_met[rows, cols].astype(np.int64)
    used = np.unique(np.concatenate([rows, cols]))  # members with at least one candidate
    local = np.full(size, -1, dtype=np.int64)
    local[used] = np.arange(len(used))
    graph = rx.PyGraph()
    graph.add_nodes_from(range(len(used)))
    graph.add_edges_from(
        list(zip(local[rows].tolist(), local[cols].tolist(), w.tolist(), strict=False))
    )
    matching = rx.max_weight_matching(graph, max_cardinality=True, weight_fn=int)
    if not matching:
        return [], list(range(size))
    ends = used[np.array(sorted(matching), dtype=np.int64)]
    ends.sort(axis=1)
    ends = ends[np.lexsort((ends[:, 1], ends[:, 0]))]
    pairs = list(zip(ends[:, 0].tolist(), ends[:, 1].tolist(), strict=True))
    free = np.ones(size, dtype=bool)
    free[ends.ravel()] = False
    return pairs, np.flatnonzero(free).tolist()


# ------------------------------------------------------------------- groups k>=3
def _solve_groups(
    problem: Problem, pool: np.ndarray, rng: np.random.Generator
) -> tuple[list[list[int]], list[int]]:
    n, k = len(pool), problem.k
    effort = 1.0
    if n <= GROUP_DENSE_LIMIT:
        blocks = [pool]
    else:
        order = _availability_order(problem, pool, rng, GROUP_BLOCK) if BLOCKS_BY_TIME else None
        blocks = [pool[b] for b in _blocks(n, GROUP_BLOCK, k, rng, order)]
        if order is not None:  # people free at the same time: few conflicts left to search off
            effort = GROUP_TIME_BLOCK_EFFORT
    seed = int(rng.integers(0, 2**63 - 1))
    groups: list[list[int]] = []
    left: list[int] = []
    for number, block in enumerate(blocks):
        rnd = random.Random(seed + number)  # noqa: S311
        got, rest = improve_block(problem, block, rnd, effort=effort)
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
            if len(group) == 1:  # the same key as below, without summing one number
                x0 = group[0]
                best = max(pool, key=lambda c: (w[c][x0], -c))
            else:
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
        if size == 3:
            a, b, c = group
            row = w[a]
            total = row[b] + row[c] + w[b][c]  # as 0.0 + ... adds: equal, up to a zero's sign
        else:
            total = 0.0
            for pos, a in enumerate(group):
                row = w[a]
                for b in group[pos + 1 :]:
                    total += row[b]
        if size > k:
            total += -W_FAIR * float(sum(bigger[p] for p in group))
        elif size < k:
            total += -W_FAIR * float(sum(smaller[p] for p in group))
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
    # whether each group breaks a rule, re-checked only for the groups changed since
    conflict = [False] * count
    changed = set(range(count))
    since_best: set[int] = set()  # groups changed since ``best`` was copied
    for it in range(iterations):
        if it % 512 == 0:
            for i in changed:
                conflict[i] = _has_conflict(state, groups[i])
            changed.clear()
            bad = [i for i in range(count) if conflict[i]]
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
            changed.add(g1)
            changed.add(g2)
            since_best.add(g1)
            since_best.add(g2)
            total = sum(scores)
            if total > best_total + 1e-9:
                best_total = total
                for i in since_best:
                    best[i] = list(groups[i])
                since_best.clear()
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
class _GroupTable:
    """The groups' sizes and members as arrays (padded with ``n``), kept up to date by
    :meth:`append`, so that a left-over member's candidate groups are found without a Python
    loop over every group."""

    def __init__(self, problem: Problem, groups: list[list[int]]) -> None:
        self.pad = problem.n
        width = max([problem.k + 1, *(len(g) for g in groups)])
        self.sizes = np.array([len(g) for g in groups], dtype=np.int64)
        self.members = np.full((len(groups), width), self.pad, dtype=np.int64)
        for row, group in enumerate(groups):
            self.members[row, : len(group)] = group

    def append(self, row: int, x: int) -> None:
        size = int(self.sizes[row])
        if size == self.members.shape[1]:
            extra = np.full((len(self.members), 1), self.pad, dtype=np.int64)
            self.members = np.hstack([self.members, extra])
        self.members[row, size] = x
        self.sizes[row] = size + 1


def _best_insertion(
    problem: Problem,
    x: int,
    groups: list[list[int]],
    rng: np.random.Generator,
    table: _GroupTable | None = None,
) -> int | None:
    k = problem.k
    ok = problem.infeasible_codes(x) == 0
    if not ok.any():
        return None
    if table is None:
        table = _GroupTable(problem, groups)
    candidates = np.flatnonzero(table.sizes <= k)
    if len(candidates) > INSERT_SAMPLE:
        picks = rng.choice(len(candidates), size=INSERT_SAMPLE, replace=False)
        candidates = candidates[np.sort(picks)]
    # groups whose every member may meet x (the padding counts as yes)
    allowed = np.append(ok, True)[table.members[candidates]].all(axis=1)
    best: tuple[float, int] | None = None
    for gi in candidates[allowed].tolist():
        group = groups[gi]
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
    counts = np.bincount(problem.infeasible_codes(x), minlength=len(REASON_CODES))
    tally = {code: int(c) for code, c in zip(REASON_CODES, counts.tolist(), strict=True) if c}
    tally.pop("self", None)
    feasible = int(tally.pop("", 0))
    causes: dict[str, int] = {c: int(v) for c, v in tally.items()}
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
        return (
            "no_feasible_group",
            f"only {feasible} compatible member{'' if feasible == 1 else 's'}, too few for a group",
        )
    return "no_feasible_group", (
        f"{feasible} compatible member{'' if feasible == 1 else 's'}, "
        "but no group could take one more under the rules"
    )
