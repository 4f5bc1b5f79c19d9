"""The pair solver at scale (issue 19): exact repairs change only the members they must, and
blocks of a large population hold people free at the same time.

When a block's pairs repeat more than the cheap bound allows, the fewest repeats are found
exactly on the whole feasible graph; that pairing used to differ from the solver's pairs almost
everywhere (the exact solve had no reason to keep them), so the whole block was re-solved on
all its feasible pairs, the slowest step of late rounds.  The exact solve now prefers the pairs
it was given, and only the members on the alternating cycles and paths are re-solved.
"""

from __future__ import annotations

import numpy as np

from peerly.matching import GroupOptions
from peerly.matching import Member
from peerly.matching import PastGroup
from peerly.matching import form_groups
from peerly.matching import solver
from peerly.matching.scoring import Problem

from .helpers import check_result


def square_and_crowd(crowd: int) -> tuple[list[Member], list[PastGroup]]:
    """Four members s0..s3 who may only meet their neighbours on a square (s0-s1-s2-s3-s0),
    s0 and s1 (and s2 and s3) having met before; and a crowd who may meet each other, in two
    teams, nobody of whom has met or may meet the square."""
    square = [f"s{i}" for i in range(4)]
    people = [f"c{i:02d}" for i in range(crowd)]
    members = [
        Member(
            x,
            do_not_pair=frozenset(people) | (frozenset(square) - {x, square[i - 1], square[i - 3]}),
        )
        for i, x in enumerate(square)
    ]
    members += [Member(x, team=f"t{i % 2}") for i, x in enumerate(people)]
    history = [PastGroup(1, ("s0", "s1")), PastGroup(1, ("s2", "s3"))]
    return members, history


def test_fewest_repeats_keeps_every_pair_it_need_not_change():
    members, history = square_and_crowd(40)
    problem = Problem(members, history, GroupOptions(size=2), round_no=2)
    block = np.arange(problem.n)
    weight, feasible = problem.pair_matrix(block)
    never_met = feasible & (weight >= 0)
    arrays = solver._BlockArrays(
        problem, block, weight, never_met, solver._node_bonus(problem, block), feasible
    )
    index = problem.index
    # the square paired on its two former pairs (2 repeats where 0 are possible) and the crowd
    # paired within each team: a maximum pairing, but neither fewest repeats nor best score
    crowd = sorted((i for m, i in index.items() if m.startswith("c")), key=lambda i: (i % 2, i))
    crowd_pairs = [tuple(sorted(crowd[t : t + 2])) for t in range(0, len(crowd), 2)]
    square_pairs = [(index["s0"], index["s1"]), (index["s2"], index["s3"])]
    pairs = sorted(square_pairs + crowd_pairs)
    assert all(problem.team[a] == problem.team[b] for a, b in crowd_pairs)
    chosen = np.zeros_like(feasible)
    got = solver._fewest_repeats(arrays, pairs, chosen)
    square = {index[f"s{i}"] for i in range(4)}
    assert sorted(pq for pq in got if pq[0] in square) == sorted(
        [(index["s1"], index["s2"]), (index["s0"], index["s3"])]
    )
    assert problem.fewest_pair_repeats == 0
    # the crowd's pairs are not the best (same team), but the repeats never needed them
    assert sorted(pq for pq in got if pq[0] not in square) == sorted(crowd_pairs)


def test_large_region_is_resolved_on_the_candidate_graph_with_the_same_guarantees(monkeypatch):
    """A region above PAIR_ALL_EDGES members is re-solved on the candidate graph plus both
    pairings' edges (not on every feasible pair): still the fewest repeats, everybody paired."""
    monkeypatch.setattr(solver, "PAIR_ALL_EDGES", 2)
    members, history = square_and_crowd(40)
    problem = Problem(members, history, GroupOptions(size=2), round_no=2)
    block = np.arange(problem.n)
    weight, feasible = problem.pair_matrix(block)
    never_met = feasible & (weight >= 0)
    arrays = solver._BlockArrays(
        problem, block, weight, never_met, solver._node_bonus(problem, block), feasible
    )
    index = problem.index
    crowd = sorted(i for m, i in index.items() if m.startswith("c"))
    pairs = sorted(
        [(index["s0"], index["s1"]), (index["s2"], index["s3"])]
        + [(crowd[t], crowd[t + 1]) for t in range(0, len(crowd), 2)]
    )
    got = solver._fewest_repeats(arrays, pairs, np.zeros_like(feasible))
    assert len(got) == len(pairs)
    assert sum(1 for pq in got if not never_met[pq]) == 0
    assert len({x for pq in got for x in pq}) == problem.n


def slot_members(slots: int, per_slot: int) -> list[Member]:
    """``per_slot`` members free one hour at each of ``slots`` separate times of the week (the
    ids shuffled against the slots): only members of the same slot can meet."""
    out = []
    for s in range(slots):
        start = 60 * (2 * s + 1)  # Monday 01:00, 03:00 ... UTC, an hour each, never touching
        for k in range(per_slot):
            number = (k * slots + s) * 7919 % (slots * per_slot)
            out.append(Member(f"m{number:04d}", availability=((start, start + 60),)))
    return out


def test_blocks_of_a_large_population_hold_people_free_at_the_same_time(monkeypatch):
    # 40 slots of 10: blocks of 64 drawn at random held one or two members of each slot, who
    # could not meet; blocks of people free at the same time pair everybody within the slots
    monkeypatch.setattr(solver, "PAIR_DENSE_LIMIT", 100)
    monkeypatch.setattr(solver, "PAIR_BLOCK", 64)
    members = slot_members(40, 10)
    result = form_groups(members, [], GroupOptions(size=2, min_overlap_hours=1))
    check_result(result, members, GroupOptions(size=2, min_overlap_hours=1))
    assert not result.unmatched
    assert [len(g.member_ids) for g in result.groups] == [2] * 200
    assert all(g.overlap_hours == 1.0 for g in result.groups)


def test_availability_order_puts_members_in_time_order_up_to_a_rotation():
    members = slot_members(12, 5)
    problem = Problem(members, [], GroupOptions(size=2, min_overlap_hours=1), round_no=1)
    pool = np.arange(problem.n)
    order = solver._availability_order(problem, pool, np.random.default_rng(3))
    assert order is not None
    assert sorted(order.tolist()) == pool.tolist()
    starts = [problem.avail[i][0][0] for i in order.tolist()]
    # sorted once round the week: at most one step back (where the rotation cut the order)
    assert sum(a > b for a, b in zip(starts, starts[1:] + starts[:1], strict=True)) <= 1
    # nobody states availability: no order, blocks stay random
    blank = Problem(
        [Member(m.id) for m in members], [], GroupOptions(size=2, min_overlap_hours=1), round_no=1
    )
    assert solver._availability_order(blank, pool, np.random.default_rng(3)) is None
