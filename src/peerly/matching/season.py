"""Season-wide local search for groups of 3-8: remove repeated pairs across planned rounds.

Min-conflicts with random walk: pick a round with a repeated pair, swap one of the pair's
members with somebody in another group of that round, accept when the season's repeat count
does not grow (and now and then when it does), never break a hard rule.  Time-boxed by
``GroupOptions.time_limit_seconds`` (converted to a step budget, so results stay
deterministic); the best season seen is returned.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .types import GroupOptions

if TYPE_CHECKING:
    from .scoring import Problem
    from .solver import Reasons

SEASON_SEARCH_LIMIT = 300  # members
STEPS_PER_SECOND = 40_000  # rough speed of one step on a 2-core machine


def _pairs(group: Sequence[int]) -> list[tuple[int, int]]:
    g = sorted(group)
    return [(a, b) for i, a in enumerate(g) for b in g[i + 1 :]]


def improve_season(
    base: Problem,
    plans: list[tuple[list[list[int]], Reasons]],
    options: GroupOptions,
) -> list[tuple[list[list[int]], Reasons]]:
    if base.n > SEASON_SEARCH_LIMIT or len(plans) < 2:
        return plans
    rnd = random.Random(options.seed * 1_000_003 + len(plans))  # noqa: S311 - not crypto
    rounds = [[list(g) for g in groups] for groups, _ in plans]
    count: Counter[tuple[int, int]] = Counter(base.history.penalty.keys())
    for groups in rounds:
        for g in groups:
            count.update(_pairs(g))

    def repeats() -> int:
        return sum(c - 1 for c in count.values() if c > 1)

    current = repeats()
    best = current
    best_rounds = [[list(g) for g in groups] for groups in rounds]
    steps = 0
    # a step budget, not a clock, so that the answer depends only on the input and the seed
    max_steps = min(2000 * base.n * len(rounds), int(options.time_limit_seconds * STEPS_PER_SECOND))
    while current > 0 and steps < max_steps:
        steps += 1
        r = rnd.randrange(len(rounds))
        groups = rounds[r]
        if len(groups) < 2:
            continue
        conflicted = [
            (gi, a) for gi, g in enumerate(groups) for a, b in _pairs(g) if count[(a, b)] > 1
        ]
        if not conflicted:
            continue
        g1, a = rnd.choice(conflicted)
        if rnd.random() < 0.5:  # either member of the repeated pair
            g1_members = groups[g1]
            a = rnd.choice(g1_members)
        g2 = rnd.randrange(len(groups) - 1)
        if g2 >= g1:
            g2 += 1
        ga, gb = groups[g1], groups[g2]
        b = rnd.choice(gb)
        old = set(_pairs(ga) + _pairs(gb))
        new_a = [x for x in ga if x != a] + [b]
        new_b = [y for y in gb if y != b] + [a]
        if not (base.group_ok(new_a) and base.group_ok(new_b)):
            continue
        new = set(_pairs(new_a) + _pairs(new_b))
        removed, added = old - new, new - old
        delta = sum(1 for p in added if count[p] >= 1) - sum(1 for p in removed if count[p] >= 2)
        if delta <= 0 or rnd.random() < 0.02:
            count.subtract(removed)
            count.update(added)
            groups[g1], groups[g2] = sorted(new_a), sorted(new_b)
            current += delta
            if current < best:
                best = current
                best_rounds = [[list(g) for g in gs] for gs in rounds]
    return [
        ([sorted(g) for g in groups], unmatched)
        for groups, (_, unmatched) in zip(best_rounds, plans, strict=False)
    ]
