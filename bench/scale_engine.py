"""The matching engine at scale, on realistic inputs (bench/gen.py), before and after.

    python bench/scale_engine.py                 # full (~8-10 min on 2 cores, both codes)
    python bench/scale_engine.py --quick         # small sizes, ~1 min
    python bench/scale_engine.py --before none   # only the current code
    python bench/scale_engine.py --case rounds   # one case (pairs, triads, rounds, no_overlap)

Every case runs the whole command (`python -m peerly.matching groups ...`: start-up, CSV
reading, solving, explaining, writing) in a child process and records its wall time and
peak memory.  ``--before REF`` (default: the commit before the scale work) extracts that
commit's engine with ``git archive`` into a temporary directory and runs the same cases on it
in the same sitting, so the two columns share the machine's load; the load average
(``os.getloadavg``) is written next to every figure.  Results: bench/results/scale_engine.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen  # noqa: E402

RESULTS = ROOT / "bench" / "results"
BEFORE_REF = "c077f34"  # the engine before the scale work (issue 19)
REFERENCE = "2027-01-11"  # availability converted for one fixed week: same input every run
MIN_OVERLAP = "1"  # hours
TIMEOUT = 240  # seconds per command: the old engine's slow paths are stopped, not waited for


def load() -> float:
    return round(os.getloadavg()[0], 2)


def extract(ref: str, into: Path) -> Path:
    """The engine (and the one module it borrows) of commit ``ref``, as an importable tree."""
    # peerly/__init__.py too: without it the extracted tree is only a namespace portion and
    # the editable install's regular package (this checkout) would be imported instead
    paths = ["src/peerly/__init__.py", "src/peerly/matching", "src/peerly/core/csvsafe.py"]
    archive = into / "engine.tar"
    with archive.open("wb") as f:
        subprocess.run(["git", "archive", ref, *paths], cwd=ROOT, stdout=f, check=True)  # noqa: S603, S607
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    (into / "src" / "peerly" / "core" / "__init__.py").touch()
    return into / "src"


def run_groups(src: Path, members: Path, size: int, out: Path, history: Path | None) -> dict:
    argv = [
        "groups",
        "--members",
        str(members),
        "--size",
        str(size),
        "--min-overlap",
        MIN_OVERLAP,
        "--reference",
        REFERENCE,
        "--out",
        str(out),
        "--report",
        str(out.with_suffix(".json")),
    ]
    if history is not None:
        argv += ["--history", str(history)]
    code = (
        "import resource, sys; from peerly.matching.cli import main; rc = main(sys.argv[1:]);"
        "u = resource.getrusage(resource.RUSAGE_SELF);"
        "sys.stderr.write('MAXRSS %d CPU %.2f\\n' % (u.ru_maxrss, u.ru_utime + u.ru_stime));"
        "sys.exit(rc)"
    )
    before = load()
    started = time.perf_counter()
    try:
        proc = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code, *argv],
            env={"PYTHONPATH": str(src), "PATH": "", "OPENBLAS_NUM_THREADS": "1"},
            capture_output=True,
            text=True,
            check=False,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return {"seconds": f"> {TIMEOUT} (stopped)", "load_before": before, "load_after": load()}
    seconds = time.perf_counter() - started
    if proc.returncode:
        raise RuntimeError(proc.stderr)
    report = json.loads(out.with_suffix(".json").read_text())
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": float(proc.stderr.split("CPU")[-1].split()[0]),
        "peak_mb": int(proc.stderr.split("MAXRSS")[1].split()[0]) // 1024,
        "load_before": before,
        "load_after": load(),
        "groups": report["groups"],
        "group_sizes": report["group_sizes"],
        "repeat_pairs": report["repeat_pairs"],
        "unavoidable_repeat_pairs": report["unavoidable_repeat_pairs"],
        "unavoidable_exact": report["unavoidable_exact"],
        "excess_repeat_pairs": report["excess_repeat_pairs"],
        "cross_team_rate": report["cross_team_rate"],
        "achievable_cross_team_rate": report["achievable_cross_team_rate"],
        "mean_overlap_hours": report["mean_overlap_hours"],
        "hard_rule_violations": report["hard_rule_violations"],
        "unmatched": len(report["unmatched"]),
    }


def one_shot(src: Path, tmp: Path, name: str, n: int, size: int, history_rounds: int, **kw) -> dict:
    rows = gen.members(n, seed=n, **kw)
    members = tmp / f"{name}_members.csv"
    gen.write_members(members, rows)
    history = None
    if history_rounds:
        history = tmp / f"{name}_history.csv"
        gen.write_random_history(history, [r.id for r in rows], history_rounds, size)
    return run_groups(src, members, size, tmp / f"{name}_out.csv", history)


def own_history(src: Path, tmp: Path, n: int, rounds: int) -> dict:
    """``rounds`` rounds of pairs, each round's output appended to the history of the next."""
    rows = gen.members(n, seed=n)
    members = tmp / "rounds_members.csv"
    gen.write_members(members, rows)
    history = tmp / "rounds_history.csv"
    history.write_text("round,group,member_id\n")
    per_round = []
    for number in range(1, rounds + 1):
        out = tmp / "rounds_out.csv"
        figures = run_groups(src, members, 2, out, history if number > 1 else None)
        figures["round"] = number
        per_round.append(figures)
        if not isinstance(figures["seconds"], float):
            break  # stopped: no output to feed back
        with out.open() as f, history.open("a", newline="") as h:
            writer = csv.writer(h)
            for row in csv.DictReader(f):
                writer.writerow([number, row["group"], row["member_id"]])
    done = [r for r in per_round if isinstance(r["seconds"], float)]
    return {
        "rounds": per_round,
        "max_ratio_to_round_1": round(max(r["seconds"] for r in done) / done[0]["seconds"], 2),
        "excess_repeat_pairs": sum(r["excess_repeat_pairs"] for r in done),
        "excess_when_exact": sum(r["excess_repeat_pairs"] for r in done if r["unavoidable_exact"]),
        "stopped": len(done) < len(per_round),
    }


