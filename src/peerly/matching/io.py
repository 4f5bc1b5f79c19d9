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
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .availability import get_zone, local_windows_to_utc, parse_window
from .types import Availability, Member, Mentee, Mentor, PastGroup

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


def read_table(path: str) -> Table:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(path, 1, 1, f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise InputError(path, 1, 1, "file is too large")
    if b"\x00" in data[:65536]:
        raise InputError(path, 1, 1, "binary file, expected CSV text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, line, 1, "not UTF-8 text, expected CSV") from None
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
            cells = [c.strip() for c in record]
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


def _split(text: str) -> frozenset[str]:
    return frozenset(p.strip() for p in text.split(";") if p.strip())


def _availability(table: Table, row: Row, tz: str, reference: dt.date | None) -> Availability:
    text = row.values.get("availability", "")
    windows = []
    for part in text.split(";"):
        if part.strip():
            try:
                windows.append(parse_window(part))
            except ValueError as exc:
                raise table.error(row, "availability", str(exc)) from None
    return local_windows_to_utc(windows, tz, reference=reference) if windows else ()


def _timezone(table: Table, row: Row) -> str:
    tz = row.values.get("timezone", "") or "UTC"
    try:
        get_zone(tz)
    except ValueError as exc:
        raise table.error(row, "timezone", str(exc)) from None
    return tz


def _ids(table: Table, column: str = "id") -> None:
    seen: set[str] = set()
    for row in table:
        value = row.values.get(column, "")
        if not value:
            raise table.error(row, column, "empty id")
        if value in seen:
            raise table.error(row, column, f"duplicate id {value!r}")
        seen.add(value)


def read_members(path: str, *, reference: dt.date | None = None) -> list[Member]:
    table = read_table(path)
    table.require("id")
    _ids(table)
    members = []
    for row in table:
        v = row.values
        tz = _timezone(table, row)
        priority_text = v.get("priority", "") or "0"
        try:
            priority = int(priority_text)
        except ValueError:
            raise table.error(row, "priority", f"not an integer: {priority_text!r}") from None
        members.append(
            Member(
                id=v["id"],
                team=v.get("team", ""),
                timezone=tz,
                languages=_split(v.get("languages", "")),
                interests=_split(v.get("interests", "")),
                do_not_pair=_split(v.get("do_not_pair", "")),
                knows=_split(v.get("knows", "")),
                availability=_availability(table, row, tz, reference),
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


def read_history(path: str, known_ids: Iterable[str]) -> list[PastGroup]:
    table = read_table(path)
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


def read_mentors(path: str) -> list[Mentor]:
    table = read_table(path)
    table.require("id", "capacity")
    _ids(table)
    out = []
    for row in table:
        v = row.values
        tz = _timezone(table, row)
        out.append(
            Mentor(
                id=v["id"],
                capacity=_int(table, row, "capacity", minimum=0),
                team=v.get("team", ""),
                timezone=tz,
                languages=_split(v.get("languages", "")),
                skills=_split(v.get("skills", "")),
                availability=_availability(table, row, tz, None),
            )
        )
    return out


def read_mentees(path: str) -> list[Mentee]:
    table = read_table(path)
    table.require("id")
    _ids(table)
    out = []
    for row in table:
        v = row.values
        tz = _timezone(table, row)
        out.append(
            Mentee(
                id=v["id"],
                team=v.get("team", ""),
                timezone=tz,
                languages=_split(v.get("languages", "")),
                wants=_split(v.get("wants", "")),
                goals=v.get("goals", ""),
                availability=_availability(table, row, tz, None),
            )
        )
    return out


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
    writer.writerow(header)
    writer.writerows(rows)
    _atomic_write(path, buffer.getvalue())


def write_json(path: str, data: Mapping[str, object]) -> None:
    _atomic_write(path, json.dumps(data, indent=2, sort_keys=False, default=_plain) + "\n")


def _plain(value: object) -> object:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(type(value).__name__)
