"""CSV/JSON input and output for the ``peerly match`` command.

Every problem with an input file raises :class:`InputError` naming the file, line and column;
outputs are written atomically (temporary file in the same directory + ``os.replace``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import re
import tempfile
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import numpy as np

from peerly.core.csvsafe import safe_row

from .availability import get_zone
from .availability import local_windows_to_utc
from .availability import normalize
from .availability import parse_window
from .availability import shift_window
from .availability import utc_offset_minutes
from .history import HistoryTable
from .types import Availability
from .types import Member
from .types import Mentee
from .types import Mentor
from .types import PastGroup

MAX_BYTES = 512 * 1024 * 1024


class InputError(Exception):
    """Bad input: ``str(err)`` is one line ``file:line:column: message``."""

    def __init__(self, path: str, line: int, column: int, message: str) -> None:
        super().__init__(f"{path}:{line}:{column}: {message}")


@dataclass
class Row:
    line: int
    cells: list[str]
    names: list[str]

    @property
    def values(self) -> dict[str, str]:
        return {n: c for n, c in zip(self.names, self.cells, strict=False) if n}


class Table:
    def __init__(self, path: str, header: list[str], rows: list[Row]) -> None:
        self.path = path
        self.header = header
        self.rows = rows
        self.columns = {name: i + 1 for i, name in enumerate(header)}

    def error(self, row: Row | None, column: str, message: str) -> InputError:
        line = row.line if row is not None else 1
        col = self.columns.get(column, 1)
        return InputError(self.path, line, col, f"{message} (column {column!r})")

    def require(self, *names: str) -> None:
        for name in names:
            if name not in self.columns:
                raise InputError(self.path, 1, 1, f"missing required column {name!r}")

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)


def _read_text(path: str) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(path, 1, 1, f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise InputError(path, 1, 1, "file is too large")
    if b"\x00" in data[:65536]:
        raise InputError(path, 1, 1, "binary file, expected CSV text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, line, 1, "not UTF-8 text, expected CSV") from None


def read_table(path: str, text: str | None = None) -> Table:
    if text is None:
        text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        if not any(header):
            raise InputError(path, 1, 1, "empty file, expected a header row")
        seen: set[str] = set()
        for i, name in enumerate(header):
            if name and name in seen:
                raise InputError(path, 1, i + 1, f"duplicate column {name!r}")
            seen.add(name)
        rows: list[Row] = []
        width = len(header)
        for record in reader:
            cells = list(map(str.strip, record))
            if not any(cells):
                continue
            if len(cells) > width:
                if any(cells[width:]):
                    raise InputError(
                        path, reader.line_num, width + 1, "more fields than header columns"
                    )
                del cells[width:]
            elif len(cells) < width:
                cells.extend([""] * (width - len(cells)))
            rows.append(Row(reader.line_num, cells, header))
    except csv.Error as exc:
        raise InputError(path, reader.line_num, 1, f"malformed CSV: {exc}") from None
    return Table(path, header, rows)


_EMPTY: frozenset[str] = frozenset()


def _split(text: str) -> frozenset[str]:
    if not text:
        return _EMPTY
    return frozenset(p.strip() for p in text.split(";") if p.strip())


def _availability(
    table: Table, row: Row, tz: str, reference: dt.date | None, text: str | None = None
) -> Availability:
    if text is None:
        text = row.values.get("availability", "")
    if not text:
        return ()
    windows = []
    for part in text.split(";"):
        if part.strip():
            try:
                windows.append(parse_window(part))
            except ValueError as exc:
                raise table.error(row, "availability", str(exc)) from None
    return local_windows_to_utc(windows, tz, reference=reference) if windows else ()


def _timezone(
    table: Table, row: Row, text: str | None = None, valid: set[str] | None = None
) -> str:
    if text is None:
        text = row.values.get("timezone", "")
    tz = text or "UTC"
    if valid is not None and tz in valid:
        return tz
    try:
        get_zone(tz)
    except ValueError as exc:
        raise table.error(row, "timezone", str(exc)) from None
    if valid is not None:
        valid.add(tz)
    return tz


def _ids(table: Table, column: str = "id") -> None:
    seen: set[str] = set()
    c = table.columns.get(column)
    for row in table:
        value = row.cells[c - 1] if c is not None else ""
        if not value:
            raise table.error(row, column, "empty id")
        if value in seen:
            raise table.error(row, column, f"duplicate id {value!r}")
        seen.add(value)


def _cell(table: Table, name: str) -> Callable[[Row], str]:
    """Reads one column of a row ('' when the file has no such column)."""
    c = table.columns.get(name)
    if c is None:
        return lambda row: ""
    index = c - 1
    return lambda row: row.cells[index]


def read_members(path: str, *, reference: dt.date | None = None) -> list[Member]:
    table = read_table(path)
    table.require("id")
    _ids(table)
    cell = {
        name: _cell(table, name)
        for name in (
            "id",
            "team",
            "timezone",
            "languages",
            "interests",
            "do_not_pair",
            "knows",
            "availability",
            "priority",
        )
    }
    get_id, get_team, get_tz = cell["id"], cell["team"], cell["timezone"]
    get_langs, get_interests, get_dnp = cell["languages"], cell["interests"], cell["do_not_pair"]
    get_knows, get_avail, get_priority = cell["knows"], cell["availability"], cell["priority"]
    zones: set[str] = set()
    # the same availability text in the same zone converts the same: once; and so does each
    # window of it (a bad cell still fails on its first row, which is always converted)
    converted: dict[tuple[str, str], Availability] = {}
    shifted: dict[tuple[str, str], tuple[int, int]] = {}
    offsets: dict[str, int] = {}
    members = []
    for row in table:
        tz = _timezone(table, row, get_tz(row), zones)
        text = get_avail(row)
        availability = converted.get((tz, text))
        if availability is None:
            offset = offsets.get(tz)
            if offset is None:
                offset = offsets[tz] = utc_offset_minutes(tz, reference)
            pieces = []
            for part in text.split(";"):
                piece = shifted.get((tz, part))
                if piece is None:
                    if not part.strip():
                        continue
                    try:
                        piece = shift_window(parse_window(part), offset)
                    except ValueError as exc:
                        raise table.error(row, "availability", str(exc)) from None
                    shifted[tz, part] = piece
                pieces.append(piece)
            availability = normalize(pieces) if pieces else ()
            converted[tz, text] = availability
        priority_text = get_priority(row) or "0"
        try:
            priority = int(priority_text)
        except ValueError:
            raise table.error(row, "priority", f"not an integer: {priority_text!r}") from None
        members.append(
            Member(
                id=get_id(row),
                team=get_team(row),
                timezone=tz,
                languages=_split(get_langs(row)),
                interests=_split(get_interests(row)),
                do_not_pair=_split(get_dnp(row)),
                knows=_split(get_knows(row)),
                availability=availability,
                priority=priority,
            )
        )
    return members


def _int(table: Table, row: Row, column: str, *, minimum: int = 0) -> int:
    text = row.values.get(column, "")
    try:
        value = int(text)
    except ValueError:
        raise table.error(row, column, f"not an integer: {text!r}") from None
    if value < minimum:
        raise table.error(row, column, f"must be >= {minimum}, got {value}")
    return value


def _float(table: Table, row: Row, column: str) -> float:
    text = row.values.get(column, "")
    try:
        value = float(text)
    except ValueError:
        raise table.error(row, column, f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise table.error(row, column, f"not a finite number: {text!r}")
    return value


def read_history(path: str, known_ids: Iterable[str]) -> Sequence[PastGroup]:
    """The groups of a history file (a :class:`HistoryTable`: arrays, not objects).

    Plain files (no quotes, no blank lines, no spaces around cells) take a vectorised path;
    anything unusual, and every error, goes through the row-by-row reader, so the messages
    (file, line, column) are the same either way.
    """
    text = _read_text(path)
    known = list(known_ids)
    fast = _history_fast(text, known)
    if fast is not None:
        return fast
    return _history_rows(path, text, known)


MAX_FAST_CELL = 64  # bytes; longer ids or labels go through the row reader
_ODD_SPACE = re.compile(r"[^\S\n]")  # whitespace other than a newline: cells would need strip()


def _history_fast(text: str, known: list[str]) -> HistoryTable | None:
    """Vectorised reader; ``None`` when the file is not plain or has any problem."""
    if '"' in text:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    newline = text.find("\n")
    if newline < 0:
        return None
    header = text[:newline].split(",")
    body = text[newline + 1 :]
    if body.endswith("\n"):
        body = body[:-1]
    if not body or body.startswith("\n") or "\n\n" in body or _ODD_SPACE.search(text):
        return None
    if len(set(header)) != len(header) or not all(header):
        return None
    if not {"round", "group", "member_id"} <= set(header):
        return None
    width = len(header)
    if "\x00" in body:
        return None
    raw = np.frombuffer(body.encode(), dtype=np.uint8)
    del body
    # cell t (row-major) ends at the t-th separator; every line must have width - 1 commas
    is_comma = raw == ord(",")
    separator = np.flatnonzero(is_comma | (raw == ord("\n")))
    ends = np.append(separator, len(raw))
    if len(ends) % width or is_comma[separator[width - 1 :: width]].any():
        return None
    if not is_comma[ends[np.arange(len(ends)) % width != width - 1]].all():
        return None
    del is_comma, separator
    starts = np.concatenate([[0], ends[:-1] + 1])
    count = len(ends) // width
    c_round, c_group, c_member = (header.index(c) for c in ("round", "group", "member_id"))

    def column(c: int) -> np.ndarray | None:
        """Column ``c`` as fixed-width byte strings (None: a cell is empty or too long)."""
        lo, hi = starts[c::width], ends[c::width]
        size = hi - lo
        longest = int(size.max())
        if int(size.min()) < 1 or longest > MAX_FAST_CELL:
            return None
        offset = np.arange(longest)
        pick = lo[:, None] + offset[None, :]
        cells = np.where(offset[None, :] < size[:, None], raw[np.minimum(pick, len(raw) - 1)], 0)
        return cells.astype(np.uint8).view(f"S{longest}").ravel()

    round_cells = column(c_round)
    if round_cells is None or round_cells.dtype.itemsize > 9:
        return None
    digits = round_cells.view(np.uint8).reshape(count, -1).astype(np.int64)
    present = digits != 0
    if ((digits < ord("0")) | (digits > ord("9")))[present].any():
        return None
    rounds = np.zeros(count, dtype=np.int64)
    for pos in range(digits.shape[1]):  # digits are left-aligned, NUL-padded
        rounds = np.where(present[:, pos], rounds * 10 + (digits[:, pos] - ord("0")), rounds)
    del digits, present, round_cells
    if int(rounds.min()) < 1:
        return None
    member_cells = column(c_member)
    if member_cells is None:
        return None
    if not known:
        return None
    known_b = np.array([m.encode() for m in known])
    wide = f"S{max(member_cells.dtype.itemsize, known_b.dtype.itemsize)}"
    known_b, member_cells = known_b.astype(wide), member_cells.astype(wide)
    if known_b.dtype.itemsize <= 8:  # compare ids as integers: much faster than bytes
        known_b = known_b.astype("S8").view("<u8")
        member_cells = member_cells.astype("S8").view("<u8")
    by_id = np.argsort(known_b, kind="stable")
    sorted_ids = known_b[by_id]
    at = np.minimum(np.searchsorted(sorted_ids, member_cells), len(sorted_ids) - 1)
    if (sorted_ids[at] != member_cells).any():
        return None  # an unknown id: the row reader reports it
    members = by_id[at].astype(np.int64)
    del member_cells, at
    seen = np.sort(rounds * max(len(known), 1) + members)
    if (seen[1:] == seen[:-1]).any():
        return None
    del seen
    group_cells = column(c_group)
    if group_cells is None:
        return None
    unique_labels, labels = np.unique(group_cells, return_inverse=True)
    labels = labels.ravel().astype(np.int64)
    try:
        names = [x.decode() for x in unique_labels.tolist()]
    except UnicodeDecodeError:  # pragma: no cover - the text was decoded already
        return None
    key = rounds * len(names) + labels
    by_key = np.argsort(key, kind="stable")
    sorted_key = key[by_key]
    starts = np.flatnonzero(np.diff(sorted_key, prepend=-1))
    first = by_key[starts]  # each group's first row (stable sort: smallest row)
    inverse = np.empty(count, dtype=np.int64)
    inverse[by_key] = np.cumsum(np.diff(sorted_key, prepend=-1) != 0) - 1
    order = np.argsort(first, kind="stable")  # groups in order of first appearance
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    group_of_row = rank[inverse]
    rows = np.argsort(group_of_row, kind="stable")
    offsets = np.zeros(len(order) + 1, dtype=np.int64)
    np.cumsum(np.bincount(group_of_row, minlength=len(order)), out=offsets[1:])
    heads = first[order]
    return HistoryTable(
        known,
        rounds[heads],
        [names[int(c)] for c in labels[heads].tolist()],
        offsets,
        members[rows],
    )


def _history_rows(path: str, text: str, known_ids: list[str]) -> list[PastGroup]:
    table = read_table(path, text)
    table.require("round", "group", "member_id")
    known = set(known_ids)
    groups: dict[tuple[int, str], list[str]] = {}
    seen: set[tuple[int, str]] = set()
    c_round, c_group, c_member = (table.columns[c] - 1 for c in ("round", "group", "member_id"))
    for row in table:
        cells = row.cells
        text = cells[c_round]
        round_no = int(text) if text.isdigit() else _int(table, row, "round", minimum=1)
        if round_no < 1:
            raise table.error(row, "round", f"must be >= 1, got {round_no}")
        member = cells[c_member]
        if member not in known:
            raise table.error(row, "member_id", f"unknown member id {member!r}")
        key = (round_no, member)
        if key in seen:
            raise table.error(row, "member_id", f"{member!r} is twice in round {round_no}")
        seen.add(key)
        group_key = (round_no, cells[c_group])
        bucket = groups.get(group_key)
        if bucket is None:
            groups[group_key] = [member]
        else:
            bucket.append(member)
    return [
        PastGroup(round=r, member_ids=tuple(sorted(ids)), group=g) for (r, g), ids in groups.items()
    ]


class _PersonCells(TypedDict):
    """The cells a mentor file and a mentee file share."""

    id: str
    team: str
    timezone: str
    languages: frozenset[str]
    availability: Availability


def _person_cells(table: Table, row: Row) -> _PersonCells:
    v = row.values
    tz = _timezone(table, row)
    return _PersonCells(
        id=v["id"],
        team=v.get("team", ""),
        timezone=tz,
        languages=_split(v.get("languages", "")),
        availability=_availability(table, row, tz, None),
    )


def read_mentors(path: str) -> list[Mentor]:
    table = read_table(path)
    table.require("id", "capacity")
    _ids(table)
    return [
        Mentor(
            **_person_cells(table, row),
            capacity=_int(table, row, "capacity", minimum=0),
            skills=_split(row.values.get("skills", "")),
        )
        for row in table
    ]


def read_mentees(path: str) -> list[Mentee]:
    table = read_table(path)
    table.require("id")
    _ids(table)
    return [
        Mentee(
            **_person_cells(table, row),
            wants=_split(row.values.get("wants", "")),
            goals=row.values.get("goals", ""),
        )
        for row in table
    ]


def read_scores(
    path: str, mentee_ids: Iterable[str], mentor_ids: Iterable[str]
) -> dict[tuple[str, str], tuple[float, float]]:
    table = read_table(path)
    table.require("mentee_id", "mentor_id", "score")
    mentees, mentors = set(mentee_ids), set(mentor_ids)
    out: dict[tuple[str, str], tuple[float, float]] = {}
    for row in table:
        e, m = row.values["mentee_id"], row.values["mentor_id"]
        if e not in mentees:
            raise table.error(row, "mentee_id", f"unknown mentee id {e!r}")
        if m not in mentors:
            raise table.error(row, "mentor_id", f"unknown mentor id {m!r}")
        if (e, m) in out:
            raise table.error(row, "mentor_id", f"pair ({e!r}, {m!r}) listed twice")
        score = _float(table, row, "score")
        mentor_score = (
            score if not row.values.get("mentor_score") else _float(table, row, "mentor_score")
        )
        out[(e, m)] = (score, mentor_score)
    return out


# ----------------------------------------------------------------- output
def _atomic_write(path: str, text: str) -> None:
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent or Path("."), prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv(path: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(safe_row(header))
    writer.writerows(safe_row(row) for row in rows)  # ids come from user-supplied files
    _atomic_write(path, buffer.getvalue())


def write_json(path: str, data: Mapping[str, object]) -> None:
    _atomic_write(path, json.dumps(data, indent=2, sort_keys=False, default=_plain) + "\n")


def _plain(value: object) -> object:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(type(value).__name__)
