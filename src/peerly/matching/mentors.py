"""Mentor assignment: exact maximum total score (min-cost flow) or stable (deferred acceptance).

Scores are built in chunks from skills vs wants, goals vs skills (token overlap, or semantic
similarity with the ``ai`` extra) and time (availability overlap, else time-zone distance);
languages are a hard rule.  External scores replace all of this and allow only listed pairs.
"""

from __future__ import annotations

import datetime as dt
import heapq
import re
import time
from collections.abc import Mapping
from collections.abc import Sequence
from types import MappingProxyType

import numpy as np
from ortools.graph.python import max_flow
from ortools.graph.python import min_cost_flow

from .availability import get_zone
from .availability import overlap_minutes
from .types import Assignment
from .types import AssignmentResult
from .types import Mentee
from .types import Mentor
from .types import MentorOptions

W_SKILLS, W_GOALS, W_TIME = 0.6, 0.2, 0.2
OVERLAP_TARGET_HOURS = 4.0
GOAL_TOKEN_CAP = 3
SCALE = 1_000_000
CHUNK = 2048
DENSE_LIMIT = 20_000_000  # mentee x mentor entries kept dense (stable method, blocking pairs)
_TOKEN = re.compile(r"[a-z0-9+#]{3,}")


def _tokens(text: str) -> frozenset[str]:
    return frozenset(_TOKEN.findall(text.lower()))


def _skill_tokens(skills: frozenset[str]) -> frozenset[str]:
    return frozenset(t for s in skills for t in _tokens(s))


def _offset_hours(tz: str) -> float:
    now = dt.datetime.now(dt.UTC)
    offset = now.astimezone(get_zone(tz)).utcoffset() or dt.timedelta(0)
    return offset.total_seconds() / 3600


def _tz_closeness(a: float, b: float) -> float:
    diff = abs(a - b) % 24
    return 1.0 - min(diff, 24 - diff) / 12.0


def score_pair(mentee: Mentee, mentor: Mentor) -> tuple[float, Mapping[str, float]] | None:
    """Built-in score in [0, 1] with its components, or ``None`` when languages rule it out.

    Uses token overlap for goals (the semantic model is used only by :func:`assign_mentors`).
    """
    if mentee.languages and mentor.languages and not (mentee.languages & mentor.languages):
        return None
    skills = len(mentee.wants & mentor.skills) / len(mentee.wants) if mentee.wants else 0.0
    shared = len(_tokens(mentee.goals) & _skill_tokens(mentor.skills))
    goals = min(shared, GOAL_TOKEN_CAP) / GOAL_TOKEN_CAP
    if mentee.availability and mentor.availability:
        hours = overlap_minutes(mentee.availability, mentor.availability) / 60
        when = min(hours, OVERLAP_TARGET_HOURS) / OVERLAP_TARGET_HOURS
    else:
        when = _tz_closeness(_offset_hours(mentee.timezone), _offset_hours(mentor.timezone))
    components = {"skills": skills, "goals": goals, "time": when}
    total = W_SKILLS * skills + W_GOALS * goals + W_TIME * when
    return round(total, 9), MappingProxyType({k: round(v, 6) for k, v in components.items()})


def suggest_mentors(
    mentee: Mentee,
    mentors: Sequence[Mentor],
    *,
    limit: int = 5,
    load: Mapping[str, int] | None = None,
) -> tuple[Assignment, ...]:
    """Best mentors for one mentee, best first (full mentors excluded; ties by mentor id)."""
    load = load or {}
    rows: list[tuple[float, str, Mapping[str, float]]] = []
    for mentor in mentors:
        if load.get(mentor.id, 0) >= mentor.capacity:
            continue
        scored = score_pair(mentee, mentor)
        if scored is not None:
            rows.append((scored[0], mentor.id, scored[1]))
    rows.sort(key=lambda r: (-r[0], r[1]))
    return tuple(Assignment(mentee.id, mid, s, comp, "") for s, mid, comp in rows[:limit])


