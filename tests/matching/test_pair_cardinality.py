"""Pairs: everybody who has a compatible partner is placed, even when the only compatible
partners are former partners (a repeat is better than leaving someone out).

The solver's sparse candidate graph (blocks above ``PAIR_ALL_EDGES`` members) holds never-met
pairs only; the tests shrink that limit so that small inputs take the same path as 500 members.
"""

from __future__ import annotations

import random
from itertools import combinations

import networkx as nx
import pytest

from peerly.matching import GroupOptions
from peerly.matching import Member
from peerly.matching import PastGroup
from peerly.matching import form_groups
from peerly.matching import solver
from peerly.matching.availability import overlap_minutes

from .helpers import check_result
from .test_scale_paths import min_repeats_brute_force
from .test_scale_paths import narrow_members


@pytest.fixture(params=["sparse", "default"])
def sparse(request, monkeypatch):
    if request.param == "sparse":  # every block takes the never-met candidate graph
        monkeypatch.setattr(solver, "PAIR_ALL_EDGES", 0)
    return request.param


def max_pairs_brute_force(members: list[Member], options: GroupOptions) -> int:
    """Size of a maximum-cardinality matching over ALL compatible pairs (networkx)."""
    by_id = {m.id: m for m in members}
    graph = nx.Graph()
    graph.add_nodes_from(by_id)
    for a, b in combinations(sorted(by_id), 2):
        if b in by_id[a].do_not_pair or a in by_id[b].do_not_pair:
            continue
        minutes = overlap_minutes(by_id[a].availability, by_id[b].availability)
        if minutes + 1e-9 < options.min_overlap_hours * 60:
            continue
        graph.add_edge(a, b)
    return len(nx.max_weight_matching(graph, maxcardinality=True))


def chain(n: int) -> list[Member]:
    """Members who may only meet their neighbours in the line m00 - m01 - ... (do-not-pair)."""
    week = ((0, 600),)
    ids = [f"m{i:02d}" for i in range(n)]
    return [
        Member(x, availability=week, do_not_pair=frozenset(ids) - {x, *ids[max(0, i - 1) : i + 2]})
        for i, x in enumerate(ids)
    ]


def test_member_whose_only_compatible_partner_is_a_former_partner_is_paired_again(sparse):
    # m00's only compatible partner is m01, and they met last round (so did m06 and m07):
    # the never-met pairs alone leave m00 and m07 out, and only a chain of swaps along the
    # line, with the two repeats, places everybody
    members = chain(8)
    history = [PastGroup(1, ("m00", "m01")), PastGroup(1, ("m06", "m07"))]
    options = GroupOptions(size=2, min_overlap_hours=1)
    result = form_groups(members, history, options)
    check_result(result, members, options)
    assert not result.unmatched
    assert {g.member_ids for g in result.groups} == {
        ("m00", "m01"),
        ("m02", "m03"),
        ("m04", "m05"),
        ("m06", "m07"),
    }
    assert result.metrics["repeat_pairs"] == 2
    assert result.metrics["excess_repeat_pairs"] == 0


def sparse_members(n: int, seed: int) -> list[Member]:
    """Members compatible with a few random others only (do-not-pair everybody else)."""
    r = random.Random(seed)
    ids = [f"m{i:02d}" for i in range(n)]
    ok: dict[str, set[str]] = {x: set() for x in ids}
    for a, b in combinations(ids, 2):
        if r.random() < 2.5 / n:
            ok[a].add(b)
            ok[b].add(a)
    week = ((0, 600),)
    return [Member(x, availability=week, do_not_pair=frozenset(ids) - ok[x] - {x}) for x in ids]


@pytest.mark.parametrize("seed", range(10))
def test_pairs_are_a_maximum_matching_over_all_compatible_pairs(seed, sparse):
    """Property: with history, the number of groups equals the maximum matching over every
    compatible pair (repeats allowed), and the pairs repeat no more than the minimum."""
    r = random.Random(seed)
    if seed % 2:
        members = narrow_members(r.choice((30, 31, 40)), seed + 100)
    else:
        members = sparse_members(r.choice((30, 31, 40)), seed + 100)
    options = GroupOptions(size=2, min_overlap_hours=1, seed=seed)
    history: list[PastGroup] = []
    for rnd in range(1, 4):  # random earlier rounds, so previous partners are everywhere
        ids = [m.id for m in members]
        r.shuffle(ids)
        history += [
            PastGroup(rnd, tuple(sorted(ids[i : i + 2]))) for i in range(0, len(ids) - 1, 2)
        ]
    for _ in range(3):
        result = form_groups(members, history, options)
        check_result(result, members, options)
        plan = result.rounds[0]
        assert len(plan.groups) == max_pairs_brute_force(members, options)
        met = {tuple(sorted(p)) for g in history for p in combinations(g.member_ids, 2)}
        matching_repeats = sum(
            all(p in met for p in combinations(g.member_ids, 2)) for g in plan.groups
        )
        assert matching_repeats <= min_repeats_brute_force(members, history, options)
        history += [PastGroup(plan.round, g.member_ids, str(i)) for i, g in enumerate(plan.groups)]
