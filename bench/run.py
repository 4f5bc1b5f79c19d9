"""Benchmark the matching engine against simple and library baselines.

    python bench/run.py           # full run (several minutes on 2 cores)
    python bench/run.py --quick   # small smoke run
    python bench/run.py --speed   # only the speed section (whole-command wall times)

Quality scenarios call the Python API; speed scenarios time the whole command
(`python -m peerly.matching ...`, interpreter start and CSV I/O included) and record the
child's peak memory.  Results go to bench/results/<scenario>.json.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

import networkx as nx
import numpy as np
from scipy.optimize import linear_sum_assignment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from peerly.matching import GroupOptions  # noqa: E402
from peerly.matching import Member  # noqa: E402
from peerly.matching import Mentee  # noqa: E402
from peerly.matching import Mentor  # noqa: E402
from peerly.matching import MentorOptions  # noqa: E402
from peerly.matching import PastGroup  # noqa: E402
from peerly.matching import assign_mentors  # noqa: E402
from peerly.matching import designs  # noqa: E402
from peerly.matching import form_groups  # noqa: E402
from peerly.matching.availability import local_windows_to_utc  # noqa: E402

RESULTS = ROOT / "bench" / "results"
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "Australia/Sydney"]


# Availability is converted for one fixed week, so every run of the benchmark is the same.
REFERENCE_WEEK = dt.date(2027, 1, 11)


def save(name: str, data: object) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")


def table(title: str, header: list[str], rows: list[list[object]]) -> None:
    print(f"\n## {title}")
    widths = [max(len(str(x)) for x in [h, *[r[i] for r in rows]]) for i, h in enumerate(header)]
    print("  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)))
    for r in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(r, widths, strict=True)))


# ------------------------------------------------------------------ people
def members(n: int, seed: int = 1, teams: int = 4, rules: bool = False) -> list[Member]:
    r = random.Random(seed)
    ids = [f"m{i:06d}" for i in range(n)]
    out = []
    for mid in ids:
        dnp = frozenset(r.sample(ids, 2)) - {mid} if rules and r.random() < 0.2 else frozenset()
        avail: tuple[tuple[int, int], ...] = ()
        zone = r.choice(ZONES)
        if rules:
            days = r.sample(range(5), 3)
            windows = [(d, 8 * 60, 20 * 60) for d in days]
            avail = local_windows_to_utc(windows, zone, reference=REFERENCE_WEEK)
        out.append(
            Member(
                mid,
                team=f"t{r.randrange(teams)}",
                timezone=zone,
                do_not_pair=dnp,
                availability=avail,
            )
        )
    return out


def to_history(rounds: list[list[tuple[str, ...]]], start: int = 1) -> list[PastGroup]:
    return [
        PastGroup(start + r, tuple(sorted(g)), str(i))
        for r, groups in enumerate(rounds)
        for i, g in enumerate(groups)
    ]


def pair_repeats(groups: list[tuple[str, ...]], met: set[tuple[str, str]]) -> int:
    return sum(1 for g in groups for p in combinations(sorted(g), 2) if p in met)


# --------------------------------------------------------------- baselines
def random_shuffle(ids: list[str], k: int, rnd: random.Random) -> list[tuple[str, ...]]:
    ids = list(ids)
    rnd.shuffle(ids)
    groups = [tuple(ids[i : i + k]) for i in range(0, len(ids) - len(ids) % k, k)]
    for x in ids[len(ids) - len(ids) % k :]:
        groups[-1] = (*groups[-1], x)
    return groups


def greedy_prefer_new(ids: list[str], met: set, rnd: random.Random) -> list[tuple[str, ...]]:
    rest = list(ids)
    rnd.shuffle(rest)
    groups: list[tuple[str, ...]] = []
    while len(rest) >= 2:
        a = rest.pop()
        pick = next((i for i, b in enumerate(rest) if tuple(sorted((a, b))) not in met), 0)
        groups.append((a, rest.pop(pick)))
    if rest:
        groups[-1] = (*groups[-1], rest[0])
    return groups


def nx_matching(ids: list[str], met: set, teams: dict[str, str]) -> list[tuple[str, ...]]:
    g = nx.Graph()
    for a, b in combinations(ids, 2):
        w = (0 if (a, b) in met else 1000) + (10 if teams[a] != teams[b] else 0) + 1
        g.add_edge(a, b, weight=w)
    m = nx.max_weight_matching(g, maxcardinality=True)
    groups = [tuple(sorted(p)) for p in m]
    left = sorted(set(ids) - {x for p in groups for x in p})
    if left:
        groups[-1] = (*groups[-1], *left)
    return groups


# ---------------------------------------------------------------- scenarios
def pairs_rounds(n: int, rounds: int, nx_limit: int) -> dict:
    ms = members(n)
    ids = [m.id for m in ms]
    teams = {m.id: m.team for m in ms}
    rnd = random.Random(0)
    res: dict[str, dict] = {}
    engine_hist: list[PastGroup] = []
    met: dict[str, set] = {"random": set(), "greedy": set(), "networkx": set(), "engine": set()}
    stats = {k: {"repeats": 0, "seconds": 0.0, "max_excess": 0} for k in met}
    for _ in range(rounds):
        t = time.perf_counter()
        out = form_groups(ms, engine_hist, GroupOptions(size=2, seed=0))
        stats["engine"]["seconds"] += time.perf_counter() - t
        plan = out.rounds[0]
        stats["engine"]["repeats"] += int(plan.metrics["repeat_pairs"])
        stats["engine"]["max_excess"] = max(
            stats["engine"]["max_excess"], int(plan.metrics["excess_repeat_pairs"])
        )
        engine_hist += [
            PastGroup(plan.round, g.member_ids, str(i)) for i, g in enumerate(plan.groups)
        ]
        for name, fn in (
            ("random", lambda: random_shuffle(ids, 2, rnd)),
            ("greedy", lambda: greedy_prefer_new(ids, met["greedy"], rnd)),
            ("networkx", lambda: nx_matching(ids, met["networkx"], teams)),
        ):
            if name == "networkx" and n > nx_limit:
                continue
            t = time.perf_counter()
            groups = fn()
            stats[name]["seconds"] += time.perf_counter() - t
            stats[name]["repeats"] += pair_repeats(groups, met[name])
            met[name].update(p for g in groups for p in combinations(sorted(g), 2))
    for name, s in stats.items():
        if name == "networkx" and n > nx_limit:
            continue
        res[name] = {k: round(v, 3) if isinstance(v, float) else v for k, v in s.items()}
    return {"members": n, "rounds": rounds, "methods": res}


def pairs_season(n: int) -> dict:
    ms = members(n)
    t = time.perf_counter()
    out = form_groups(ms, (), GroupOptions(size=2, rounds=n - 1))
    return {
        "members": n,
        "rounds": n - 1,
        "repeat_pairs": out.season_metrics["repeat_pairs"],
        "seconds": round(time.perf_counter() - t, 3),
    }


def constrained(n: int, rounds: int) -> dict:
    ms = members(n, rules=True)
    hist: list[PastGroup] = []
    rows = []
    for _ in range(rounds):
        out = form_groups(ms, hist, GroupOptions(size=2, min_overlap_hours=2, seed=0))
        p = out.rounds[0]
        hist += [PastGroup(p.round, g.member_ids, str(i)) for i, g in enumerate(p.groups)]
        m = p.metrics
        rows.append(
            {
                k: m[k]
                for k in (
                    "round",
                    "hard_rule_violations",
                    "repeat_pairs",
                    "excess_repeat_pairs",
                    "cross_team_rate",
                    "achievable_cross_team_rate",
                    "mean_overlap_hours",
                )
            }
            | {"unmatched": len(p.unmatched)}
        )
    return {"members": n, "rounds": rows}


def triads(n: int, rounds: int, season: bool, limit: float = 5.0) -> dict:
    ms = members(n)
    t = time.perf_counter()
    if season:
        out = form_groups(ms, (), GroupOptions(size=3, rounds=rounds, time_limit_seconds=limit))
        plans = out.rounds
    else:
        hist: list[PastGroup] = []
        plans = []
        for _ in range(rounds):
            out = form_groups(ms, hist, GroupOptions(size=3))
            p = out.rounds[0]
            plans.append(p)
            hist += [PastGroup(p.round, g.member_ids, str(i)) for i, g in enumerate(p.groups)]
    seen: set = set()
    free_rounds = 0
    repeats = 0
    for p in plans:
        pairs = [pr for g in p.groups for pr in combinations(g.member_ids, 2)]
        r = sum(1 for pr in pairs if pr in seen)
        seen.update(pairs)
        repeats += r
        if repeats == 0:
            free_rounds += 1
    return {
        "members": n,
        "mode": "season" if season else "round by round",
        "rounds": rounds,
        "repeat_free_rounds": free_rounds,
        "max_possible": (n - 1) // 2,
        "design_known": designs.triads(n) is not None,
        "repeats": repeats,
        "seconds": round(time.perf_counter() - t, 3),
    }


def design_coverage(limit: int) -> dict:
    """Which orders have a (nearly) Kirkman schedule, each built and checked pair by pair."""
    t = time.perf_counter()
    orders = [n for n in range(9, limit + 1, 3) if n % 6 in (0, 3)]
    missing = []
    for n in orders:
        schedule = designs.triads(n)
        ok = schedule is not None and designs.check_schedule(n, schedule)
        if ok and schedule is not None:
            ok = len(schedule) == (n - 1) // 2
        if not ok:
            missing.append(n)
    return {
        "orders": len(orders),
        "known": len(orders) - len(missing),
        "missing": missing,  # 12 is expected: no nearly Kirkman system of order 12 exists
        "seconds": round(time.perf_counter() - t, 2),
    }


# ------------------------------------------------------------------ commands
def run_cli(argv: list[str]) -> tuple[float, int, str]:
    code = (
        "import resource, sys; from peerly.matching.cli import main; rc = main(sys.argv[1:]);"
        "sys.stderr.write('MAXRSS %d\\n' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss);"
        "sys.exit(rc)"
    )
    t = time.perf_counter()
    proc = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code, *argv],
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - t
    if proc.returncode:
        raise RuntimeError(proc.stderr)
    rss = int(proc.stderr.split("MAXRSS")[1].split()[0]) // 1024
    return seconds, rss, proc.stdout.strip()


def write_members(path: Path, n: int) -> list[str]:
    r = random.Random(3)
    ids = [f"m{i:06d}" for i in range(n)]
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "team", "timezone"])
        for mid in ids:
            w.writerow([mid, f"t{r.randrange(20)}", r.choice(ZONES)])
    return ids


def write_history(path: Path, ids: list[str], rounds: int, k: int) -> None:
    r = random.Random(4)
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["round", "group", "member_id"])
        for rnd in range(1, rounds + 1):
            for gi, g in enumerate(random_shuffle(ids, k, r)):
                for m in g:
                    w.writerow([rnd, gi + 1, m])


def speed(tmp: Path, pairs_n: int, triads_n: int, mentees_n: int, mentors_n: int) -> dict:
    out: dict[str, dict] = {}
    for label, n, k in (("pairs", pairs_n, 2), ("triads", triads_n, 3)):
        mpath, hpath = tmp / f"{label}_members.csv", tmp / f"{label}_history.csv"
        ids = write_members(mpath, n)
        write_history(hpath, ids, 12, k)
        seconds, rss, _summary = run_cli(
            [
                "groups",
                "--members",
                str(mpath),
                "--history",
                str(hpath),
                "--size",
                str(k),
                "--out",
                str(tmp / f"{label}.csv"),
                "--report",
                str(tmp / f"{label}.json"),
            ]
        )
        rep = json.loads((tmp / f"{label}.json").read_text())
        out[label] = {
            "members": n,
            "history_rounds": 12,
            "seconds": round(seconds, 2),
            "peak_mb": rss,
            "repeat_pairs": rep["repeat_pairs"],
            "excess_repeat_pairs": rep["excess_repeat_pairs"],
            "cross_team_rate": rep["cross_team_rate"],
            "achievable_cross_team_rate": rep["achievable_cross_team_rate"],
            "unmatched": len(rep["unmatched"]),
        }
    r = random.Random(5)
    skills = [f"skill{i}" for i in range(60)]
    mentors_csv, mentees_csv = tmp / "mentors.csv", tmp / "mentees.csv"
    with mentors_csv.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "team", "timezone", "languages", "skills", "capacity", "availability"])
        for j in range(mentors_n):
            w.writerow(
                [
                    f"M{j:05d}",
                    "",
                    r.choice(ZONES),
                    r.choice(["en", "en;de", "de;fr", ""]),
                    ";".join(r.sample(skills, 6)),
                    r.randint(0, 15),
                    "",
                ]
            )
    with mentees_csv.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "team", "timezone", "languages", "wants", "goals", "availability"])
        for i in range(mentees_n):
            w.writerow(
                [
                    f"E{i:06d}",
                    "",
                    r.choice(ZONES),
                    r.choice(["en", "de", "fr", ""]),
                    ";".join(r.sample(skills, 3)),
                    "grow in " + " ".join(r.sample(skills, 2)),
                    "",
                ]
            )
    for method in ("optimal", "stable"):
        seconds, rss, _ = run_cli(
            [
                "mentors",
                "--mentors",
                str(mentors_csv),
                "--mentees",
                str(mentees_csv),
                "--method",
                method,
                "--out",
                str(tmp / "a.csv"),
                "--report",
                str(tmp / "a.json"),
            ]
        )
        rep = json.loads((tmp / "a.json").read_text())
        out[f"mentors_{method}"] = {
            "mentees": mentees_n,
            "mentors": mentors_n,
            "seconds": round(seconds, 2),
            "peak_mb": rss,
            "assigned": rep["assigned"],
            "total_score": rep["total_score"],
            "min_score": rep["min_score"],
            "blocking_pairs": rep["blocking_pairs"],
        }
    return out


def mentors_quality(n_e: int, n_m: int, stable_n: tuple[int, int]) -> dict:
    r = random.Random(9)
    skills = [f"s{i}" for i in range(30)]
    mentors = [
        Mentor(
            f"M{j:04d}",
            capacity=r.randint(1, 8),
            skills=frozenset(r.sample(skills, 5)),
            timezone=r.choice(ZONES),
        )
        for j in range(n_m)
    ]
    mentees = [
        Mentee(f"E{i:05d}", wants=frozenset(r.sample(skills, 3)), timezone=r.choice(ZONES))
        for i in range(n_e)
    ]
    res: dict[str, dict] = {}
    t = time.perf_counter()
    opt = assign_mentors(mentors, mentees, MentorOptions(semantic=False))
    res["engine_optimal"] = {
        "seconds": round(time.perf_counter() - t, 3),
        **{k: opt.metrics[k] for k in ("assigned", "total_score", "min_score", "blocking_pairs")},
    }
    t = time.perf_counter()
    fair = assign_mentors(
        mentors, mentees, MentorOptions(semantic=False, maximize_worst_first=True)
    )
    res["engine_worst_first"] = {
        "seconds": round(time.perf_counter() - t, 3),
        **{k: fair.metrics[k] for k in ("assigned", "total_score", "min_score", "blocking_pairs")},
    }
    t = time.perf_counter()
    st = assign_mentors(mentors, mentees, MentorOptions(method="stable", semantic=False))
    res["engine_stable"] = {
        "seconds": round(time.perf_counter() - t, 3),
        **{k: st.metrics[k] for k in ("assigned", "total_score", "min_score", "blocking_pairs")},
    }
    # scipy on the capacity-expanded matrix (same scores, read back from a dense run)
    from peerly.matching.mentors import score_pair

    t0 = time.perf_counter()
    score = np.array(
        [[score_pair(e, m)[0] for m in mentors] for e in sorted(mentees, key=lambda e: e.id)]
    )  # type: ignore[index]
    slots = [
        j for j, m in enumerate(sorted(mentors, key=lambda m: m.id)) for _ in range(m.capacity)
    ]
    t = time.perf_counter()
    mat = np.concatenate([score[:, slots] * (n_e + 1) + 1, np.zeros((n_e, n_e))], axis=1)
    rows, cols = linear_sum_assignment(mat, maximize=True)
    chosen = [(i, slots[c]) for i, c in zip(rows, cols, strict=True) if c < len(slots)]
    res["scipy_lsa_expanded"] = {
        "seconds": round(time.perf_counter() - t, 3),
        "score_build_seconds": round(t - t0, 3),
        "assigned": len(chosen),
        "total_score": round(float(sum(score[i, j] for i, j in chosen)), 6),
    }
    # greedy by score
    order = np.dstack(np.unravel_index(np.argsort(-score, axis=None, kind="stable"), score.shape))[
        0
    ]
    cap = [m.capacity for m in sorted(mentors, key=lambda m: m.id)]
    done, total, got = set(), 0.0, []
    for i, j in order:
        if i not in done and cap[j] > 0:
            done.add(i)
            cap[j] -= 1
            total += score[i, j]
            got.append(score[i, j])
    res["greedy"] = {
        "assigned": len(done),
        "total_score": round(total, 6),
        "min_score": round(min(got), 6),
    }
    # the `matching` package (stable), on a smaller instance: it is slow
    from matching.games import HospitalResident

    se, sm = stable_n
    small_m, small_e = mentors[:sm], mentees[:se]
    t = time.perf_counter()
    ours = assign_mentors(small_m, small_e, MentorOptions(method="stable", semantic=False))
    ours_t = time.perf_counter() - t
    sc = {(e.id, m.id): score_pair(e, m)[0] for e in small_e for m in small_m}  # type: ignore[index]
    r_prefs = {
        e.id: sorted((m.id for m in small_m), key=lambda mid: (-sc[(e.id, mid)], mid))
        for e in small_e
    }
    eidx = {e.id: i for i, e in enumerate(sorted(small_e, key=lambda e: e.id))}
    h_prefs = {
        m.id: sorted((e.id for e in small_e), key=lambda eid: (-sc[(eid, m.id)], eidx[eid]))
        for m in small_m
    }
    caps = {m.id: m.capacity for m in small_m}
    t = time.perf_counter()
    game = HospitalResident.create_from_dictionaries(r_prefs, h_prefs, caps)
    solved = game.solve(optimal="resident")
    pkg_t = time.perf_counter() - t
    pkg = {str(e): str(h) for h, es in solved.items() for e in es}
    same = all(pkg.get(a.mentee_id) == a.mentor_id for a in ours.assignments)
    res["stable_vs_matching_pkg"] = {
        "mentees": se,
        "mentors": sm,
        "engine_seconds": round(ours_t, 3),
        "matching_pkg_seconds": round(pkg_t, 3),
        "same_assignment": same,
    }
    return {"mentees": n_e, "mentors": n_m, "methods": res}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--speed", action="store_true", help="only the speed section")
    args = parser.parse_args()
    q = args.quick
    started = time.perf_counter()
    if args.speed:
        run_speed(q, started)
        return

    rows = []
    results = []
    for n, rounds in [(20, 19)] if q else [(20, 19), (40, 39), (1000, 30)]:
        r = pairs_rounds(n, rounds, nx_limit=100)
        results.append(r)
        base = r["methods"]["engine"]
        for name, s in r["methods"].items():
            ratio = s["seconds"] / base["seconds"] if base["seconds"] else 0
            rows.append(
                [
                    n,
                    rounds,
                    name,
                    s["repeats"],
                    s.get("max_excess", "-") if name == "engine" else "-",
                    s["seconds"],
                    f"{ratio:.2f}",
                ]
            )
    save("pairs_rounds", results)
    table(
        "Pairs, round by round (output fed back as history)",
        ["n", "rounds", "method", "repeats", "max excess/round", "seconds", "time vs engine"],
        rows,
    )

    seasons = [pairs_season(n) for n in ([20] if q else [20, 40, 1000])]
    save("pairs_season", seasons)
    table(
        "Pairs planned at once (--rounds n-1)",
        ["n", "rounds", "repeats", "seconds"],
        [[s["members"], s["rounds"], s["repeat_pairs"], s["seconds"]] for s in seasons],
    )

    cons = constrained(60 if q else 400, 3 if q else 8)
    save("pairs_constrained", cons)
    table(
        f"Pairs with teams, time zones, availability (min 2 h), do-not-pair, n={cons['members']}",
        list(cons["rounds"][0].keys()),
        [list(r.values()) for r in cons["rounds"]],
    )

    cases = (
        [(9, 4), (15, 7), (30, 14)]
        if q
        else [
            (9, 4),
            (15, 7),
            (16, 7),
            (18, 8),
            (20, 9),
            (21, 10),
            (27, 13),
            (30, 14),
            (33, 16),
            (45, 22),
            (51, 25),
            (81, 40),
            (99, 49),
            (150, 74),
        ]
    )
    tri = []
    for n, rounds in cases:
        tri.append(triads(n, rounds, season=False))
        tri.append(triads(n, rounds, season=True, limit=2.0 if q else 5.0))
    save("triads", tri)
    table(
        "Triads: repeat-free rounds",
        ["n", "mode", "rounds", "repeat-free", "max", "repeats", "seconds"],
        [
            [
                t["members"],
                t["mode"],
                t["rounds"],
                t["repeat_free_rounds"],
                t["max_possible"],
                t["repeats"],
                t["seconds"],
            ]
            for t in tri
        ],
    )
    cover = design_coverage(1000)
    save("triad_designs", cover)
    print(
        f"\nTriad designs known for {cover['known']} of {cover['orders']} orders "
        f"n = 0 or 3 (mod 6), 9..1000 (built in {cover['seconds']} s); "
        f"none for: {cover['missing']}"
    )

    mq = mentors_quality(*((300, 30, (100, 10)) if q else (2000, 200, (400, 40))))
    save("mentors_quality", mq)
    table(
        f"Mentors {mq['mentees']} x {mq['mentors']}",
        ["method", "figures"],
        [[k, json.dumps(v)] for k, v in mq["methods"].items()],
    )

    run_speed(q, started)


def run_speed(q: bool, started: float) -> None:
    load_before = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory() as d:
        sp = speed(Path(d), *((5000, 3000, 1000, 100) if q else (100_000, 30_000, 10_000, 1_000)))
    # wall times depend on what else runs on the machine: record the load around the run
    sp["machine"] = {
        "cpus": os.cpu_count(),
        "load_average_1min_before": load_before,
        "load_average_1min_after": round(os.getloadavg()[0], 2),
    }
    save("speed", sp)
    table(
        "Speed: whole command wall time (python -m peerly.matching ...)",
        ["case", "figures"],
        [[k, json.dumps(v)] for k, v in sp.items()],
    )
    print(f"\nbench finished in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