# ------------------------------------------------------------------ scoring
class _Scores:
    """Candidate pairs: per mentee the mentor indices, scores and mentor-side scores."""

    def __init__(self, size: int) -> None:
        self.mentors: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * size
        self.score: list[np.ndarray] = [np.zeros(0)] * size
        self.mentor_score: list[np.ndarray] = [np.zeros(0)] * size
        self.components: dict[tuple[int, int], Mapping[str, float]] = {}
        self.parts: list[dict[str, np.ndarray]] = [{} for _ in range(size)]
        self.reason: dict[int, str] = {}
        self.dense: tuple[np.ndarray, np.ndarray] | None = None  # (score, mentor_score), -inf
        self.dense_parts: dict[str, np.ndarray] | None = None

    def widen(self, i: int, extra: np.ndarray) -> bool:
        """Add the mentors ``extra`` to mentee ``i``'s candidates (needs the dense matrix)."""
        if self.dense is None:
            return False
        score, mentor_score = self.dense
        extra = extra[np.isfinite(score[i, extra])]
        cols = np.union1d(self.mentors[i], extra)
        if len(cols) <= len(self.mentors[i]):
            return False
        cols = cols[np.lexsort((cols, -score[i, cols]))]
        self.mentors[i] = cols
        self.score[i] = score[i, cols]
        self.mentor_score[i] = mentor_score[i, cols]
        if self.dense_parts is not None:
            self.parts[i] = {k: v[i, cols] for k, v in self.dense_parts.items()}
        return True


def _semantic_model(enabled: bool) -> object | None:
    if not enabled:
        return None
    from peerly.matching.embeddings import sentence_model

    return sentence_model()


