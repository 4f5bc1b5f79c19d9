"""Group-size plans: sizes k-1..k+1, nobody alone, as many groups of exactly k as possible."""

from __future__ import annotations

from .types import MIN_GROUP_SIZE


def plan_sizes(n: int, k: int) -> list[int]:
    """Sizes (largest first) for ``n`` people and target ``k``.

    Places as many people as possible, then maximises the number of groups of exactly ``k``,
    then prefers fewer groups.  ``sum(result) < n`` only when no plan can place everybody
    (e.g. 10 people in groups of 8).
    """
    if n < MIN_GROUP_SIZE:
        return []
    q, r = divmod(n, k)
    if r == 0:
        return [k] * q
    options: list[tuple[int, int, list[int]]] = []
    if q >= r:  # r groups of k+1
        options.append((q - r, -q, [k + 1] * r + [k] * (q - r)))
    if k - 1 >= MIN_GROUP_SIZE and q + 1 >= k - r:  # k-r groups of k-1
        options.append((q + 1 - (k - r), -(q + 1), [k] * (q + 1 - (k - r)) + [k - 1] * (k - r)))
    if options:
        return max(options, key=lambda o: (o[0], o[1]))[2]
    return _search(n, k)


def _search(n: int, k: int) -> list[int]:
    """Small n only: try every mix of k-1, k, k+1."""
    best: tuple[int, int, int] | None = None
    best_plan: list[int] = []
    lo = max(k - 1, MIN_GROUP_SIZE)
    for big in range(n // (k + 1) + 1):
        for exact in range((n - big * (k + 1)) // k + 1):
            rest = n - big * (k + 1) - exact * k
            small = rest // lo if lo < k else 0
            placed = big * (k + 1) + exact * k + small * lo
            key = (placed, exact, -(big + exact + small))
            if best is None or key > best:
                best = key
                best_plan = [k + 1] * big + [k] * exact + [lo] * small
    return best_plan
