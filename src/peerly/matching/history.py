"""History held as arrays: what the CLI reads from large files, and how it is indexed.

:class:`HistoryTable` is a read-only sequence of :class:`~peerly.matching.types.PastGroup`
that stores the groups as arrays (one row per member per group, grouped by group) and only
builds ``PastGroup`` objects when somebody iterates over it.  :func:`history_arrays` turns
any history (a table or plain ``PastGroup`` objects) into the same arrays, so that
:class:`~peerly.matching.scoring.Problem` indexes a million rows with NumPy.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from typing import overload

import numpy as np

from .types import PastGroup


class HistoryTable(Sequence[PastGroup]):
    """Groups ``g``: round ``rounds[g]``, label ``labels[g]`` and the members
    ``ids[members[offsets[g]:offsets[g + 1]]]`` (file order)."""

    def __init__(
        self,
        ids: Sequence[str],
        rounds: np.ndarray,
        labels: Sequence[str],
        offsets: np.ndarray,
        members: np.ndarray,
    ) -> None:
        self.ids = list(ids)
        self.rounds = rounds
        self.labels = list(labels)
        self.offsets = offsets
        self.members = members

    def __len__(self) -> int:
        return len(self.rounds)

    @overload
    def __getitem__(self, item: int) -> PastGroup: ...

    @overload
    def __getitem__(self, item: slice) -> Sequence[PastGroup]: ...

    def __getitem__(self, item: int | slice) -> PastGroup | Sequence[PastGroup]:
        if isinstance(item, slice):
            return [self[i] for i in range(*item.indices(len(self)))]
        g = range(len(self))[item]
        lo, hi = int(self.offsets[g]), int(self.offsets[g + 1])
        ids = self.ids
        return PastGroup(
            round=int(self.rounds[g]),
            member_ids=tuple(sorted(ids[c] for c in self.members[lo:hi].tolist())),
            group=self.labels[g],
        )

    def __iter__(self) -> Iterator[PastGroup]:
        for g in range(len(self)):
            yield self[g]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"HistoryTable({len(self)} groups)"


def last_round(history: Sequence[PastGroup]) -> int:
    """The history's last round (0 when empty)."""
    if isinstance(history, HistoryTable):
        return max(int(history.rounds.max()), 0) if len(history) else 0
    return max((h.round for h in history), default=0)


class HistoryArrays:
    """Per group: round, size (all listed ids); per row: the member's index or -1 (unknown)."""

    def __init__(
        self, rounds: np.ndarray, sizes: np.ndarray, offsets: np.ndarray, members: np.ndarray
    ) -> None:
        self.rounds = rounds
        self.sizes = sizes
        self.offsets = offsets
        self.members = members


def history_arrays(history: Sequence[PastGroup], index: Mapping[str, int]) -> HistoryArrays:
    """The groups of ``history`` in order, members mapped through ``index`` (-1: unknown)."""
    if isinstance(history, HistoryTable):
        remap = np.array([index.get(m, -1) for m in history.ids] or [0], dtype=np.int64)
        members = remap[history.members] if len(history.members) else np.zeros(0, np.int64)
        return HistoryArrays(
            history.rounds.astype(np.int64),
            np.diff(history.offsets).astype(np.int64),
            history.offsets.astype(np.int64),
            members,
        )
    count = len(history)
    rounds = np.fromiter((p.round for p in history), dtype=np.int64, count=count)
    sizes = np.fromiter((len(p.member_ids) for p in history), dtype=np.int64, count=count)
    offsets = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    get = index.get
    members = np.fromiter(
        (get(m, -1) for p in history for m in p.member_ids), dtype=np.int64, count=int(offsets[-1])
    )
    return HistoryArrays(rounds, sizes, offsets, members)


def concat_arrays(parts: Sequence[HistoryArrays]) -> HistoryArrays:
    if len(parts) == 1:
        return parts[0]
    offsets = [np.zeros(1, dtype=np.int64)]
    shift = 0
    for p in parts:
        offsets.append(p.offsets[1:] + shift)
        shift += int(p.offsets[-1])
    return HistoryArrays(
        np.concatenate([p.rounds for p in parts]),
        np.concatenate([p.sizes for p in parts]),
        np.concatenate(offsets),
        np.concatenate([p.members for p in parts]),
    )


def group_pairs_arrays(
    arrays: HistoryArrays, selected: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of known, distinct members inside the ``selected`` groups.

    Returns ``(low, high, group)`` in group order (pairs of one group in row order), so that
    sums over repeated meetings add up in the order of the history.
    """
    offsets, members = arrays.offsets, arrays.members
    # row counts per selected group (sizes include unknown ids, which are dropped below)
    counts = offsets[1:][selected] - offsets[:-1][selected]
    lows: list[np.ndarray] = []
    highs: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    orders: list[np.ndarray] = []
    for s in np.unique(counts).tolist():
        if s < 2:
            continue
        groups = selected[counts == s]
        rows = offsets[groups][:, None] + np.arange(s)[None, :]
        block = members[rows]
        p, q = np.triu_indices(s, 1)
        a, b = block[:, p], block[:, q]
        lows.append(np.minimum(a, b).ravel())
        highs.append(np.maximum(a, b).ravel())
        owners.append(np.repeat(groups, len(p)))
        orders.append(np.tile(np.arange(len(p)), len(groups)))
    if not lows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    low, high = np.concatenate(lows), np.concatenate(highs)
    owner, order = np.concatenate(owners), np.concatenate(orders)
    keep = (low >= 0) & (low != high)
    low, high, owner, order = low[keep], high[keep], owner[keep], order[keep]
    if len(lows) > 1:
        sort = np.lexsort((order, owner))
        low, high, owner = low[sort], high[sort], owner[sort]
    return low, high, owner
