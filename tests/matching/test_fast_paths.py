"""The vectorised paths give exactly what the scalar reference code gives."""

import random

import numpy as np
import pytest

from peerly.matching import GroupOptions
from peerly.matching import Member
from peerly.matching import PastGroup
from peerly.matching.groups import _explain
from peerly.matching.groups import explain_groups
from peerly.matching.io import InputError
from peerly.matching.io import _history_rows
from peerly.matching.io import _read_text
from peerly.matching.io import read_history
from peerly.matching.metrics import group_pairs
from peerly.matching.scoring import REPEAT_BASE
from peerly.matching.scoring import REPEAT_DECAY
from peerly.matching.scoring import REPEAT_RECENT
from peerly.matching.scoring import Problem

DAY = 1440


def _population(seed: int, n: int, *, plain: bool = False) -> list[Member]:
    r = random.Random(seed)
    ids = [f"p{i:03d}" for i in range(n)]
    members = []
    for mid in ids:
        start = r.randrange(7) * DAY + r.randrange(20) * 60
        members.append(
            Member(
                id=mid,
                team=r.choice(["", "a", "b", "c"]),
                languages=frozenset()
                if plain
                else frozenset(r.sample(["en", "de"], r.randint(0, 1))),
                interests=frozenset()
                if plain
                else frozenset(r.sample(["x", "y", "z", "w"], r.randint(0, 3))),
                knows=frozenset() if plain else frozenset(r.sample(ids, r.randint(0, 2))) - {mid},
                availability=()
                if plain or r.random() < 0.4
                else ((start, start + r.randint(60, 900)),),
            )
        )
    return members


def _history(seed: int, ids: list[str], rounds: int) -> list[PastGroup]:
    r = random.Random(seed)
    out = []
    for rnd in range(1, rounds + 1):
        shuffled = list(ids)
        r.shuffle(shuffled)
        size = r.choice([2, 3, 4])
        for g in range(0, len(shuffled) - 1, size):
            out.append(PastGroup(rnd, tuple(sorted(shuffled[g : g + size])), str(g)))
    out.append(PastGroup(2, ("ghost", ids[0], ids[1]), "x"))  # unknown ids are ignored
    return out


def _reference_penalty(problem: Problem, history: list[PastGroup]) -> dict:
    """The former scalar indexing loop."""
    window = problem.options.history_window
    oldest = problem.round_no - window if window else None
    out: dict[tuple[int, int], float] = {}
    for past in history:
        r = past.round
        if r >= problem.round_no or (oldest is not None and r < oldest):
            continue
        idx = [problem.index[m] for m in past.member_ids if m in problem.index]
        age = problem.round_no - r
        for pos, a in enumerate(idx):
            for b in idx[pos + 1 :]:
                if a == b:
                    continue
                key = (min(a, b), max(a, b))
                cost = REPEAT_BASE + REPEAT_RECENT * REPEAT_DECAY ** max(age - 1, 0)
                out[key] = out.get(key, 0.0) + cost
    return out


@pytest.mark.parametrize("seed", range(6))
def test_history_index_and_explanations_match_scalar_code(seed):
    r = random.Random(seed)
    members = _population(seed, r.randint(5, 40), plain=seed % 3 == 0)
    ids = [m.id for m in members]
    history = _history(seed, ids, r.randint(1, 6))
    options = GroupOptions(
        size=r.choice([2, 3, 4]),
        strategy=r.choice(["strangers", "familiar", "random"]),
        team_rule=r.choice(["cross", "same", "none"]),
        history_window=r.choice([None, 2]),
    )
    problem = Problem(members, history, options, round_no=7)
    assert problem.history.penalty == _reference_penalty(problem, history)
    n = problem.n
    for i in range(n):
        for j in range(n):
            if i != j:
                expected = -problem.history.penalty.get((min(i, j), max(i, j)), 0.0)
                assert problem.pair_components(i, j)["novelty"] == expected
    perm = list(range(n))
    r.shuffle(perm)
    groups, pos = [], 0
    while pos < n:
        size = r.choice([2, 3, 4])
        groups.append(perm[pos : pos + size])
        pos += size
    if len(groups[-1]) < 2 and len(groups) > 1:
        groups[-2].extend(groups.pop())
    fast = explain_groups(problem, groups)
    slow = [_explain(problem, g) for g in groups]
    assert repr(fast) == repr(slow)
    a = np.array([p for g in groups for p, _ in group_pairs(g)], dtype=np.int64)
    b = np.array([q for g in groups for _, q in group_pairs(g)], dtype=np.int64)
    assert problem.history.met_pairs(a, b).tolist() == [
        problem.history.met(x, y) for x, y in zip(a.tolist(), b.tolist(), strict=True)
    ]


def test_pair_matrix_history_matches_dense_reference():
    members = _population(3, 30)
    history = _history(3, [m.id for m in members], 5)
    problem = Problem(members, history, GroupOptions(), round_no=6)
    idx = np.array([1, 4, 5, 9, 10, 11, 20, 29])
    weight, _ = problem.pair_matrix(idx)
    for p, i in enumerate(idx.tolist()):
        for q, j in enumerate(idx.tolist()):
            if i != j:
                assert weight[p, q] == pytest.approx(sum(problem.pair_components(i, j).values()))


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode())
    return str(path)


