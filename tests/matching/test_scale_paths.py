"""The engine's scale paths (issue 19): exact repeat bound, members nobody can meet, and the
vectorised helpers that replaced scalar loops (each against an independent reference)."""

from __future__ import annotations

import datetime as dt
import random
from itertools import combinations

import networkx as nx
import numpy as np
import pytest

from peerly.matching import GroupOptions
from peerly.matching import Member
from peerly.matching import PastGroup
from peerly.matching import form_groups
from peerly.matching.augment import adjacency
from peerly.matching.augment import matching_size
from peerly.matching.augment import maximum_matching
from peerly.matching.availability import local_windows_to_utc
from peerly.matching.availability import overlap_minutes
from peerly.matching.scoring import Problem

from .helpers import check_result

WEEK = dt.date(2027, 1, 11)
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "Asia/Tokyo"]


def narrow_members(n: int, seed: int) -> list[Member]:
    """Members with one or two short local windows: few feasible partners each, so repeats
    become unavoidable after a few rounds."""
    r = random.Random(seed)
    ids = [f"m{i:03d}" for i in range(n)]
    out = []
    for mid in ids:
        zone = r.choice(ZONES)
        windows = []
        for _ in range(r.choice((1, 1, 2))):
            start = r.randrange(8, 18) * 60
            windows.append((r.randrange(3), start, start + r.choice((60, 90, 120))))
        dnp = frozenset({r.choice(ids)} - {mid}) if r.random() < 0.1 else frozenset()
        out.append(
            Member(
                mid,
                team=f"t{r.randrange(4)}",
                timezone=zone,
                do_not_pair=dnp,
                availability=local_windows_to_utc(windows, zone, reference=WEEK),
            )
        )
    return out


def min_repeats_brute_force(members, history, options) -> int:
    """Fewest repeated pairs of any maximum-cardinality pairing, by networkx on the complete
    feasible graph (independent of the engine's solver and of rustworkx)."""
    by_id = {m.id: m for m in members}
    met = {tuple(sorted(p)) for g in history for p in combinations(g.member_ids, 2)}
    graph = nx.Graph()
    graph.add_nodes_from(by_id)
    for a, b in combinations(sorted(by_id), 2):
        if b in by_id[a].do_not_pair or a in by_id[b].do_not_pair:
            continue
        hours = overlap_minutes(by_id[a].availability, by_id[b].availability) / 60
        if hours + 1e-9 < options.min_overlap_hours:
            continue
        graph.add_edge(a, b, weight=1 if (a, b) in met else 2)
    best = nx.max_weight_matching(graph, maxcardinality=True)
    return sum(1 for a, b in best if tuple(sorted((a, b))) in met)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pairs_fed_their_own_history_have_no_excess_repeats(seed):
    members = narrow_members(40, seed)
    options = GroupOptions(size=2, min_overlap_hours=1, seed=seed)
    history: list[PastGroup] = []
    saw_repeats = False
    for _ in range(14):
        result = form_groups(members, history, options)
        check_result(result, members, options)
        plan = result.rounds[0]
        m = plan.metrics
        assert m["unavoidable_exact"]
        # the matching's pairs (a trio counts its best pair: its third member's two extra
        # pairs come on top of any pairing) repeat no more than the exact minimum
        met = {tuple(sorted(p)) for g in history for p in combinations(g.member_ids, 2)}
        matching_repeats = sum(
            all(p in met for p in combinations(g.member_ids, 2)) for g in plan.groups
        )
        assert matching_repeats <= m["unavoidable_repeat_pairs"], m
        assert m["unavoidable_repeat_pairs"] <= min_repeats_brute_force(members, history, options)
        if all(len(g.member_ids) == 2 for g in plan.groups):
            assert m["excess_repeat_pairs"] <= 0, m
        saw_repeats |= m["repeat_pairs"] > 0
        history += [PastGroup(plan.round, g.member_ids, str(i)) for i, g in enumerate(plan.groups)]
    assert saw_repeats  # the instance is tight enough to test something


def test_reported_exact_bound_is_the_true_minimum_when_repeats_exceed_the_simple_count():
    # a chain: a and d have met their only feasible partners b and c; b-c never met.
    # Pairing everybody needs a-b and c-d (2 repeats); the simple count says 1.
    week = ((0, 600),)
    members = [Member(x, availability=week) for x in "abcd"]
    for x, banned in (("a", "cd"), ("d", "ab")):
        i = "abcd".index(x)
        members[i] = Member(x, availability=week, do_not_pair=frozenset(banned))
    history = [PastGroup(1, ("a", "b")), PastGroup(1, ("c", "d"))]
    options = GroupOptions(size=2, min_overlap_hours=1)
    result = form_groups(members, history, options)
    m = result.metrics
    assert m["repeat_pairs"] == 2
    assert m["unavoidable_repeat_pairs"] == min_repeats_brute_force(members, history, options)
    assert m["unavoidable_exact"] and m["excess_repeat_pairs"] == 0
    assert not result.unmatched


