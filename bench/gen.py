"""Realistic, seeded member and history files for the engine's scale benchmarks.

What a real community looks like, as far as the engine is concerned:

* time zones weighted like a company spread over Europe, the Americas and Asia-Pacific;
* weekly availability in LOCAL time: one to four windows of one to three hours (most of them
  one or two), mostly on working days within working hours, some evening or weekend slots;
  converted to UTC by the engine with the member's zone, so people far apart share little;
* teams of very uneven sizes (a few big ones, a long tail of small ones);
* do-not-pair lists on a few per cent of members, mostly naming team mates;
* optionally members without any overlap possible (a single 30-minute window) or with a blank
  availability cell (no constraint at all).

Everything depends only on the seed: ``members(n, seed)`` gives the same rows on every run.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

ZONES = (
    ("Europe/Berlin", 20),
    ("Europe/London", 12),
    ("America/New_York", 15),
    ("America/Chicago", 6),
    ("America/Los_Angeles", 10),
    ("America/Sao_Paulo", 5),
    ("Asia/Kolkata", 12),
    ("Asia/Singapore", 5),
    ("Asia/Tokyo", 5),
    ("Australia/Sydney", 5),
    ("Africa/Lagos", 3),
    ("UTC", 2),
)
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Row:
    id: str
    team: str
    timezone: str
    availability: str
    do_not_pair: str


def _window(r: random.Random) -> str:
    kind = r.random()
    if kind < 0.65:  # working hours
        day = r.randrange(5)
        start = r.randrange(7 * 2, 18 * 2)  # half hours
    elif kind < 0.9:  # evening
        day = r.randrange(5)
        start = r.randrange(18 * 2, 22 * 2)
    else:  # weekend
        day = r.randrange(5, 7)
        start = r.randrange(8 * 2, 20 * 2)
    length = r.choice((2, 2, 2, 2, 3, 3, 4, 4, 6))  # half hours
    end = min(start + length, 48)
    return f"{DAYS[day]} {start // 2:02d}:{start % 2 * 30:02d}-{end // 2:02d}:{end % 2 * 30:02d}"


def members(
    n: int, seed: int = 1, *, no_overlap: int = 0, blank: int = 0, dnp_share: float = 0.03
) -> list[Row]:
    """``n`` members; the first ``no_overlap`` ids (in a shuffled order) get a single 30-minute
    window (no 1-hour overlap is possible with anybody), the next ``blank`` no availability."""
    r = random.Random(seed)
    ids = [f"u{i:06d}" for i in range(n)]
    zones, weights = zip(*ZONES, strict=True)
    team_count = max(1, n // 40)
    # Zipf-like team sizes: team t has weight 1 / (t + 1)
    team_weights = [1.0 / (t + 1) for t in range(team_count)]
    team_of = r.choices(range(team_count), weights=team_weights, k=n)
    special = list(range(n))
    r.shuffle(special)
    kind = dict.fromkeys(special[:no_overlap], "none")
    kind.update(dict.fromkeys(special[no_overlap : no_overlap + blank], "blank"))
    by_team: dict[int, list[int]] = {}
    for i, t in enumerate(team_of):
        by_team.setdefault(t, []).append(i)
    rows = []
    for i, mid in enumerate(ids):
        zone = r.choices(zones, weights=weights)[0]
        what = kind.get(i, "")
        if what == "blank":
            avail = ""
        elif what == "none":
            day, start = r.randrange(5), r.randrange(8 * 2, 17 * 2)
            avail = f"{DAYS[day]} {start // 2:02d}:{start % 2 * 30:02d}-" + (
                f"{(start + 1) // 2:02d}:{(start + 1) % 2 * 30:02d}"
            )
        else:
            count = r.choices((1, 2, 3, 4), weights=(35, 35, 20, 10))[0]
            avail = ";".join(_window(r) for _ in range(count))
        dnp = ""
        if r.random() < dnp_share:
            mates = by_team[team_of[i]]
            picks = {
                r.choice(mates) if r.random() < 0.7 else r.randrange(n)
                for _ in range(r.randint(1, 3))
            } - {i}
            dnp = ";".join(ids[j] for j in sorted(picks))
        rows.append(Row(mid, f"team{team_of[i]:04d}", zone, avail, dnp))
    return rows


def write_members(path: Path, rows: list[Row]) -> None:
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "team", "timezone", "availability", "do_not_pair"])
        for row in rows:
            w.writerow([row.id, row.team, row.timezone, row.availability, row.do_not_pair])


def write_random_history(path: Path, ids: list[str], rounds: int, k: int, seed: int = 4) -> None:
    """``rounds`` earlier rounds of random groups of ``k`` (the left-overs join the last one)."""
    r = random.Random(seed)
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["round", "group", "member_id"])
        for rnd in range(1, rounds + 1):
            order = list(ids)
            r.shuffle(order)
            groups = [order[i : i + k] for i in range(0, len(order) - len(order) % k, k)]
            groups[-1].extend(order[len(order) - len(order) % k :])
            for gi, g in enumerate(groups, start=1):
                for m in g:
                    w.writerow([rnd, gi, m])
