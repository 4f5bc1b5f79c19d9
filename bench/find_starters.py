"""Search for the starters behind ``peerly.matching.starters``: ``python bench/find_starters.py``.

A Kirkman (or nearly Kirkman) schedule with a cyclic symmetry is fixed by a few "base" rounds:
points are ``(x, level)`` with ``x`` in Z_m (m odd) plus a few fixed points, and every base round
is developed by adding ``s = 0..m-1`` to every ``x``.  A pair's orbit under that translation is
its *difference*; the schedule never repeats a pair exactly when the base rounds (and, for
``3m``, some transversal triples whose orbit is a whole round) cover every allowed difference
once.  That is an exact-cover problem of a few hundred items, which randomised Algorithm X
(minimum-remaining-values, random tie-breaks, restarts) solves in seconds up to ~100 members.

Frameworks (``starters.Framework``):

* ``rotational`` — KTS(v), v = 2r + 1: m odd dividing r, 2r/m levels, one fixed point,
  r/m base rounds.
* ``triple``     — KTS(3m), m odd: 3 levels, one base round, (m - 1)/2 transversal triples.
* ``nearly``     — NKTS(v), v = 2r + 2 (v = 0 mod 6): m odd dividing r, 2r/m levels, two fixed
  points that never meet; level 2i never meets level 2i+1 at difference 0.

Every table entry is rebuilt and checked by ``tests/matching/test_designs.py``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from peerly.matching import starters


class ExactCover:
    """Knuth's Algorithm X on dicts of sets (Ali Assaf's formulation), randomised, restartable."""

    def __init__(self, items: list, options: list[list]) -> None:
        self.X: dict = {i: set() for i in items}
        for o, cover in enumerate(options):
            for i in cover:
                self.X[i].add(o)
        self.Y = options

    def _select(self, o: int) -> list:
        X, Y = self.X, self.Y  # noqa: N806 - Knuth's names
        cols = []
        for j in Y[o]:
            for k in X[j]:
                for i in Y[k]:
                    if i != j:
                        X[i].remove(k)
            cols.append(X.pop(j))
        return cols

    def _deselect(self, o: int, cols: list) -> None:
        X, Y = self.X, self.Y  # noqa: N806 - Knuth's names
        for j in reversed(Y[o]):
            X[j] = cols.pop()
            for k in X[j]:
                for i in Y[k]:
                    if i != j:
                        X[i].add(k)

    def run(self, rnd: random.Random, node_limit: int) -> list[int] | None:
        """One attempt of at most ``node_limit`` nodes; the structure is restored afterwards."""
        solution: list[int] = []
        nodes = 0

        def solve() -> int:  # 1 found, 0 dead end, -1 out of nodes
            nonlocal nodes
            if not self.X:
                return 1
            nodes += 1
            if nodes > node_limit:
                return -1
            best = min(len(s) for s in self.X.values())
            if best == 0:
                return 0
            col = rnd.choice([c for c, s in self.X.items() if len(s) == best])
            choices = list(self.X[col])
            rnd.shuffle(choices)
            for o in choices:
                solution.append(o)
                cols = self._select(o)
                outcome = solve()
                if outcome == 1 and not found:
                    found.extend(solution)
                self._deselect(o, cols)
                solution.pop()
                if outcome != 0:
                    return outcome
            return 0

        found: list[int] = []
        return found if solve() == 1 else None


def problem(fw: starters.Framework) -> tuple[list, list[list], list[tuple]]:
    """Items, options (their covers) and what each option means."""
    points = fw.points()
    allowed = fw.allowed_keys()
    items: list = [("pt", b, p) for b in range(fw.base_rounds) for p in points]
    items += sorted(allowed, key=repr)
    options: list[list] = []
    meaning: list[tuple] = []
    n = len(points)
    for i in range(n):
        for j in range(i + 1, n):
            kij = fw.key(points[i], points[j])
            if kij not in allowed:
                continue
            for k in range(j + 1, n):
                keys = {kij, fw.key(points[i], points[k]), fw.key(points[j], points[k])}
                if len(keys) < 3 or not keys <= allowed:
                    continue
                triple = (points[i], points[j], points[k])
                for b in range(fw.base_rounds):
                    options.append([("pt", b, p) for p in triple] + sorted(keys, key=repr))
                    meaning.append(("base", b, triple))
    if fw.kind == "triple":
        m = fw.m
        for b in range(1, m):
            for c in range(1, m):
                triple = ((0, 0), (b, 1), (c, 2))
                keys = {fw.key(triple[0], triple[1]), fw.key(triple[0], triple[2])}
                keys.add(fw.key(triple[1], triple[2]))
                if len(keys) == 3 and keys <= allowed:
                    options.append(sorted(keys, key=repr))
                    meaning.append(("orbit", 0, triple))
    return items, options, meaning


def find(fw: starters.Framework, seconds: float, seed: int) -> dict | None:
    items, options, meaning = problem(fw)
    rnd = random.Random(seed)
    start = time.monotonic()
    cover = ExactCover(items, options)
    limit = 2000
    while time.monotonic() - start < seconds:
        found = cover.run(rnd, limit)
        if found is not None:
            base: list[list] = [[] for _ in range(fw.base_rounds)]
            orbit: list = []
            for o in found:
                kind, b, triple = meaning[o]
                numbers = [fw.number(p) for p in triple]
                (base[b] if kind == "base" else orbit).extend(numbers)
            return {"base": base, "orbit": orbit} if orbit else {"base": base}
        limit = int(limit * 1.3)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "orders", nargs="*", type=int, help="orders to search (default: the table's)"
    )
    parser.add_argument("--seconds", type=float, default=120.0, help="budget per order")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--write",
        action="store_true",
        help="add what is found to src/peerly/matching/_starters_data.py",
    )
    parser.add_argument("--from-log", type=Path, help="add the entries printed in this log instead")
    args = parser.parse_args()
    if args.from_log:
        found = {}
        for line in args.from_log.read_text().splitlines():
            if line.startswith("    ") and ": {" in line:
                v, _, entry = line.strip().partition(": ")
                found[int(v)] = json.loads(entry.rstrip(","))
        write(found)
        print(f"wrote {len(found)} entries to {DATA}")
        return
    from peerly.matching import designs

    covered = {3}  # orders the algebra, the table (once searched) or a product gives

    def needed(v: int) -> bool:
        if v % 6 == 0:
            return v >= 18
        if designs.algebraic_kirkman(v) is not None or any(
            v % a == 0 and a in covered and v // a in covered for a in range(3, v // 2 + 1, 6)
        ):
            covered.add(v)
            return False
        covered.add(v)
        return True

    wanted = [v for v in range(9, starters.LIMIT + 1, 3) if v % 6 in (0, 3)]
    orders = args.orders or [v for v in wanted if needed(v)]
    print("orders:", orders, flush=True)
    for v in orders:
        fw = starters.framework_for(v)
        if fw is None:
            print(f"{v}: no framework", flush=True)
            continue
        t0 = time.monotonic()
        found = find(fw, args.seconds, args.seed)
        took = time.monotonic() - t0
        if found is None:
            print(f"{v}: {fw.kind} m={fw.m} not found in {took:.1f} s", flush=True)
            continue
        entry = {"kind": fw.kind, "m": fw.m, **found}
        schedule = starters.develop(v, entry)
        from peerly.matching.designs import check_schedule

        ok = check_schedule(v, schedule) and len(schedule) == (v - 1) // 2
        print(f"{v}: {fw.kind} m={fw.m} found in {took:.1f} s, valid={ok}", flush=True)
        print(f"    {v}: {json.dumps(entry, separators=(',', ':'))}", flush=True)
        if args.write:
            write({v: entry})


DATA = Path(__file__).resolve().parents[1] / "src/peerly/matching/_starters_data.py"


def write(new: dict[int, dict]) -> None:
    text = DATA.read_text()
    head, body = text.split('STARTERS = """', 1)
    table = starters.parse(body.split('"""', 1)[0]) | new
    entries = "\n".join(starters.format_entry(v, table[v]) for v in sorted(table))
    DATA.write_text(f'{head}STARTERS = """\n{entries}\n"""\n')


if __name__ == "__main__":
    main()
