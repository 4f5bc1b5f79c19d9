"""Repeat-free schedules from combinatorial designs (points are 0..n-1).

* :func:`round_robin` — the circle method: n-1 rounds of pairs for even n, every pair once.
* :func:`kirkman` — Kirkman triple systems, (n-1)/2 rounds of triples, every pair once:
  lines of the affine geometry AG(m, 3) for n = 3^m, and the difference construction over
  F_q x Z_3 for n = 3q with q a prime = 1 (mod 6) (Ray-Chaudhuri & Wilson; Stinson's survey,
  Theorem 5).  Other orders return ``None``; callers fall back to search.
"""

from __future__ import annotations

from itertools import product

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
    if n < 3 or n % 6 != 3:
        return None
    m, power = 0, 1
    while power < n:
        power *= 3
        m += 1
    if power == n:
        return _affine(m)
    if n % 3 == 0 and (n // 3) % 6 == 1 and _is_prime(n // 3):
        return _three_q(n // 3)
    return None


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
