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
    from scipy.sparse import csr_matrix  # imported here: SciPy takes ~0.3 s to import
    from scipy.sparse.csgraph import connected_components

    count, labels = connected_components(csr_matrix(feasible), directed=False)
    return int(sum(int(c) // 2 for c in np.bincount(labels, minlength=count)))
