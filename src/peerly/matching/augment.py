"""Maximum-cardinality matching by augmenting paths (Edmonds' blossoms), from a good start.

The pair solver and the repeat bound both need the size of a maximum matching among the
never-met pairs of up to a few thousand members, where that graph is dense (hundreds of
thousands of edges).  A weighted blossom solver on the whole graph takes seconds; but both
callers already hold a matching that is maximum or nearly so (the solver's own pairs), so
searching an augmenting path from each of its few free members is enough: by Berge's theorem
the matching is maximum once no free member has one, and a member without an augmenting path
never gets one later (one search per free member suffices).  Pure Python over adjacency lists;
each search is linear in the edges plus an O(n) pass per blossom contracted.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from collections.abc import Sequence

import numpy as np
import rustworkx as rx
from ortools.graph.python import linear_sum_assignment


def adjacency(mask: np.ndarray) -> list[list[int]]:
    """Adjacency lists of a symmetric boolean matrix (diagonal ignored)."""
    size = len(mask)
    rows, cols = np.nonzero(mask)
    keep = rows != cols
    rows, cols = rows[keep], cols[keep]
    bounds = np.searchsorted(rows, np.arange(size + 1))
    flat = cols.tolist()
    return [flat[bounds[v] : bounds[v + 1]] for v in range(size)]


def maximum_matching(
    adj: Sequence[Sequence[int]], start: Iterable[tuple[int, int]] = ()
) -> list[int]:
    """``mate`` of a maximum matching of the graph ``adj`` (-1: unmatched), grown from the
    matching ``start`` (pairs must be edges of the graph and disjoint)."""
    n = len(adj)
    mate = [-1] * n
    for a, b in start:
        mate[a], mate[b] = b, a
    for v in range(n):  # a greedy pass first: cheap, and fewer searches after it
        if mate[v] == -1:
            for w in adj[v]:
                if mate[w] == -1:
                    mate[v], mate[w] = w, v
                    break
    for root in range(n):
        if mate[root] == -1 and adj[root]:
            end, parent = _search(adj, mate, root)
            while end != -1:  # flip the path
                prev = parent[end]
                nxt = mate[prev]
                mate[end], mate[prev] = prev, end
                end = nxt
    return mate


def _search(adj: Sequence[Sequence[int]], mate: list[int], root: int) -> tuple[int, list[int]]:
    """An augmenting path from ``root``: (its free end, parent links) or (-1, ...)."""
    n = len(adj)
    used = [False] * n
    parent = [-1] * n
    base = list(range(n))
    used[root] = True
    queue = deque([root])

    def lca(a: int, b: int) -> int:
        seen = [False] * n
        while True:
            a = base[a]
            seen[a] = True
            if mate[a] == -1:
                break
            a = parent[mate[a]]
        while True:
            b = base[b]
            if seen[b]:
                return b
            b = parent[mate[b]]

    def mark(v: int, b: int, child: int, blossom: list[bool]) -> None:
        while base[v] != b:
            blossom[base[v]] = blossom[base[mate[v]]] = True
            parent[v] = child
            child = mate[v]
            v = parent[mate[v]]

    while queue:
        v = queue.popleft()
        for to in adj[v]:
            if base[v] == base[to] or mate[v] == to:
                continue
            if to == root or (mate[to] != -1 and parent[mate[to]] != -1):
                top = lca(v, to)
                blossom = [False] * n
                mark(v, top, to, blossom)
                mark(to, top, v, blossom)
                for i in range(n):
                    if blossom[base[i]]:
                        base[i] = top
                        if not used[i]:
                            used[i] = True
                            queue.append(i)
            elif parent[to] == -1:
                parent[to] = v
                if mate[to] == -1:
                    return to, parent
                used[mate[to]] = True
                queue.append(mate[to])
    return -1, parent


def matching_size(mate: Sequence[int]) -> int:
    return sum(1 for v, w in enumerate(mate) if w > v)


def component_bound(feasible: np.ndarray) -> int:
    """Sum of half the component sizes of the graph ``feasible`` (a boolean matrix): no
    matching has more pairs (an upper bound only; odd components and paths can make it less)."""
    rows, cols = np.nonzero(np.triu(feasible, 1))
    graph = rx.PyGraph()
    graph.add_nodes_from(range(len(feasible)))
    graph.add_edges_from_no_data(list(zip(rows.tolist(), cols.tolist(), strict=True)))
    return int(sum(len(c) // 2 for c in rx.connected_components(graph)))


FRACTIONAL_ARC_LIMIT = 4_000_000  # arcs of the double cover; above, no bound is computed


def fractional_fewest_repeats(feasible: np.ndarray, repeated: np.ndarray, most: int) -> int:
    """A lower bound on the repeated pairs of every matching of ``most`` pairs (the maximum
    cardinality) of the graph ``feasible``, where ``repeated`` marks the repeated pairs (both
    symmetric boolean matrices); 0 when it cannot be computed.

    The fewest repeats of a maximum-cardinality matching is the cheapest perfect matching of the
    graph plus one dummy vertex, joined to every vertex with an edge, for each vertex a maximum
    matching leaves free (every perfect matching of that graph is a maximum matching plus the
    dummies).  Relaxed to fractional perfect matchings (each vertex covered once, odd sets not
    enforced), the cheapest is half the cheapest perfect matching of the bipartite double cover
    (every vertex a row and a column, every edge both ways): an assignment, which OR-Tools
    solves in milliseconds where the blossom solver takes seconds.  Costs are whole
    numbers of repeats, so the bound is the half rounded up; on the instances measured it was
    the exact minimum, and the caller needs the exact solve only when it is not reached."""
    active = np.flatnonzero(feasible.any(axis=1))
    free = len(active) - 2 * most
    if free < 0 or most == 0:
        return 0
    sub = feasible[np.ix_(active, active)]
    rows, cols = np.nonzero(sub)
    if len(rows) + 2 * free * len(active) > FRACTIONAL_ARC_LIMIT:
        return 0
    repeat = repeated[active[rows], active[cols]]
    if free:
        dummies = len(active) + np.arange(free)
        everyone = np.repeat(np.arange(len(active)), free)
        each = np.tile(dummies, len(active))
        rows = np.concatenate([rows, everyone, each])
        cols = np.concatenate([cols, each, everyone])
        repeat = np.concatenate([repeat, np.zeros(2 * len(everyone), dtype=bool)])
    solver = linear_sum_assignment.SimpleLinearSumAssignment()
    solver.add_arcs_with_cost(rows.astype(np.int32), cols.astype(np.int32), repeat.astype(np.int64))
    if solver.solve() != solver.OPTIMAL:  # no perfect assignment: ``most`` was not maximum
        return 0
    return (int(solver.optimal_cost()) + 1) // 2
