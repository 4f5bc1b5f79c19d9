"""Cyclic starters for Kirkman and nearly Kirkman schedules the algebra does not give.

A schedule here has a cyclic symmetry: points are ``(x, level)`` with ``x`` in Z_m plus
one or two fixed points ``(i, -1)``, and each base round is developed by adding ``s = 0..m-1``
to every ``x``.  When a pair's translates are all different pairs (always for odd m), the
schedule repeats no pair exactly when the base rounds cover each allowed *difference* (orbit of
pairs) once.  The entries of :data:`TABLE` were found by ``bench/find_starters.py`` (randomised
exact cover); ``tests/matching/test_designs.py`` develops and checks every one of them.

Kinds (see :func:`framework_for`):

* ``rotational`` — KTS(v), v = 2r + 1, m odd dividing r: 2r/m levels, one fixed point,
  r/m base rounds (Z_m acts on rounds with r/m orbits).
* ``triple`` — KTS(3m), m odd: 3 levels, one base round, and (m - 1)/2 transversal triples
  ``{(0,0), (b,1), (c,2)}`` whose m translates form a round each.
* ``nearly`` — NKTS(v), v = 2r + 2 = 0 (mod 6), m = r: 2 levels, two fixed points, one base
  round.  The pairs that never meet are the two fixed points and, for odd m, ``(x, 0), (x, 1)``;
  for even m, ``(x, level), (x + m/2, level)`` (the involution s = m/2 maps those pairs to
  themselves, so they are the only ones a cyclic group of even order can leave out).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._starters_data import LIMIT as LIMIT
from ._starters_data import STARTERS

Point = tuple[int, int]
Key = tuple[Any, ...]
Schedule = list[list[tuple[int, ...]]]


@dataclass(frozen=True)
class Framework:
    kind: str  # rotational | triple | nearly
    v: int
    m: int

    @property
    def levels(self) -> int:
        if self.kind == "triple":
            return 3
        return (self.v - self.fixed) // self.m

    @property
    def fixed(self) -> int:
        return {"rotational": 1, "triple": 0, "nearly": 2}[self.kind]

    @property
    def base_rounds(self) -> int:
        if self.kind == "triple":
            return 1
        return self.levels // 2

    def points(self) -> list[Point]:
        finite = [(x, level) for level in range(self.levels) for x in range(self.m)]
        return finite + [(i, -1) for i in range(self.fixed)]

    def number(self, p: Point) -> int:
        x, level = p
        return self.levels * self.m + x if level < 0 else level * self.m + x % self.m

    def key(self, p: Point, q: Point) -> Key:
        (x1, l1), (x2, l2) = sorted((p, q), key=lambda t: (t[1], t[0]))
        if l1 < 0 and l2 < 0:
            return ("ff", x1, x2)
        if l1 < 0:
            return ("f", x1, l2)
        d = (x2 - x1) % self.m
        if l1 == l2:
            return ("p", l1, min(d, self.m - d))
        return ("m", l1, l2, d)

    def forbidden(self) -> set[Key]:
        if self.kind != "nearly":
            return set()
        if self.m % 2 == 0:  # the pairs an involution (s = m/2) maps to themselves never meet
            return {("ff", 0, 1)} | {("p", level, self.m // 2) for level in range(self.levels)}
        return {("ff", 0, 1)} | {("m", 2 * i, 2 * i + 1, 0) for i in range(self.levels // 2)}

    def allowed_keys(self) -> set[Key]:
        pts = self.points()
        keys = {self.key(p, q) for i, p in enumerate(pts) for q in pts[i + 1 :]}
        return keys - self.forbidden()


def framework_for(v: int) -> Framework | None:
    """The framework used for order v (KTS for v = 3 mod 6, NKTS for v = 0 mod 6, v >= 18)."""
    if v % 6 == 3 and v >= 9:
        r = (v - 1) // 2
        if r % 2 == 1:
            return Framework("rotational", v, r)
        return Framework("triple", v, v // 3)
    if v % 6 == 0 and v >= 18:
        if v == 18:  # no 1-rotational NKTS(18): Z_4 on 4 levels, two base rounds
            return Framework("nearly", v, 4)
        return Framework("nearly", v, (v - 2) // 2)
    return None


def develop(v: int, entry: dict[str, Any]) -> Schedule:
    """The rounds of a table entry, points numbered 0..v-1.

    An entry lists its triples flat, three point numbers each: ``level * m + x`` for a point of
    a level, ``levels * m + i`` for fixed point i.
    """
    fw = Framework(str(entry["kind"]), v, int(entry["m"]))
    m, finite = fw.m, fw.levels * fw.m

    def triples(flat: list[int]) -> list[tuple[int, int, int]]:
        return [(flat[i], flat[i + 1], flat[i + 2]) for i in range(0, len(flat), 3)]

    def shifted(triple: tuple[int, ...], s: int) -> tuple[int, ...]:
        return tuple(sorted(p if p >= finite else p - p % m + (p + s) % m for p in triple))

    rounds: Schedule = []
    for base in entry["base"]:
        for s in range(m):
            rounds.append(sorted(shifted(t, s) for t in triples(base)))
    for triple in triples(entry.get("orbit", [])):
        rounds.append(sorted(shifted(triple, s) for s in range(m)))
    return rounds


def schedule(v: int) -> Schedule | None:
    entry = TABLE.get(v)
    return None if entry is None else develop(v, entry)


def parse(text: str) -> dict[int, dict[str, Any]]:
    """``@v kind m base n n n ... [base ...] [orbit n n n ...]`` per entry, whitespace-separated."""
    table: dict[int, dict[str, Any]] = {}
    current: list[int] = []
    words = iter(text.split())
    for word in words:
        if word.startswith("@"):
            v = int(word[1:])
            entry: dict[str, Any] = {"kind": next(words), "m": int(next(words)), "base": []}
            table[v] = entry
        elif word == "base":
            current = []
            entry["base"].append(current)
        elif word == "orbit":
            current = entry.setdefault("orbit", [])
        else:
            current.append(int(word))
    return table


def format_entry(v: int, entry: dict[str, Any], width: int = 96) -> str:
    words = [f"@{v}", str(entry["kind"]), str(entry["m"])]
    for base in entry["base"]:
        words += ["base", *map(str, base)]
    if entry.get("orbit"):
        words += ["orbit", *map(str, entry["orbit"])]
    lines, line = [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])


TABLE: dict[int, dict[str, Any]] = parse(STARTERS)