def _builtin_scores(
    mentors: Sequence[Mentor], mentees: Sequence[Mentee], options: MentorOptions
) -> _Scores:
    n_e, n_m = len(mentees), len(mentors)
    out = _Scores(n_e)
    skills_vocab = sorted({s for m in mentors for s in m.skills})
    s_code = {s: i for i, s in enumerate(skills_vocab)}
    sk = np.zeros((n_m, max(len(skills_vocab), 1)), dtype=np.float32)
    for j, m in enumerate(mentors):
        for s in m.skills:
            sk[j, s_code[s]] = 1
    want = np.zeros((n_e, sk.shape[1]), dtype=np.float32)
    want_count = np.array([len(e.wants) for e in mentees], dtype=np.float64)
    for i, e in enumerate(mentees):
        for s in e.wants:
            if s in s_code:
                want[i, s_code[s]] = 1
    token_vocab = sorted({t for m in mentors for t in _skill_tokens(m.skills)})
    t_code = {t: i for i, t in enumerate(token_vocab)}
    tok_m = np.zeros((n_m, max(len(token_vocab), 1)), dtype=np.float32)
    for j, m in enumerate(mentors):
        for t in _skill_tokens(m.skills):
            tok_m[j, t_code[t]] = 1
    tok_e = np.zeros((n_e, tok_m.shape[1]), dtype=np.float32)
    for i, e in enumerate(mentees):
        for t in _tokens(e.goals):
            if t in t_code:
                tok_e[i, t_code[t]] = 1
    model = _semantic_model(options.semantic and any(e.goals for e in mentees))
    sem_e = sem_m = None
    if model is not None:
        encode = model.encode  # type: ignore[attr-defined]
        sem_e = np.asarray(encode([e.goals for e in mentees], normalize_embeddings=True))
        sem_m = np.asarray(
            encode([", ".join(sorted(m.skills)) for m in mentors], normalize_embeddings=True)
        )
    people: list[Mentor | Mentee] = [*mentors, *mentees]
    langs = sorted({x for p in people for x in p.languages})
    l_code = {x: i for i, x in enumerate(langs)}
    lang_m = np.zeros((n_m, max(len(langs), 1)), dtype=np.float32)
    lang_e = np.zeros((n_e, lang_m.shape[1]), dtype=np.float32)
    for j, m in enumerate(mentors):
        for x in m.languages:
            lang_m[j, l_code[x]] = 1
    for i, e in enumerate(mentees):
        for x in e.languages:
            lang_e[i, l_code[x]] = 1
    has_lang_m: np.ndarray = np.asarray(lang_m.any(axis=1))
    has_lang_e: np.ndarray = np.asarray(lang_e.any(axis=1))
    zones = sorted({p.timezone for p in people})
    offsets = {z: _offset_hours(z) for z in zones}
    off_m = np.array([offsets[m.timezone] for m in mentors])
    off_e = np.array([offsets[e.timezone] for e in mentees])
    cover_m, cover_e, lengths = _covers(mentors, mentees)
    av_m = np.array([bool(m.availability) for m in mentors])
    av_e = np.array([bool(e.availability) for e in mentees])
    keep = n_m if options.candidates_per_mentee <= 0 else min(options.candidates_per_mentee, n_m)
    dense = n_e * n_m <= DENSE_LIMIT
    if dense and options.method == "stable":
        keep = n_m  # stability is judged against complete preference lists
    full = np.full((n_e, n_m), -np.inf) if dense else None
    goal_key = "semantic" if sem_e is not None else "goals"
    full_parts = {k: np.zeros((n_e, n_m)) for k in ("skills", goal_key, "time")} if dense else None
    for lo in range(0, n_e, CHUNK):
        hi = min(lo + CHUNK, n_e)
        inter = want[lo:hi] @ sk.T
        with np.errstate(divide="ignore", invalid="ignore"):
            skills = np.where(want_count[lo:hi, None] > 0, inter / want_count[lo:hi, None], 0.0)
        if sem_e is not None and sem_m is not None:
            goals = np.clip(sem_e[lo:hi] @ sem_m.T, 0.0, 1.0)
        else:
            goals = np.minimum(tok_e[lo:hi] @ tok_m.T, GOAL_TOKEN_CAP) / GOAL_TOKEN_CAP
        diff = np.abs(off_e[lo:hi, None] - off_m[None, :]) % 24
        when = 1.0 - np.minimum(diff, 24 - diff) / 12.0
        if cover_e is not None and cover_m is not None:
            hours = ((cover_e[lo:hi] * lengths) @ cover_m.T) / 60.0
            both = av_e[lo:hi, None] & av_m[None, :]
            when = np.where(
                both, np.minimum(hours, OVERLAP_TARGET_HOURS) / OVERLAP_TARGET_HOURS, when
            )
        total = np.round(W_SKILLS * skills + W_GOALS * goals + W_TIME * when, 9)
        ok = ((lang_e[lo:hi] @ lang_m.T) > 0) | ~has_lang_e[lo:hi, None] | ~has_lang_m[None, :]
        total = np.where(ok, total, -np.inf)
        if full is not None and full_parts is not None:
            full[lo:hi] = total
            full_parts["skills"][lo:hi] = skills
            full_parts[goal_key][lo:hi] = goals
            full_parts["time"][lo:hi] = when
        if keep < n_m:
            top = np.argpartition(-total, keep - 1, axis=1)[:, :keep]
        else:
            top = np.broadcast_to(np.arange(n_m), (hi - lo, n_m))
        # each row by score (best first), ties by mentor index; ruled-out pairs (-inf) last
        top_score = np.take_along_axis(total, top, axis=1)
        order = np.lexsort((top, -top_score), axis=1)
        cols_all = np.take_along_axis(top, order, axis=1).astype(np.int64)
        score_all = np.take_along_axis(top_score, order, axis=1)
        finite = np.isfinite(score_all).sum(axis=1).tolist()
        skills_all = np.take_along_axis(skills, cols_all, axis=1)
        goals_all = np.take_along_axis(goals, cols_all, axis=1)
        when_all = np.take_along_axis(when, cols_all, axis=1)
        for r in range(hi - lo):
            i = lo + r
            m = finite[r]
            out.mentors[i] = cols_all[r, :m]
            out.score[i] = out.mentor_score[i] = score_all[r, :m]
            out.parts[i] = {
                "skills": skills_all[r, :m],
                goal_key: goals_all[r, :m],
                "time": when_all[r, :m],
            }
            if m == 0:
                out.reason[i] = "no_shared_language" if n_m else "no_capacity"
    if full is not None:
        out.dense = (full, full)
        out.dense_parts = full_parts
    return out


