"""Repeat-free schedules from combinatorial designs (points are 0..n-1).

* :func:`round_robin` — the circle method: n-1 rounds of pairs for even n, every pair once.
* :func:`kirkman` — Kirkman triple systems, (n-1)/2 rounds of triples, every pair once, for
  n = 3 (mod 6): lines of the affine geometry AG(m, 3) for n = 3^m; the difference construction
  over F_q x Z_3 for n = 3q with q a prime = 1 (mod 6) (Ray-Chaudhuri & Wilson; Stinson's
  survey, Theorem 5); cyclic starters found by search (:mod:`.starters`) up to
  :data:`starters.LIMIT`; and the product of two Kirkman systems (v·w from v and w).  Every
  order up to 1,000 but a few listed in ``docs/matching.md`` is covered.
* :func:`nearly_kirkman` — nearly Kirkman systems for n = 0 (mod 6), n >= 18: (n-2)/2 rounds of
  triples in which everyone meets everyone but one partner, from :mod:`.starters`.
Other orders return ``None``; callers fall back to search.
"""

from __future__ import annotations

from functools import cache
from itertools import product

from . import starters

Schedule = list[list[tuple[int, ...]]]


def round_robin(n: int) -> Schedule | None:
    if n < 2 or n % 2:
        return None
    fixed = n - 1
    rounds: Schedule = []
    for r in range(n - 1):
        pairs = [(min(r, fixed), max(r, fixed))]
        for i in range(1, n // 2):
            a, b = (r + i) % (n - 1), (r - i) % (n - 1)
            pairs.append((min(a, b), max(a, b)))
        rounds.append(sorted(pairs))
    return rounds


def _is_prime(q: int) -> bool:
    if q < 2:
        return False
    f = 2
    while f * f <= q:
        if q % f == 0:
            return False
        f += 1
    return True


def _primitive_root(q: int) -> int:
    factors = {f for f in range(2, q) if (q - 1) % f == 0 and _is_prime(f)}
    for g in range(2, q):
        if all(pow(g, (q - 1) // f, q) != 1 for f in factors):
            return g
    raise ValueError(q)  # pragma: no cover - q is prime


def kirkman(n: int) -> Schedule | None:
    """A Kirkman triple system on n points as (n-1)/2 parallel classes, or ``None``."""
    found = _kirkman(n)
    return None if found is None else [list(r) for r in found]


def nearly_kirkman(n: int) -> Schedule | None:
    """A nearly Kirkman triple system on n = 0 (mod 6) points: (n-2)/2 classes, or ``None``."""
    if n % 6 or n < 18:
        return None
    found = _from_table(n)
    return None if found is None else [list(r) for r in found]


def triads(n: int) -> Schedule | None:
    """The longest repeat-free schedule of triples this module knows for n points."""
    return kirkman(n) if n % 6 == 3 else nearly_kirkman(n)


@cache
def _from_table(n: int) -> tuple[tuple[tuple[int, ...], ...], ...] | None:
    found = starters.schedule(n)
    return None if found is None else tuple(tuple(r) for r in found)


@cache
def _kirkman(n: int) -> tuple[tuple[tuple[int, ...], ...], ...] | None:
    found = algebraic_kirkman(n)
    if found is None:
        table = _from_table(n)
        if table is not None:
            return table
        found = _product_kirkman(n)
    return None if found is None else tuple(tuple(r) for r in found)


def algebraic_kirkman(n: int) -> Schedule | None:
    """KTS(n) from AG(m, 3) or F_q x Z_3 alone (no table, no products)."""
    if n < 3 or n % 6 != 3:
        return None
    if n == 3:
        return [[(0, 1, 2)]]
    m, power = 0, 1
    while power < n:
        power *= 3
        m += 1
    if power == n:
        return _affine(m)
    if n % 3 == 0 and (n // 3) % 6 == 1 and _is_prime(n // 3):
        return _three_q(n // 3)
    return None


def _product_kirkman(n: int) -> Schedule | None:
    for v in range(3, int(n**0.5) + 1, 6):
        if n % v or (n // v) % 6 != 3:
            continue
        a, b = _kirkman(v), _kirkman(n // v)
        if a is not None and b is not None:
            return product_schedule([list(r) for r in a], v, [list(r) for r in b], n // v)
    return None


def product_schedule(a: Schedule, v: int, b: Schedule, w: int) -> Schedule:
    """KTS(v·w) from KTS(v) and KTS(w); point (x, y) is x*w + y.

    Rounds of ``b`` inside every copy ``{x} x W`` ((w-1)/2 rounds), then for every round of
    ``a`` and every c in Z_w the blocks ``{(x, y), (x', y + c), (x'', -2y - c)}`` over each
    triple x < x' < x'' of that round and y in Z_w (a resolvable Latin square; w is odd).
    """
    rounds: Schedule = []
    for r in b:
        rounds.append(sorted(tuple(x * w + y for y in block) for x in range(v) for block in r))
    for r in a:
        for c in range(w):
            blocks = []
            for block in r:
                x, x2, x3 = sorted(block)
                for y in range(w):
                    blocks.append(
                        tuple(sorted((x * w + y, x2 * w + (y + c) % w, x3 * w + (-2 * y - c) % w)))
                    )
            rounds.append(sorted(blocks))
    return rounds


def _affine(m: int) -> Schedule:
    """Parallel classes of lines of AG(m, 3); point = base-3 digits of its number."""
    points = list(product(range(3), repeat=m))
    number = {p: i for i, p in enumerate(points)}
    directions = [d for d in points if any(d) and d[next(i for i, x in enumerate(d) if x)] == 1]
    rounds: Schedule = []
    for d in directions:
        seen: set[int] = set()
        lines: list[tuple[int, ...]] = []
        for p in points:
            if number[p] in seen:
                continue
            line = tuple(
                sorted(
                    number[tuple((a + t * b) % 3 for a, b in zip(p, d, strict=False))]
                    for t in range(3)
                )
            )
            seen.update(line)
            lines.append(line)
        rounds.append(sorted(lines))
    return rounds


def _three_q(q: int) -> Schedule:
    """KTS(3q) for a prime q = 6t + 1; point (x, j) is number j*q + x."""
    t = (q - 1) // 6
    g = _primitive_root(q)

    def a(i: int) -> int:
        return pow(g, i, q)

    def pt(x: int, j: int) -> int:
        return j * q + x % q

    def shift(block: list[tuple[int, int]], s: int) -> tuple[int, ...]:
        return tuple(sorted(pt(x + s, j) for x, j in block))

    base_b = [[(a(i), j), (a(i + 2 * t), j), (a(i + 4 * t), j)] for i in range(t) for j in range(3)]

    def a_block(i: int) -> list[tuple[int, int]]:
        return [(a(i), 0), (a(i + 2 * t), 1), (a(i + 4 * t), 2)]

    in_class = [i for i in range(6 * t) if (i // t) % 2 == 1]
    developed = [i for i in range(6 * t) if (i // t) % 2 == 0]
    rounds: Schedule = []
    for s in range(q):
        blocks = [shift([(0, 0), (0, 1), (0, 2)], s)]
        blocks += [shift(b, s) for b in base_b]
        blocks += [shift(a_block(i), s) for i in in_class]
        rounds.append(sorted(blocks))
    for i in developed:
        rounds.append(sorted(shift(a_block(i), s) for s in range(q)))
    return rounds


def check_schedule(n: int, schedule: Schedule) -> bool:
    """Every round partitions 0..n-1 and no pair meets twice."""
    seen: set[tuple[int, int]] = set()
    for groups in schedule:
        if sorted(x for g in groups for x in g) != list(range(n)):
            return False
        for g in groups:
            for i, x in enumerate(g):
                for y in g[i + 1 :]:
                    pair = (min(x, y), max(x, y))
                    if pair in seen:
                        return False
                    seen.add(pair)
    return True
