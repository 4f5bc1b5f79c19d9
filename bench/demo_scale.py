"""How long `peerly demo --members N` takes (issue 19: ≤ 60 s at 10,000, 50,000 working).

    python bench/demo_scale.py                                   # SQLite: 200, 10k, 50k
    python bench/demo_scale.py --postgres postgres://postgres@127.0.0.1:5432/bench_demo
    python bench/demo_scale.py --before HEAD --before-sizes 200 2000   # and the old loader

Each run is the whole command in a fresh database (migrated first, untimed): wall time, the
build time the command prints, the child's CPU time and peak memory, and the machine's load
average before and after (timings on a shared machine move with its load; CPU seconds much
less). `--before REV` runs the loader of another revision (`git archive REV`, read only) in
the same sitting, with a time limit, for a before/after side by side. Results are written to
bench/results/demo_scale.json (merged by backend, so SQLite and PostgreSQL runs can be made
one after the other).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "demo_scale.json"
PEERLY = [sys.executable, "-m", "peerly.cli"]


def _run(args: list[str], env: dict[str, str], timeout: float, cwd: Path) -> dict[str, object]:
    """Run one command; wall time, the child's CPU and peak memory (from wait4)."""
    started = time.monotonic()
    proc = subprocess.Popen(  # noqa: S603 - our own command line
        args, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            return {"finished": False, "wall_seconds": round(time.monotonic() - started, 1)}
        time.sleep(0.2)
    wall = time.monotonic() - started
    out = proc.stdout.read().decode() if proc.stdout else ""
    built = re.search(r"loaded in ([0-9.]+) s", out)
    return {
        "finished": os.waitstatus_to_exitcode(status) == 0,
        "exit_code": os.waitstatus_to_exitcode(status),
        "wall_seconds": round(wall, 1),
        "build_seconds": float(built.group(1)) if built else None,
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "output_tail": out.strip().splitlines()[-1:] if not built else [],
    }


def _fresh_database(backend: str, url: str, workdir: Path, env: dict[str, str]) -> str:
    if backend == "sqlite":
        path = workdir / "demo.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    name = url.rsplit("/", 1)[1]
    base = url.rsplit("/", 1)[0]
    for command in (["dropdb", "--if-exists"], ["createdb"]):
        subprocess.run(  # noqa: S603
            [*command, "-h", re.sub(r".*@|:\d+$", "", base), "-U", "postgres", name],
            check=True,
            env=env,
        )
    return url


def _source(rev: str, workdir: Path) -> Path:
    """The src/ folder of revision `rev`, exported read only with `git archive`."""
    target = workdir / f"src-{re.sub(r'[^A-Za-z0-9]+', '_', rev)}"
    if not target.exists():
        data = subprocess.run(  # noqa: S603
            ["git", "archive", rev, "src"],  # noqa: S607 - git from PATH
            cwd=ROOT,
            check=True,
            capture_output=True,
        ).stdout
        with tarfile.open(fileobj=BytesIO(data)) as archive:
            archive.extractall(target, filter="data")
    return target / "src"


def measure(
    *, backend: str, url: str, size: int, src: Path, timeout: float, workdir: Path
) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(src), "DJANGO_SETTINGS_MODULE": "peerly.settings"}
    env.pop("PEERLY_HOME", None)
    env["DATABASE_URL"] = _fresh_database(backend, url, workdir, env)
    migrate = [*PEERLY, "migrate", "--verbosity", "0"]
    subprocess.run(migrate, env=env, check=True, cwd=workdir)  # noqa: S603
    load_before = os.getloadavg()[0]
    result = _run([*PEERLY, "demo", "--members", str(size)], env, timeout, workdir)
    return {
        "members": size,
        **result,
        "load_before": round(load_before, 1),
        "load_after": round(os.getloadavg()[0], 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 10_000, 50_000])
    parser.add_argument("--postgres", metavar="URL", help="measure PostgreSQL at this URL")
    parser.add_argument("--before", metavar="REV", help="also run this revision's loader")
    parser.add_argument("--before-sizes", type=int, nargs="+", default=[200, 2000])
    parser.add_argument("--timeout", type=float, default=600, help="seconds per run")
    parser.add_argument("--before-timeout", type=float, default=120, help="per before run")
    args = parser.parse_args()
    backend, url = ("postgresql", args.postgres) if args.postgres else ("sqlite", "")
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    with tempfile.TemporaryDirectory(prefix="demo-scale-") as tmp:
        workdir = Path(tmp)
        runs = []
        if args.before:
            old = _source(args.before, workdir)
            for size in args.before_sizes:
                row = measure(
                    backend=backend,
                    url=url,
                    size=size,
                    src=old,
                    timeout=args.before_timeout,
                    workdir=workdir,
                )
                sha = subprocess.run(  # noqa: S603
                    ["git", "rev-parse", "--short", args.before],  # noqa: S607
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                ).stdout.strip()
                runs.append({"code": f"before ({args.before} = {sha})", **row})
                print(json.dumps(runs[-1]))
        for size in args.sizes:
            row = measure(
                backend=backend,
                url=url,
                size=size,
                src=ROOT / "src",
                timeout=args.timeout,
                workdir=workdir,
            )
            runs.append({"code": "after (working tree)", **row})
            print(json.dumps(runs[-1]))
    results[backend] = {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "target": "--members 10000 <= 60 s; --members 50000 finishes",
        "note": "wall time on a shared machine grows with its load (see load_before/after); "
        "cpu_seconds is the loader's own CPU. The first 200 members are replayed through the "
        "services (the fixed cost, same as --members 200); the rest are batched inserts.",
        "runs": runs,
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