def _covers(
    mentors: Sequence[Mentor], mentees: Sequence[Mentee]
) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray]:
    people: list[Mentor | Mentee] = [*mentors, *mentees]
    if not any(p.availability for p in mentors) or not any(p.availability for p in mentees):
        return None, None, np.zeros(0)
    bounds = sorted({0, 10080} | {x for p in people for w in p.availability for x in w})
    edges = np.array(bounds)
    lengths = np.diff(edges).astype(np.float64)

    def cover(group: Sequence[Mentor | Mentee]) -> np.ndarray:
        out = np.zeros((len(group), len(lengths)))
        for i, p in enumerate(group):
            for s, e in p.availability:
                out[i, np.searchsorted(edges, s) : np.searchsorted(edges, e)] = 1
        return out

    return cover(mentors), cover(mentees), lengths


def _external_scores(
    mentors: Sequence[Mentor],
    mentees: Sequence[Mentee],
    table: Mapping[tuple[str, str], tuple[float, float]],
) -> _Scores:
    out = _Scores(len(mentees))
    e_index = {e.id: i for i, e in enumerate(mentees)}
    m_index = {m.id: j for j, m in enumerate(mentors)}
    rows: dict[int, list[tuple[float, int, float]]] = {}
    for (mentee_id, mentor_id), (score, mentor_score) in sorted(table.items()):
        if mentee_id in e_index and mentor_id in m_index:
            i, j = e_index[mentee_id], m_index[mentor_id]
            rows.setdefault(i, []).append((float(score), j, float(mentor_score)))
            out.components[(i, j)] = MappingProxyType({"external": float(score)})
    for i in range(len(mentees)):
        got = sorted(rows.get(i, []), key=lambda r: (-r[0], r[1]))
        out.mentors[i] = np.array([r[1] for r in got], dtype=np.int64)
        out.score[i] = np.array([r[0] for r in got])
        out.mentor_score[i] = np.array([r[2] for r in got])
        if not got:
            out.reason[i] = "no_scored_mentor"
    if len(mentees) * len(mentors) <= DENSE_LIMIT:
        s = np.full((len(mentees), len(mentors)), -np.inf)
        ms = np.full_like(s, -np.inf)
        for i, got in rows.items():
            for score, j, mscore in got:
                s[i, j], ms[i, j] = score, mscore
        out.dense = (s, ms)
    return out


# ---------------------------------------------------------------- solvers
def _optimal(scores: _Scores, capacity: np.ndarray, *, worst_first: bool) -> list[int | None]:
    n_e = len(scores.mentors)
    threshold = -np.inf
    count_first = False
    if worst_first:
        threshold = _best_threshold(scores, capacity)
        count_first = True
    return _min_cost_flow(scores, capacity, threshold, count_first=count_first) if n_e else []


def _flow_arcs(scores: _Scores, threshold: float) -> tuple[list[int], list[int], list[float]]:
    tails: list[int] = []
    heads: list[int] = []
    values: list[float] = []
    for i, (cols, vals) in enumerate(zip(scores.mentors, scores.score, strict=False)):
        for c, v in zip(cols.tolist(), vals.tolist(), strict=False):
            if v >= threshold:
                tails.append(i)
                heads.append(c)
                values.append(v)
    return tails, heads, values


def _max_assigned(scores: _Scores, capacity: np.ndarray, threshold: float) -> int:
    n_e, n_m = len(scores.mentors), len(capacity)
    tails, heads, _ = _flow_arcs(scores, threshold)
    flow = max_flow.SimpleMaxFlow()
    source, sink = n_e + n_m, n_e + n_m + 1
    for i in range(n_e):
        flow.add_arc_with_capacity(source, i, 1)
    for t, h in zip(tails, heads, strict=False):
        flow.add_arc_with_capacity(t, n_e + h, 1)
    for j in range(n_m):
        flow.add_arc_with_capacity(n_e + j, sink, int(capacity[j]))
    flow.solve(source, sink)
    return int(flow.optimal_flow())