@pytest.mark.parametrize(
    "text",
    [
        "round,group,member_id\n1,1,a\n1,1,b\n1,2,c\n1,2,d\n2,g,a\n2,g,c\n2,h,b\n2,h,d\n2,h,e\n",
        "round,group,member_id\r\n3,1,b\r\n3,1,a\r\n01,2,c\r\n1,2,d\r\n",
        "member_id,extra,group,round\nb,,x,2\na,1,x,2\nc,,y,1\n",
        "round,group,member_id\n1,1,a\n\n1,1,b\n",  # blank line: row reader
        "round,group,member_id\n1, 1 ,a\n1,1,b\n",  # spaces: row reader
        'round,group,member_id\n1,"1",a\n1,1,b\n',  # quotes: row reader
        "round,group,member_id\n1,,a\n1,,b\n",  # empty group label
        "round,group,member_id\n7,g,äö\n7,g,a-rather-long-member-id\n7,ü,b\n7,ü,a\n",
        "round,group,member_id\n1," + "x" * 70 + ",a\n1," + "x" * 70 + ",b\n",  # long label
        "round,group,member_id\n1,1,a\n12345678901,1,b\n",  # huge round: row reader
        "\ufeffround,group,member_id\r\n10,1,e\r\n9,1,e\r\n10,1,d\r\n9,1,c",
    ],
)
def test_history_reader_fast_path_equals_row_reader(tmp_path, text):
    path = _write(tmp_path, "h.csv", text)
    known = ["a", "b", "c", "d", "e", "äö", "a-rather-long-member-id"]
    got = read_history(path, known)
    assert list(got) == _history_rows(path, _read_text(path), known)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("round,group,member_id\n1,1,a\n1,1,zz\n", "h.csv:3:3: unknown member id 'zz'"),
        ("round,group,member_id\n1,1,a\n1,2,a\n", "h.csv:3:3: 'a' is twice in round 1"),
        ("round,group,member_id\n0,1,a\n", "h.csv:2:1: must be >= 1, got 0"),
        ("round,group,member_id\nx,1,a\n", "h.csv:2:1: not an integer: 'x'"),
        ("round,group,member_id\n1,1,a,5\n", "h.csv:2:4: more fields than header columns"),
        ("round,group\n1,1\n", "h.csv:1:1: missing required column 'member_id'"),
        ("round,group,member_id\n1,1,a-rather-long\n", "h.csv:2:3: unknown member id"),
    ],
)
def test_history_reader_errors_come_from_the_row_reader(tmp_path, text, message):
    path = _write(tmp_path, "h.csv", text)
    with pytest.raises(InputError) as err:
        read_history(path, ["a", "b", "a-rather-long-member-id"])
    assert message in str(err.value)


def _reference_local_search(state, groups, rnd, effort):
    """The former loop (rnd.choice / rnd.randrange, BlockState.score)."""
    from peerly.matching.solver import HARD
    from peerly.matching.solver import _has_conflict

    count = len(groups)
    if count < 2:
        return
    scores = [state.score(g) for g in groups]
    size = sum(len(g) for g in groups)
    iterations = int(effort * max(4000, 60 * size))
    best_total = sum(scores)
    best = [list(g) for g in groups]
    bad = []
    for it in range(iterations):
        if it % 512 == 0:
            bad = [i for i in range(count) if _has_conflict(state, groups[i])]
            if not bad and it > iterations // 2:
                break
        g1 = rnd.choice(bad) if bad and rnd.random() < 0.7 else rnd.randrange(count)
        g2 = rnd.randrange(count - 1)
        if g2 >= g1:
            g2 += 1
        a_pos = rnd.randrange(len(groups[g1]))
        b_pos = rnd.randrange(len(groups[g2]))
        ga, gb = groups[g1], groups[g2]
        a, b = ga[a_pos], gb[b_pos]
        ga[a_pos], gb[b_pos] = b, a
        s1, s2 = state.score(ga), state.score(gb)
        delta = s1 + s2 - scores[g1] - scores[g2]
        threshold = 1.5 * (1.0 - it / iterations)
        if delta > 1e-9 or (delta > -threshold * rnd.random() and delta > -HARD / 2):
            scores[g1], scores[g2] = s1, s2
            total = sum(scores)
            if total > best_total + 1e-9:
                best_total = total
                best = [list(g) for g in groups]
        else:
            ga[a_pos], gb[b_pos] = a, b
    groups[:] = best


@pytest.mark.parametrize(("seed", "k"), [(0, 3), (1, 3), (2, 4), (3, 5)])
def test_local_search_matches_reference(seed, k):
    from peerly.matching.solver import BlockState
    from peerly.matching.solver import _local_search

    members = _population(seed, 41)
    history = _history(seed, [m.id for m in members], 3)
    options = GroupOptions(size=k, seed=seed, min_overlap_hours=1.0 if seed % 2 else 0.0)
    problem = Problem(members, history, options, round_no=4)
    state = BlockState(problem, np.arange(problem.n))
    r = random.Random(seed)
    perm = list(range(problem.n))
    r.shuffle(perm)
    sizes = [k + 1, k - 1] + [k] * ((problem.n - 2 * k) // k)
    groups, pos = [], 0
    for size in sizes:
        groups.append(perm[pos : pos + size])
        pos += size
    groups[-1].extend(perm[pos:])
    fast, slow = [list(g) for g in groups], [list(g) for g in groups]
    _local_search(state, fast, random.Random(seed), 0.5)
    _reference_local_search(state, slow, random.Random(seed), 0.5)
    assert fast == slow
