"""Pair and group scoring for group formation: hard rules, soft components, history.

One :class:`Problem` is built per call of ``form_groups``.  Members are indexed in id order,
so every later step is independent of the caller's row order.  The same numbers come out of
the vectorised :meth:`Problem.pair_matrix` (used by the solvers) and the scalar
:meth:`Problem.pair_components` (used for explanations and local search).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

import numpy as np

from .availability import WEEK_MINUTES
from .availability import common_windows
from .availability import longest_window
from .history import concat_arrays
from .history import group_pairs_arrays
from .history import history_arrays
from .types import GroupOptions
from .types import Member
from .types import PastGroup

REPEAT_BASE = 50.0  # every earlier meeting costs at least this: more than all bonuses together
REPEAT_RECENT = 50.0  # plus this, decaying with age
REPEAT_DECAY = 0.7
W_TEAM = 10.0
W_FAIR = 2.0
OVERLAP_CAP_HOURS = 10.0
INTEREST_CAP = 3
STRATEGY_WEIGHTS: dict[str, dict[str, float]] = {
    "strangers": {"familiar": 4.0, "overlap": 2.0, "interests": 1.0, "jitter": 1.0},
    "familiar": {"familiar": 8.0, "overlap": 2.0, "interests": 2.0, "jitter": 1.0},
    "random": {"familiar": 0.0, "overlap": 0.0, "interests": 0.0, "jitter": 20.0},
}
FULL_MATRIX_LIMIT = 3000  # members: up to this the all-members pair matrix is kept
COMPONENTS = ("novelty", "team", "familiar", "overlap", "interests", "jitter")
_MASK = (1 << 64) - 1
# the codes of :meth:`Problem.infeasible_codes`, in the order a later rule overrides an earlier
REASON_CODES = ("", "no_common_availability", "no_shared_language", "do_not_pair", "self")
_NO_TIME, _NO_LANGUAGE, _DO_NOT_PAIR, _SELF = 1, 2, 3, 4


def _mix_int(x: int) -> int:
    """splitmix64 finaliser on Python ints (matches :func:`_mix_array`)."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def _mix_array(x: np.ndarray) -> np.ndarray:
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def member_key(seed: int, round_no: int, member_id: str) -> int:
    digest = hashlib.blake2b(f"{seed}\x00{round_no}\x00{member_id}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "little")


def member_keys(seed: int, round_no: int, member_ids: Sequence[str]) -> list[int]:
    """:func:`member_key` of each id (the common prefix encoded once)."""
    prefix = f"{seed}\x00{round_no}\x00".encode()
    blake2b, from_bytes = hashlib.blake2b, int.from_bytes
    return [
        from_bytes(blake2b(prefix + mid.encode(), digest_size=8).digest(), "little")
        for mid in member_ids
    ]


def repeat_penalty(age: int) -> float:
    """Cost of one earlier meeting ``age`` rounds ago (age >= 1)."""
    return REPEAT_BASE + REPEAT_RECENT * REPEAT_DECAY ** max(age - 1, 0)


def _indicator_matrix(sets: Sequence[frozenset[str]]) -> np.ndarray:
    """One row per member, one column per word used by anybody (sorted): 1.0 where the
    member's set holds the word (at least one column, all zero when nobody has any)."""
    vocab = sorted(set().union(*sets)) if sets else []
    code = {word: c for c, word in enumerate(vocab)}
    out = np.zeros((len(sets), max(len(vocab), 1)), dtype=np.float32)
    for i, words in enumerate(sets):
        for word in words:
            out[i, code[word]] = 1.0
    return out


_NOBODY: frozenset[int] = frozenset()


def _symmetric(
    n: int, index: dict[str, int], named: Sequence[frozenset[str]]
) -> list[AbstractSet[int]]:
    """``out[i]``: the members ``i`` names or who name ``i`` (ids not among the members and
    ``i`` itself are ignored)."""
    found: dict[int, set[int]] = {}
    for i, names in enumerate(named):
        if not names:
            continue
        for other in sorted(names):
            j = index.get(other)
            if j is not None and j != i:
                found.setdefault(i, set()).add(j)
                found.setdefault(j, set()).add(i)
    out: list[AbstractSet[int]] = [_NOBODY] * n
    for i, both in found.items():
        out[i] = both
    return out


class HistoryIndex:
    """Earlier meetings within the window, by member index pair (i < j).

    ``keys`` holds ``i * n + j`` sorted, ``totals`` the summed repeat penalty of each pair.
    """

    SMALL = 50_000  # up to this many pairs scalar look-ups go through a dict

    def __init__(
        self,
        n: int,
        keys: np.ndarray,
        totals: np.ndarray,
        last_round: int,
        bigger: np.ndarray,
        smaller: np.ndarray,
    ) -> None:
        self.n = n
        self.keys = keys
        self.totals = totals
        self.last_round = last_round
        self.bigger = bigger  # times each member was in a group larger than k
        self.smaller = smaller  # times each member was in a group smaller than k
        self._penalty: dict[tuple[int, int], float] | None = None
        if len(keys) <= self.SMALL:
            self._penalty = self.penalty

    @property
    def penalty(self) -> dict[tuple[int, int], float]:
        """``{(i, j): penalty}`` (built on first use)."""
        if self._penalty is None:
            a, b = np.divmod(self.keys, max(self.n, 1))
            self._penalty = dict(
                zip(zip(a.tolist(), b.tolist(), strict=True), self.totals.tolist(), strict=True)
            )
        return self._penalty

    def __len__(self) -> int:
        return len(self.keys)

    def cost(self, i: int, j: int) -> float:
        a, b = (i, j) if i < j else (j, i)
        if self._penalty is not None:
            return self._penalty.get((a, b), 0.0)
        key = a * self.n + b
        pos = int(np.searchsorted(self.keys, key))
        if pos < len(self.keys) and int(self.keys[pos]) == key:
            return float(self.totals[pos])
        return 0.0

    def met(self, i: int, j: int) -> bool:
        if self._penalty is not None:
            return ((i, j) if i < j else (j, i)) in self._penalty
        return self.cost(i, j) != 0.0  # every meeting costs at least REPEAT_BASE

    def costs(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`cost` (0.0 for pairs that never met)."""
        out = np.zeros(len(a))
        if not len(self.keys) or not len(a):
            return out
        key = np.minimum(a, b) * self.n + np.maximum(a, b)
        pos = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        hit = self.keys[pos] == key
        out[hit] = self.totals[pos[hit]]
        return out

    def met_pairs(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if not len(self.keys) or not len(a):
            return np.zeros(len(a), dtype=bool)
        key = np.minimum(a, b) * self.n + np.maximum(a, b)
        pos = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        return np.asarray(self.keys[pos] == key)


class Problem:
    """Everything the solvers need about one set of members, indexed in id order."""

    def __init__(
        self,
        members: Sequence[Member],
        history: Sequence[PastGroup],
        options: GroupOptions,
        *,
        round_no: int,
        extra_history: Sequence[PastGroup] = (),
    ) -> None:
        self.options = options
        self.k = options.size
        self.round_no = round_no
        self.members = sorted(members, key=lambda m: m.id)
        self.ids = [m.id for m in self.members]
        self.index = {mid: i for i, mid in enumerate(self.ids)}
        n = self.n = len(self.members)
        self.weights = dict(STRATEGY_WEIGHTS[options.strategy])
        teams = sorted({m.team for m in self.members if m.team})
        team_code = {t: c for c, t in enumerate(teams)}
        self.team = np.array([team_code.get(m.team, -1) for m in self.members], dtype=np.int64)
        self.team_names = teams
        self.langs = [m.languages for m in self.members]
        self.lang_matrix = _indicator_matrix(self.langs)
        self.has_lang = np.array([bool(x) for x in self.langs], dtype=bool)
        self.interests = [m.interests for m in self.members]
        self.interest_matrix = _indicator_matrix(self.interests)
        self.avail = [m.availability for m in self.members]
        self.any_avail = any(self.avail)
        self.has_avail = np.array([bool(a) for a in self.avail], dtype=bool)
        # each member's set, both directions; members who name nobody share one empty set
        self.dnp: list[AbstractSet[int]] = _symmetric(
            n, self.index, [m.do_not_pair for m in self.members]
        )
        self.knows: list[AbstractSet[int]] = _symmetric(
            n, self.index, [m.knows for m in self.members]
        )
        self.any_knows = any(self.knows)
        self.any_dnp = any(self.dnp)
        self.priority = np.array([max(m.priority, 0) for m in self.members], dtype=np.int64)
        self.keys_int = member_keys(options.seed, round_no, self.ids)
        self.keys = np.array(self.keys_int, dtype=np.uint64)
        self.history = self._index_history(history, extra_history)
        self._adjacency: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._slot_cache: dict[tuple[int, ...], bool] = {}
        self._flat_windows: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._alone: np.ndarray | None = None
        self._masks: list[int] | None = None
        self._full_matrix: tuple[np.ndarray, np.ndarray] | None = None
        self._disjoint: bool | None = None
        # fewest repeated pairs of any maximum-cardinality pairing, when the solver found it
        self.fewest_pair_repeats: int | None = None
        self._common_cache: dict[tuple[int, ...], tuple[tuple[int, int], ...]] = {}
        self._alone_time = np.zeros(0, dtype=bool)
        self.has_rules = bool(
            any(self.dnp)
            or self.has_lang.any()
            or options.min_slot_minutes > 0
            or (options.min_overlap_hours > 0 and self.any_avail)
        )

    # ----------------------------------------------------------------- history
    def _index_history(self, *histories: Sequence[PastGroup]) -> HistoryIndex:
        n, k = self.n, self.k
        window = self.options.history_window
        oldest = self.round_no - window if window else None
        bigger = np.zeros(n, dtype=np.int64)
        smaller = np.zeros(n, dtype=np.int64)
        parts = [history_arrays(h, self.index) for h in histories if len(h)]
        if not parts:
            return HistoryIndex(n, np.zeros(0, np.int64), np.zeros(0), 0, bigger, smaller)
        arrays = concat_arrays(parts)
        rounds = arrays.rounds
        last = max(int(rounds.max()), 0) if len(rounds) else 0
        inside = rounds < self.round_no
        if oldest is not None:
            inside &= rounds >= oldest
        selected = np.flatnonzero(inside)
        sizes = arrays.sizes
        for target, mask in ((bigger, sizes[selected] > k), (smaller, sizes[selected] < k)):
            groups = selected[mask]
            if not len(groups):
                continue
            counts = arrays.offsets[groups + 1] - arrays.offsets[groups]
            rows = np.repeat(arrays.offsets[groups] - np.cumsum(counts) + counts, counts)
            rows += np.arange(int(counts.sum()))
            owner = np.repeat(groups, counts)
            member = arrays.members[rows]
            known = member >= 0
            # a member listed twice in one group counts once (as ``bigger[idx] += 1`` did)
            pairs = np.unique(owner[known] * max(n, 1) + member[known]) % max(n, 1)
            target += np.bincount(pairs, minlength=n)
        low, high, owner = group_pairs_arrays(arrays, selected)
        if not len(low):
            return HistoryIndex(n, np.zeros(0, np.int64), np.zeros(0), last, bigger, smaller)
        age = self.round_no - rounds[owner]
        cost = REPEAT_BASE + REPEAT_RECENT * REPEAT_DECAY ** np.maximum(age - 1, 0)
        keys = low * n + high
        unique, inverse = np.unique(keys, return_inverse=True)
        totals = np.bincount(inverse.ravel(), weights=cost)
        return HistoryIndex(n, unique, totals, last, bigger, smaller)

    def _history_adjacency(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """CSR of the history: ``nbr[indptr[i]:indptr[i + 1]]`` met ``i`` at cost ``pen``."""
        if self._adjacency is None:
            n = max(self.n, 1)
            a, b = np.divmod(self.history.keys, n)
            src = np.concatenate([a, b])
            dst = np.concatenate([b, a])
            pen = np.concatenate([self.history.totals, self.history.totals])
            order = np.argsort(src, kind="stable")
            indptr = np.zeros(self.n + 1, dtype=np.int64)
            np.cumsum(np.bincount(src, minlength=self.n), out=indptr[1:])
            self._adjacency = (indptr, dst[order], pen[order])
        return self._adjacency

    # ------------------------------------------------------------ scalar path
    def pair_infeasible_reason(self, i: int, j: int) -> str:
        """'' when i and j may share a group, else the reason code of the first rule broken."""
        if j in self.dnp[i]:
            return "do_not_pair"
        if self.langs[i] and self.langs[j] and not (self.langs[i] & self.langs[j]):
            return "no_shared_language"
        if not self._availability_ok((self.avail[i], self.avail[j])):
            return "no_common_availability"
        return ""

    def _availability_ok(self, avails: Sequence[tuple[tuple[int, int], ...]]) -> bool:
        opts = self.options
        if not (opts.min_overlap_hours > 0 or opts.min_slot_minutes > 0):
            return True
        return self._common_ok(common_windows(*avails))

    def _common_ok(self, common: tuple[tuple[int, int], ...]) -> bool:
        opts = self.options
        if not (opts.min_overlap_hours > 0 or opts.min_slot_minutes > 0):
            return True
        minutes = sum(e - s for s, e in common)
        if minutes + 1e-9 < opts.min_overlap_hours * 60:
            return False
        return not (opts.min_slot_minutes > 0 and longest_window(common) < opts.min_slot_minutes)

    def alone(self) -> np.ndarray:
        """Members who cannot share a group with anybody, by a rule about themselves alone:
        stated availability shorter than the required overlap (or slot), or languages nobody
        else speaks (while everybody else states languages).  Cached."""
        if self._alone is None:
            self._alone_time = self._alone_by_time()
            self._alone = self._alone_time | self._alone_by_language()
        return self._alone

    def _alone_by_time(self) -> np.ndarray:
        opts = self.options
        out = np.zeros(self.n, dtype=bool)
        if self.any_avail and (opts.min_overlap_hours > 0 or opts.min_slot_minutes > 0):
            ptr, starts, ends = self._windows()
            owner = np.repeat(np.arange(self.n), np.diff(ptr))
            minutes = np.bincount(owner, weights=ends - starts, minlength=self.n)
            short = minutes + 1e-9 < opts.min_overlap_hours * 60
            if opts.min_slot_minutes > 0:
                short |= np.array([longest_window(a) for a in self.avail]) < opts.min_slot_minutes
            out |= self.has_avail & short
        return out

    def _alone_by_language(self) -> np.ndarray:
        if not (self.n and self.has_lang.all()):
            return np.zeros(self.n, dtype=bool)
        speakers = self.lang_matrix.sum(axis=0)
        return np.asarray((self.lang_matrix * speakers).max(axis=1) <= 1)

    def infeasible_reasons(self, x: int) -> np.ndarray:
        """:meth:`pair_infeasible_reason` of ``x`` with every member, as an array of codes
        (``''`` when feasible; ``x`` itself is ``'self'``).  Vectorised over the members."""
        return np.array(REASON_CODES, dtype=object)[self.infeasible_codes(x)]

    def infeasible_codes(self, x: int) -> np.ndarray:
        """:meth:`infeasible_reasons` as small integers (indices into :data:`REASON_CODES`,
        0 when feasible): cheap to compare and to count with ``np.bincount``."""
        n = self.n
        out = np.zeros(n, dtype=np.int8)
        opts = self.options
        if opts.min_overlap_hours > 0 or opts.min_slot_minutes > 0:
            self.alone()
            if self._alone_time[x]:
                out[:] = _NO_TIME
            else:
                minutes = self._overlap_row(x)
                bad = minutes + 1e-9 < opts.min_overlap_hours * 60
                if opts.min_slot_minutes > 0:
                    for j in np.flatnonzero(~bad).tolist():
                        bad[j] = not self._availability_ok((self.avail[x], self.avail[j]))
                out[bad] = _NO_TIME
        if self.langs[x]:
            lm = self.lang_matrix
            clash = ((lm @ lm[x]) == 0) & self.has_lang
            out[clash] = _NO_LANGUAGE
        if self.dnp[x]:
            out[sorted(self.dnp[x])] = _DO_NOT_PAIR
        out[x] = _SELF
        return out

    def _overlap_row(self, x: int) -> np.ndarray:
        """Weekly overlap minutes of ``x`` with every member (exact, vectorised)."""
        ptr, starts, ends = self._windows()
        own = list(self.avail[x])
        counts = np.diff(ptr)
        if not own:  # no constraint: the other member's availability (or the whole week)
            owner = np.repeat(np.arange(self.n), counts)
            minutes = np.bincount(owner, weights=ends - starts, minlength=self.n)
            minutes[counts == 0] = WEEK_MINUTES
            return minutes
        shared = np.zeros(len(starts))
        for s, e in own:
            shared += np.clip(np.minimum(ends, e) - np.maximum(starts, s), 0, None)
        owner = np.repeat(np.arange(self.n), counts)
        minutes = np.bincount(owner, weights=shared, minlength=self.n)
        minutes[counts == 0] = sum(e - s for s, e in own)
        return minutes

    def group_violations(self, group: Sequence[int]) -> list[str]:
        """Reason codes of the hard rules a group breaks (empty list = valid)."""
        out: list[str] = []
        if not self.has_rules:
            return out
        members = sorted(group)
        for pos, i in enumerate(members):
            if any(j in self.dnp[i] for j in members[pos + 1 :]):
                out.append("do_not_pair")
                break
        with_lang = [self.langs[i] for i in members if self.langs[i]]
        if len(with_lang) > 1 and not frozenset.intersection(*with_lang):
            out.append("no_shared_language")
        opts = self.options
        if opts.min_slot_minutes > 0:
            if not self._common_ok(self.common(members)):
                out.append("no_common_availability")
        elif opts.min_overlap_hours > 0:
            masks = self._minute_masks()
            shared = masks[members[0]]
            for i in members[1:]:
                shared &= masks[i]
            if shared.bit_count() + 1e-9 < opts.min_overlap_hours * 60:
                out.append("no_common_availability")
        return out

    def pair_violations(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether each pair ``(a[t], b[t])`` breaks a hard rule: :meth:`group_violations` of
        every pair at once (the min-slot rule, which needs contiguous windows, and windows that
        overlap within one member are checked pair by pair)."""
        out = np.zeros(len(a), dtype=bool)
        if not self.has_rules or not len(a):
            return out
        opts = self.options
        if opts.min_slot_minutes > 0 or not self.windows_disjoint():
            return np.array(
                [
                    bool(self.group_violations((x, y)))
                    for x, y in zip(a.tolist(), b.tolist(), strict=True)
                ],
                dtype=bool,
            )
        if self.any_dnp:
            dnp = self.dnp
            out |= np.array(
                [y in dnp[x] for x, y in zip(a.tolist(), b.tolist(), strict=True)], dtype=bool
            )
        both = np.flatnonzero(self.has_lang[a] & self.has_lang[b])
        if len(both):
            langs = self.langs
            out[both] |= np.array(
                [
                    not (langs[x] & langs[y])
                    for x, y in zip(a[both].tolist(), b[both].tolist(), strict=True)
                ],
                dtype=bool,
            )
        if opts.min_overlap_hours > 0:
            out |= self.pair_overlap_minutes(a, b) + 1e-9 < opts.min_overlap_hours * 60
        return out

    def windows_disjoint(self) -> bool:
        """Every member's windows sorted, disjoint and inside the week (as :func:`normalize`
        returns them), so that summed pairwise overlaps are the minutes of the common windows."""
        if self._disjoint is None:
            ptr, starts, ends = self._windows()
            ok = bool(
                (starts >= 0).all() and (ends <= WEEK_MINUTES).all() and (ends > starts).all()
            )
            if ok and len(starts) > 1:
                first = np.zeros(len(starts), dtype=bool)
                first[ptr[:-1][np.diff(ptr) > 0]] = True
                ok = bool((starts[1:] >= ends[:-1])[~first[1:]].all())
            self._disjoint = ok
        return self._disjoint

    def _minute_masks(self) -> list[int]:
        """Each member's week as a 10,080-bit integer (bit m: free at minute m), so that the
        shared minutes of a group are one ``&`` per member and a popcount; no stated
        availability is every bit."""
        if self._masks is None:
            week = (1 << WEEK_MINUTES) - 1
            masks = []
            for av in self.avail:
                if not av:
                    masks.append(week)
                    continue
                mask = 0
                for s, e in av:
                    mask |= ((1 << (e - s)) - 1) << s
                masks.append(mask)
            self._masks = masks
        return self._masks

    def group_ok(self, group: Sequence[int]) -> bool:
        key = tuple(sorted(group))
        cached = self._slot_cache.get(key)
        if cached is None:
            cached = not self.group_violations(key)
            if len(self._slot_cache) < 2_000_000:
                self._slot_cache[key] = cached
        return cached

    def jitter(self, i: int, j: int) -> float:
        return (_mix_int((self.keys_int[i] + self.keys_int[j]) & _MASK) >> 11) / float(1 << 53)

    def pair_components(self, i: int, j: int) -> dict[str, float]:
        w = self.weights
        a, b = (i, j) if i < j else (j, i)
        team = 0.0
        ti, tj = int(self.team[i]), int(self.team[j])
        rule = self.options.team_rule
        crossing = ti >= 0 and tj >= 0 and ti != tj
        if (rule == "cross" and crossing) or (rule == "same" and ti >= 0 and ti == tj):
            team = W_TEAM
        knows = j in self.knows[i]
        familiar = 0.0
        if self.options.strategy == "familiar":
            familiar = w["familiar"] * knows
        elif self.options.strategy == "strangers":
            familiar = w["familiar"] * (not knows)
        overlap = 0.0
        if w["overlap"]:
            hours = sum(e - s for s, e in common_windows(self.avail[i], self.avail[j])) / 60
            overlap = w["overlap"] * min(hours, OVERLAP_CAP_HOURS) / OVERLAP_CAP_HOURS
        shared = len(self.interests[i] & self.interests[j])
        return {
            "novelty": -self.history.cost(a, b),
            "team": team,
            "familiar": familiar,
            "overlap": overlap,
            "interests": w["interests"] * min(shared, INTEREST_CAP) / INTEREST_CAP,
            "jitter": w["jitter"] * self.jitter(i, j),
        }

    def fairness(self, group: Sequence[int]) -> float:
        """Penalty for putting people who already had a bigger/smaller group there again."""
        size = len(group)
        if size > self.k:
            return -W_FAIR * float(sum(int(self.history.bigger[i]) for i in group))
        if size < self.k:
            return -W_FAIR * float(sum(int(self.history.smaller[i]) for i in group))
        return 0.0

    # -------------------------------------------------------- vectorised path
    def pair_component_arrays(self, i: np.ndarray, j: np.ndarray) -> dict[str, np.ndarray]:
        """:meth:`pair_components` for the pairs ``(i[t], j[t])``, bit for bit."""
        w, opts = self.weights, self.options
        count = len(i)
        ti, tj = self.team[i], self.team[j]
        if opts.team_rule == "cross":
            hit = (ti >= 0) & (tj >= 0) & (ti != tj)
        elif opts.team_rule == "same":
            hit = (ti >= 0) & (ti == tj)
        else:
            hit = np.zeros(count, dtype=bool)
        team = np.where(hit, W_TEAM, 0.0)
        if any(self.knows):
            knows = np.array(
                [y in self.knows[x] for x, y in zip(i.tolist(), j.tolist(), strict=True)],
                dtype=bool,
            )
        else:
            knows = np.zeros(count, dtype=bool)
        if opts.strategy == "familiar":
            familiar = w["familiar"] * knows
        elif opts.strategy == "strangers":
            familiar = w["familiar"] * ~knows
        else:
            familiar = np.zeros(count)
        overlap = np.zeros(count)
        if w["overlap"]:
            if self.any_avail:
                hours = self.pair_overlap_minutes(i, j) / 60
            else:
                hours = np.full(count, WEEK_MINUTES / 60)
            overlap = w["overlap"] * np.minimum(hours, OVERLAP_CAP_HOURS) / OVERLAP_CAP_HOURS
        if any(self.interests):
            sets = self.interests
            shared = np.array(
                [len(sets[x] & sets[y]) for x, y in zip(i.tolist(), j.tolist(), strict=True)],
                dtype=np.int64,
            )
        else:
            shared = np.zeros(count, dtype=np.int64)
        keys = self.keys
        mixed = _mix_array(keys[i] + keys[j])
        jitter = (mixed >> np.uint64(11)).astype(np.float64) / float(1 << 53)
        return {
            "novelty": -self.history.costs(i, j),
            "team": team,
            "familiar": familiar,
            "overlap": overlap,
            "interests": w["interests"] * np.minimum(shared, INTEREST_CAP) / INTEREST_CAP,
            "jitter": w["jitter"] * jitter,
        }

    def fairness_array(self, members: np.ndarray) -> np.ndarray:
        """:meth:`fairness` of each row of ``members`` (groups of one size)."""
        size = members.shape[1]
        if size > self.k:
            return -W_FAIR * self.history.bigger[members].sum(axis=1).astype(np.float64)
        if size < self.k:
            return -W_FAIR * self.history.smaller[members].sum(axis=1).astype(np.float64)
        return np.zeros(len(members))

    def pair_matrix(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Weights and pair feasibility for the members ``idx`` (sorted index array).

        Returns ``(weight, feasible)``, both ``len(idx) x len(idx)``; the diagonal is infeasible.
        The matrices of all members (one block, then the round's metrics) are kept, read-only.
        """
        whole = len(idx) == self.n and self.n <= FULL_MATRIX_LIMIT
        if whole and self._full_matrix is not None:
            return self._full_matrix
        weight, feasible = self._pair_matrix(idx)
        if whole:
            weight.setflags(write=False)
            feasible.setflags(write=False)
            self._full_matrix = (weight, feasible)
        return weight, feasible

    def _pair_matrix(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        opts, w = self.options, self.weights
        size = len(idx)
        team = self.team[idx]
        has_team = team >= 0
        if opts.team_rule == "cross":
            tmat = (team[:, None] != team[None, :]) & has_team[:, None] & has_team[None, :]
        elif opts.team_rule == "same":
            tmat = (team[:, None] == team[None, :]) & has_team[:, None]
        else:
            tmat = np.zeros((size, size), dtype=bool)
        weight = tmat * W_TEAM
        pos = np.full(self.n, -1, dtype=np.int64)
        pos[idx] = np.arange(size)
        knows = np.zeros((size, size), dtype=bool)
        dnp = np.zeros((size, size), dtype=bool)
        if self.any_knows or self.any_dnp:
            for p, i in enumerate(idx.tolist()):
                for j in self.knows[i]:
                    if pos[j] >= 0:
                        knows[p, pos[j]] = True
                for j in self.dnp[i]:
                    if pos[j] >= 0:
                        dnp[p, pos[j]] = True
        # in-place and scalar forms below add exactly the same numbers as the matrix forms
        if opts.strategy == "familiar":
            if self.any_knows:
                weight += w["familiar"] * knows
        elif opts.strategy == "strangers":
            if self.any_knows:
                weight += w["familiar"] * (~knows)
            else:
                weight += w["familiar"]
        if len(self.history):
            indptr, nbr, hist_pen = self._history_adjacency()
            starts = indptr[idx]
            counts = indptr[idx + 1] - starts
            total = int(counts.sum())
            if total:
                flat = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
                rows = np.repeat(np.arange(size), counts)
                cols = pos[nbr[flat]]
                sel = cols >= 0
                # both directions are stored, so this is pen + pen.T of the pairs i < j
                weight[rows[sel], cols[sel]] -= hist_pen[flat[sel]]
        feasible = ~dnp
        if self.has_lang[idx].any():
            lm = self.lang_matrix[idx]
            shared = (lm @ lm.T) > 0
            has = self.has_lang[idx]
            feasible &= shared | ~has[:, None] | ~has[None, :]
        need_overlap = w["overlap"] or opts.min_overlap_hours > 0
        if need_overlap and not self.has_avail[idx].any():
            week = WEEK_MINUTES / 60.0  # nobody states availability: always the whole week
            if w["overlap"]:
                weight += w["overlap"] * min(week, OVERLAP_CAP_HOURS) / OVERLAP_CAP_HOURS
            if (
                opts.min_overlap_hours > 0
                and not opts.min_overlap_hours * 60 <= WEEK_MINUTES + 1e-9
            ):
                feasible[:] = False
        elif need_overlap:
            minutes = self.overlap_matrix(idx)
            if w["overlap"]:
                hours = np.minimum(minutes / 60.0, OVERLAP_CAP_HOURS)
                weight += w["overlap"] * hours / OVERLAP_CAP_HOURS
            if opts.min_overlap_hours > 0:
                feasible &= minutes + 1e-9 >= opts.min_overlap_hours * 60
        if w["interests"] and self.interest_matrix.shape[1] and self.interest_matrix[idx].any():
            im = self.interest_matrix[idx]
            shared_i = np.minimum(im @ im.T, INTEREST_CAP)
            weight += w["interests"] * shared_i / INTEREST_CAP
        keys = self.keys[idx]
        mixed = _mix_array(keys[:, None] + keys[None, :])
        jitter = (mixed >> np.uint64(11)).astype(np.float64) / float(1 << 53)
        weight += w["jitter"] * jitter
        np.fill_diagonal(feasible, False)
        return weight, feasible

    def common(self, group: Sequence[int]) -> tuple[tuple[int, int], ...]:
        """:func:`common_windows` of a group's members, memoised (explanations, metrics and
        the rule checks all ask for the same groups)."""
        key = tuple(sorted(group))
        got = self._common_cache.get(key)
        if got is None:
            got = common_windows(*(self.avail[i] for i in key))
            if len(self._common_cache) < 2_000_000:
                self._common_cache[key] = got
        return got

    def pair_overlap_minutes(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Weekly overlap minutes of the pairs ``(i[t], j[t])`` (exact; vectorised)."""
        ptr, starts, ends = self._windows()
        ci, cj = ptr[i + 1] - ptr[i], ptr[j + 1] - ptr[j]
        combos = ci * cj
        total = int(combos.sum())
        owner = np.repeat(np.arange(len(i)), combos)
        step = np.arange(total) - np.repeat(np.cumsum(combos) - combos, combos)
        width = np.repeat(cj, combos)
        wa = np.repeat(ptr[i], combos) + step // np.maximum(width, 1)
        wb = np.repeat(ptr[j], combos) + step % np.maximum(width, 1)
        shared = np.minimum(ends[wa], ends[wb]) - np.maximum(starts[wa], starts[wb])
        minutes = np.bincount(owner, weights=np.maximum(shared, 0), minlength=len(i))
        alone = np.bincount(
            np.repeat(np.arange(self.n), np.diff(ptr)), weights=ends - starts, minlength=self.n
        )
        minutes = np.where(ci == 0, alone[j], minutes)
        minutes = np.where(cj == 0, alone[i], minutes)
        return np.where((ci == 0) & (cj == 0), float(WEEK_MINUTES), minutes)

    def _windows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every member's windows as flat arrays: ``start[ptr[i]:ptr[i + 1]]`` and ``end``."""
        if self._flat_windows is None:
            counts = np.array([len(a) for a in self.avail], dtype=np.int64)
            ptr = np.zeros(self.n + 1, dtype=np.int64)
            np.cumsum(counts, out=ptr[1:])
            flat = np.array(
                [x for av in self.avail for win in av for x in win], dtype=np.int64
            ).reshape(-1, 2)
            self._flat_windows = (ptr, flat[:, 0].copy(), flat[:, 1].copy())
        return self._flat_windows

    def overlap_matrix(self, idx: np.ndarray) -> np.ndarray:
        """Exact pairwise weekly overlap minutes via elementary intervals.

        A member's windows are disjoint, so each row of ``cover`` is 0/1 over the elementary
        intervals of the block; the products are whole minutes (< 2**24), exact in float32.
        """
        size = len(idx)
        ptr, starts, ends = self._windows()
        first, counts = ptr[idx], ptr[idx + 1] - ptr[idx]
        total = int(counts.sum())
        if not total:
            return np.full((size, size), float(WEEK_MINUTES))
        rows = np.repeat(np.arange(size), counts)
        flat = np.repeat(first - np.cumsum(counts) + counts, counts) + np.arange(total)
        s, e = starts[flat], ends[flat]
        edges = np.unique(np.concatenate([[0, WEEK_MINUTES], s, e]))
        lengths = np.diff(edges).astype(np.float32)
        steps = np.zeros((size, len(edges)), dtype=np.int32)
        np.add.at(steps, (rows, np.searchsorted(edges, s)), 1)
        np.add.at(steps, (rows, np.searchsorted(edges, e)), -1)
        cover = np.cumsum(steps[:, :-1], axis=1, dtype=np.int32).astype(np.float32)
        cover[counts == 0, :] = 1.0  # no windows: no constraint, available all week
        return ((cover * lengths) @ cover.T).astype(np.float64)

    def slot_ok_pair(self, i: int, j: int) -> bool:
        """The min-slot rule needs contiguous windows: checked exactly, pair by pair."""
        if self.options.min_slot_minutes <= 0:
            return True
        return self.group_ok((i, j))