def _best_threshold(scores: _Scores, capacity: np.ndarray) -> float:
    """Largest t such that as many mentees are assigned using only pairs scoring >= t."""
    target = _max_assigned(scores, capacity, -np.inf)
    values = np.unique(np.concatenate([s for s in scores.score if len(s)] or [np.zeros(0)]))
    lo, hi = 0, len(values) - 1
    best = -np.inf
    while lo <= hi:
        mid = (lo + hi) // 2
        if _max_assigned(scores, capacity, float(values[mid])) == target:
            best = float(values[mid])
            lo = mid + 1
        else:
            hi = mid - 1
    return best


def _min_cost_flow(
    scores: _Scores, capacity: np.ndarray, threshold: float, *, count_first: bool
) -> list[int | None]:
    """Maximum total score (ties: more assigned); or, with count_first, most assigned first."""
    n_e, n_m = len(scores.mentors), len(capacity)
    tails, heads, values = _flow_arcs(scores, threshold)
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = n_e + n_m, n_e + n_m + 1
    big = (n_e + 1) * SCALE * 2 if count_first else 0
    for i in range(n_e):
        flow.add_arc_with_capacity_and_unit_cost(source, i, 1, 0)
        flow.add_arc_with_capacity_and_unit_cost(i, sink, 1, 0)  # stay unassigned
    costs = -(np.rint(np.array(values) * SCALE).astype(np.int64) * (n_e + 1) + 1 + big)
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int64),
        np.array(heads, dtype=np.int64) + n_e,
        np.ones(len(tails), dtype=np.int64),
        costs.astype(np.int64),
    )
    for j in range(n_m):
        flow.add_arc_with_capacity_and_unit_cost(n_e + j, sink, int(capacity[j]), 0)
    flow.set_node_supply(source, n_e)
    flow.set_node_supply(sink, -n_e)
    status = flow.solve()
    if status != flow.OPTIMAL:  # pragma: no cover - the unassigned arcs keep it feasible
        raise RuntimeError(f"min cost flow failed: {status}")
    result: list[int | None] = [None] * n_e
    flows = flow.flows(arcs) if len(tails) else np.zeros(0)
    for k in np.nonzero(np.asarray(flows) > 0)[0].tolist():
        result[tails[k]] = heads[k]
    return result


def _stable(scores: _Scores, capacity: np.ndarray) -> list[int | None]:
    """Mentee-proposing deferred acceptance with capacities (ties: lower index first)."""
    n_e = len(scores.mentors)
    cap = capacity.tolist()
    held: list[list[tuple[float, int]]] = [[] for _ in capacity]  # min-heap: worst on top
    nxt = [0] * n_e
    current: list[int | None] = [None] * n_e
    free = list(range(n_e - 1, -1, -1))
    while free:
        i = free.pop()
        prefs = scores.mentors[i]
        ranks = scores.mentor_score[i]
        while nxt[i] < len(prefs):
            p = nxt[i]
            m = int(prefs[p])
            nxt[i] += 1
            if cap[m] <= 0:
                continue
            entry = (float(ranks[p]), -i)
            if len(held[m]) < cap[m]:
                heapq.heappush(held[m], entry)
                current[i] = m
                break
            if entry > held[m][0]:
                _, loser = heapq.heapreplace(held[m], entry)
                current[i] = m
                current[-loser] = None
                free.append(-loser)
                break
        # exhausted list: stays unassigned
    return current