@pytest.mark.parametrize("blank", [False, True])
def test_members_without_possible_overlap_are_explained_not_searched(blank):
    r = random.Random(5)
    members = []
    for i in range(60):
        zone = r.choice(ZONES)
        if i % 3 == 0:  # a single 30-minute window, or no availability stated at all
            windows = [] if blank else [(r.randrange(5), 600, 630)]
        else:
            windows = [(d, 8 * 60, 18 * 60) for d in range(5)]
        avail = local_windows_to_utc(windows, zone, reference=WEEK) if windows else ()
        members.append(Member(f"m{i:02d}", timezone=zone, availability=avail))
    options = GroupOptions(size=2, min_overlap_hours=1)
    problem = Problem(members, [], options, round_no=1)
    result = form_groups(members, [], options)
    check_result(result, members, options)
    nobody = {f"m{i:02d}" for i in range(0, 60, 3)}
    if blank:  # no constraint: everybody is placed
        assert not problem.alone().any()
        assert not result.unmatched
    else:
        assert {problem.ids[i] for i in np.flatnonzero(problem.alone())} == nobody
        assert {u.member_id for u in result.unmatched} == nobody
        assert {u.reason for u in result.unmatched} == {"no_common_availability"}
        placed = {m for g in result.groups for m in g.member_ids}
        assert placed == {m.id for m in members} - nobody


def test_large_population_with_isolated_members_still_pairs_the_rest():
    # above the one-block size: the isolated third never enters the blocks
    r = random.Random(8)
    members = [
        Member(
            f"m{i:05d}",
            team=f"t{i % 7}",
            availability=((600, 630),) if i % 3 == 0 else ((r.randrange(5) * 1440, 7000),),
        )
        for i in range(3300)
    ]
    options = GroupOptions(size=2, min_overlap_hours=1)
    result = form_groups(members, [], options)
    check_result(result, members, options)
    assert len(result.unmatched) == 1100
    assert all(u.reason == "no_common_availability" for u in result.unmatched)


@pytest.mark.parametrize("trial", range(60))
def test_augmenting_matching_is_maximum(trial):
    rng = np.random.default_rng(trial)
    n = int(rng.integers(2, 40))
    mask = np.triu(rng.random((n, n)) < rng.uniform(0.02, 0.4), 1)
    mask = mask | mask.T
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(zip(*np.nonzero(np.triu(mask, 1)), strict=True))
    start = [(int(a), int(b)) for a, b in nx.maximal_matching(graph)][: trial % 5]
    mate = maximum_matching(adjacency(mask), start)
    assert matching_size(mate) == len(nx.max_weight_matching(graph, maxcardinality=True))
    assert all(mate[mate[v]] == v and mask[v, mate[v]] for v in range(n) if mate[v] >= 0)


@pytest.mark.parametrize("seed", [0, 1])
def test_vectorised_overlap_and_reasons_match_scalar_code(seed):
    r = random.Random(seed)
    ids = [f"x{i}" for i in range(50)]
    members = []
    for mid in ids:
        windows = [
            (r.randrange(7), s, s + r.choice((30, 60, 120, 300)))
            for s in r.sample(range(0, 1380, 30), r.randrange(0, 4))
        ]
        members.append(
            Member(
                mid,
                languages=frozenset(r.sample(["en", "de", "fr"], r.randrange(0, 2))),
                do_not_pair=frozenset(r.sample(ids, 1)) - {mid}
                if r.random() < 0.2
                else frozenset(),
                availability=local_windows_to_utc(windows, r.choice(ZONES), reference=WEEK),
            )
        )
    for options in (
        GroupOptions(size=2, min_overlap_hours=1),
        GroupOptions(size=3, min_overlap_hours=0.5, min_slot_minutes=60),
    ):
        problem = Problem(members, [], options, round_no=1)
        idx = np.arange(problem.n)
        minutes = problem.overlap_matrix(idx)
        a, b = np.triu_indices(problem.n, 1)
        pairs = problem.pair_overlap_minutes(a, b)
        for x in range(problem.n):
            reasons = problem.infeasible_reasons(x)
            for y in range(problem.n):
                if y == x:
                    continue
                assert reasons[y] == problem.pair_infeasible_reason(x, y)
                expected = overlap_minutes(problem.avail[x], problem.avail[y])
                assert minutes[x, y] == expected
        expected = [
            overlap_minutes(problem.avail[i], problem.avail[j]) for i, j in zip(a, b, strict=True)
        ]
        assert pairs.tolist() == expected