def cases(quick: bool) -> dict[str, Any]:
    if quick:
        return {
            "pairs": ("pairs_10k", 10_000, 2, 12, {}),
            "triads": ("triads_3k", 3_000, 3, 12, {}),
            "rounds": (500, 12),
            "no_overlap": [("no_overlap_2500_of_6250", 6_250, 2, 0, {"no_overlap": 2_500})],
        }
    return {
        "pairs": ("pairs_100k", 100_000, 2, 12, {}),
        "triads": ("triads_30k", 30_000, 3, 12, {}),
        "rounds": (2_000, 12),
        "no_overlap": [
            ("no_overlap_5000_of_12500", 12_500, 2, 0, {"no_overlap": 5_000}),
            ("blank_5000_of_12500", 12_500, 2, 0, {"blank": 5_000}),
        ],
    }


def run_all(src: Path, quick: bool, only: list[str] | None) -> dict:
    out: dict[str, object] = {}
    plan = cases(quick)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for key in ("pairs", "triads"):
            if only is None or key in only:
                name, *args = plan[key]
                out[name] = one_shot(src, tmp, name, *args[:3], **args[3])
                print(f"  {name}: {json.dumps(out[name])}", flush=True)
        if only is None or "rounds" in only:
            n, rounds = plan["rounds"]
            out[f"own_history_{n}x{rounds}"] = res = own_history(src, tmp, n, rounds)
            secs = [r["seconds"] for r in res["rounds"]]  # type: ignore[index]
            print(
                f"  own history {n}x{rounds}: seconds {secs}, excess {res['excess_repeat_pairs']}"
            )
        if only is None or "no_overlap" in only:
            for name, *args in plan["no_overlap"]:
                out[name] = one_shot(src, tmp, name, *args[:3], **args[3])
                print(f"  {name}: {json.dumps(out[name])}", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--before", default=BEFORE_REF, help="git ref of the old engine, or none")
    parser.add_argument(
        "--case",
        action="append",
        choices=("pairs", "triads", "rounds", "no_overlap"),
        help="run only this case (repeatable)",
    )
    parser.add_argument("--name", help="results file name (default scale_engine[_quick])")
    args = parser.parse_args()
    started = time.perf_counter()
    result: dict[str, object] = {
        "machine": {"cpus": os.cpu_count(), "load_average_1min_start": load()},
        "inputs": "bench/gen.py: weighted zones, 2-5 local weekly windows, Zipf teams, 3 % "
        f"do-not-pair; --min-overlap {MIN_OVERLAP} h; reference week {REFERENCE}",
    }
    with tempfile.TemporaryDirectory() as d:
        if args.before != "none":
            print(f"before ({args.before}):", flush=True)
            result["before"] = {
                "ref": args.before,
                **run_all(extract(args.before, Path(d)), args.quick, args.case),
            }
        print("after (this checkout):", flush=True)
        result["after"] = run_all(ROOT / "src", args.quick, args.case)
    result["machine"]["load_average_1min_end"] = load()  # type: ignore[index]
    result["seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = args.name or ("scale_engine_quick" if args.quick else "scale_engine")
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote bench/results/{name}.json in {result['seconds']} s")


if __name__ == "__main__":
    main()