def blocking_pairs(scores: _Scores, capacity: np.ndarray, result: Sequence[int | None]) -> int:
    """Acceptable (mentee, mentor) pairs who both prefer each other to what they have."""
    if scores.dense is not None:
        return _blocking_dense(scores.dense, capacity, result)
    n_m = len(capacity)
    load = np.zeros(n_m, dtype=np.int64)
    worst: list[tuple[float, int] | None] = [None] * n_m
    pos: dict[tuple[int, int], int] = {}
    for i, m in enumerate(result):
        if m is None:
            continue
        load[m] += 1
        ms = float(scores.mentor_score[i][_position(scores, pos, i, m)])
        key = (ms, -i)
        if worst[m] is None or key < worst[m]:  # type: ignore[operator]
            worst[m] = key
    count = 0
    for i, m_now in enumerate(result):
        cols = scores.mentors[i]
        limit = len(cols) if m_now is None else _position(scores, pos, i, m_now)
        for p in range(limit):
            m = int(cols[p])
            if capacity[m] <= 0:
                continue
            if load[m] < capacity[m] or (float(scores.mentor_score[i][p]), -i) > worst[m]:  # type: ignore[operator]
                count += 1
    return count


def _blocking_dense(
    dense: tuple[np.ndarray, np.ndarray], capacity: np.ndarray, result: Sequence[int | None]
) -> int:
    score, mentor_score = dense
    n_e, n_m = score.shape
    if n_e == 0 or n_m == 0:
        return 0
    rows = np.arange(n_e)
    cur = np.array([-1 if m is None else m for m in result], dtype=np.int64)
    has = cur >= 0
    cur_score = np.where(has, score[rows, np.maximum(cur, 0)], -np.inf)
    cols = np.arange(n_m)
    acceptable = np.isfinite(score) & (capacity[None, :] > 0)
    better = (score > cur_score[:, None]) | (
        (score == cur_score[:, None]) & has[:, None] & (cols[None, :] < cur[:, None])
    )
    better &= ~(cols[None, :] == cur[:, None])
    load = np.bincount(cur[has], minlength=n_m)
    held_ms = np.where(has, mentor_score[rows, np.maximum(cur, 0)], np.inf)
    worst_ms = np.full(n_m, np.inf)
    worst_idx = np.full(n_m, -1)
    for i in np.nonzero(has)[0].tolist():  # (mentor_score, -index): smallest is worst
        m = int(cur[i])
        if held_ms[i] < worst_ms[m] or (held_ms[i] == worst_ms[m] and i > worst_idx[m]):
            worst_ms[m], worst_idx[m] = held_ms[i], i
    room = load < capacity
    wants = (
        room[None, :]
        | (mentor_score > worst_ms[None, :])
        | ((mentor_score == worst_ms[None, :]) & (rows[:, None] < worst_idx[None, :]))
    )
    return int((acceptable & better & wants).sum())


def _position(scores: _Scores, cache: dict[tuple[int, int], int], i: int, m: int) -> int:
    key = (i, m)
    if key not in cache:
        cache[key] = int(np.nonzero(scores.mentors[i] == m)[0][0])
    return cache[key]


def assign_mentors(
    mentors: Sequence[Mentor],
    mentees: Sequence[Mentee],
    options: MentorOptions = MentorOptions(),  # noqa: B008 - frozen dataclass
) -> AssignmentResult:
    """Assign mentees to mentors within capacities; one :class:`Assignment` per mentee."""
    started = time.perf_counter()
    mentors = sorted(mentors, key=lambda m: m.id)
    mentees = sorted(mentees, key=lambda e: e.id)
    for label, people in (("mentor", mentors), ("mentee", mentees)):
        ids = [p.id for p in people]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate {label} id")
    if any(m.capacity < 0 for m in mentors):
        raise ValueError("mentor capacity must be >= 0")
    capacity = np.array([m.capacity for m in mentors], dtype=np.int64)
    if options.scores is not None:
        scores = _external_scores(mentors, mentees, options.scores)
    else:
        scores = _builtin_scores(mentors, mentees, options)
    if options.method == "stable":
        result = _stable(scores, capacity)
    else:
        result = _optimal(scores, capacity, worst_first=options.maximize_worst_first)
        if _widen_unassigned(scores, capacity, result):
            result = _optimal(scores, capacity, worst_first=options.maximize_worst_first)
    assignments = _assignments(mentors, mentees, scores, capacity, result)
    metrics = _metrics(mentors, mentees, scores, capacity, result, assignments, options)
    seconds = time.perf_counter() - started
    metrics["seconds"] = round(seconds, 4)
    return AssignmentResult(tuple(assignments), MappingProxyType(metrics), seconds)


def _widen_unassigned(scores: _Scores, capacity: np.ndarray, result: Sequence[int | None]) -> bool:
    """Candidate lists are each mentee's K best; if a mentee is left out while some mentor
    still has room, add the mentors with room to the left-out mentees' lists and solve again."""
    used = np.bincount([m for m in result if m is not None], minlength=len(capacity))
    spare = np.nonzero(used < capacity)[0]
    if not len(spare):
        return False
    grown = False
    for i, m in enumerate(result):
        if m is None:
            grown |= scores.widen(i, spare)
    return grown


def _assignments(
    mentors: Sequence[Mentor],
    mentees: Sequence[Mentee],
    scores: _Scores,
    capacity: np.ndarray,
    result: Sequence[int | None],
) -> list[Assignment]:
    out: list[Assignment] = []
    for i, (mentee, m) in enumerate(zip(mentees, result, strict=False)):
        if m is not None:
            p = int(np.nonzero(scores.mentors[i] == m)[0][0])
            comp = scores.components.get((i, m)) or MappingProxyType(
                {k: round(float(v[p]), 6) for k, v in scores.parts[i].items()}
            )
            out.append(Assignment(mentee.id, mentors[m].id, float(scores.score[i][p]), comp, ""))
            continue
        reason = scores.reason.get(i)
        if reason is None:
            if len(scores.mentors[i]) and float(scores.score[i][0]) < 0:
                reason, detail = "no_positive_score", "every allowed mentor scores below zero"
            else:
                reason = "no_capacity"
                detail = (
                    f"{len(scores.mentors[i])} suitable "
                    f"mentor{'' if len(scores.mentors[i]) == 1 else 's'}, all places taken by "
                    "better-scoring or earlier-preferred mentees"
                )
        elif reason == "no_shared_language":
            detail = "no mentor shares a language" if len(capacity) else "no mentors"
        else:
            detail = "no mentor listed for this mentee in the scores"
        out.append(Assignment(mentee.id, None, 0.0, MappingProxyType({}), reason, detail))
    return out


def _metrics(
    mentors: Sequence[Mentor],
    mentees: Sequence[Mentee],
    scores: _Scores,
    capacity: np.ndarray,
    result: Sequence[int | None],
    assignments: Sequence[Assignment],
    options: MentorOptions,
) -> dict[str, object]:
    got = np.array([a.score for a in assignments if a.mentor_id is not None])
    used = np.bincount([m for m in result if m is not None], minlength=len(mentors))
    metrics: dict[str, object] = {
        "method": options.method,
        "mentees": len(mentees),
        "mentors": len(mentors),
        "assigned": len(got),
        "unassigned": len(mentees) - len(got),
        "total_score": round(float(got.sum()), 6) if len(got) else 0.0,
        "mean_score": round(float(got.mean()), 6) if len(got) else 0.0,
        "min_score": round(float(got.min()), 6) if len(got) else 0.0,
        "p05_score": round(float(np.percentile(got, 5)), 6) if len(got) else 0.0,
        "p10_score": round(float(np.percentile(got, 10)), 6) if len(got) else 0.0,
        "capacity_total": int(capacity.sum()),
        "capacity_used": int(used.sum()) if len(used) else 0,
        "idle_mentors": int(((used == 0) & (capacity > 0)).sum()) if len(used) else 0,
        "blocking_pairs": blocking_pairs(scores, capacity, result),
        "maximize_worst_first": options.maximize_worst_first,
        "seed": options.seed,
    }
    reasons: dict[str, int] = {}
    for a in assignments:
        if a.reason:
            reasons[a.reason] = reasons.get(a.reason, 0) + 1
    metrics["unassigned_reasons"] = dict(sorted(reasons.items()))
    return metrics
