# ruff: noqa: S603, S607 - runs our own gunicorn, peerly and psql on loopback
"""Pages and API at community scale, served by gunicorn against PostgreSQL (issue 19).

    python bench/web_scale.py                       # 200 and 10,000 members
    python bench/web_scale.py --sizes 2000 --requests 40
    python bench/web_scale.py --before HEAD              # HEAD's code, then this checkout

For each size: a fresh PostgreSQL database (`--db`, default peerly_bench_web; dropped and
created), `peerly migrate`, a seeded community (bulk inserts, not the demo: N members with
profiles and teams, one coffee programme everybody is in, `--rounds` past rounds of pairs with
answers ≈ two years at one round a month, a few unmatched), `collectstatic`, then gunicorn
(`--workers`, DEBUG off) on 127.0.0.1. Every page is fetched `--requests` times one after the
other by a signed-in organiser or member (after warm-up), and /healthz the same number of
times in the same run: p50/p95 in ms and as a ratio to /healthz (the floor this machine gives
Django). The log-in (password hashing) is timed separately. The machine's load average is
recorded before and after. Results: bench/results/web_scale.json.

With `--before REF`, REF's code (`git archive`) gets its own database (`<db>_before`, REF's
migrations, the same deterministic seed) and its own gunicorn next to this checkout's; every
page is fetched from the two in turn (before, after, before, …) so both see the same load, and
the JSON holds both (`before` and the run's own `pages`), printed side by side.

Also the import of 5,000 rows (`--import-rows`), timed in-process against the same database.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results" / "web_scale.json"
PASSWORD = "bench-Password-1234"  # noqa: S105 - a throwaway database on loopback
TEAMS = [f"Team {i:02d}" for i in range(40)]
ZONES = ["Europe/Berlin", "Europe/London", "America/New_York", "Asia/Kolkata", "UTC"]
ORGANISER_EMAIL = "organiser@bench.example"
MEMBER_EMAIL = "member0@bench.example"


# ------------------------------------------------------------------ environment
def server_env(db: str, static_root: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{db}",
        DEBUG="0",
        SECRET_KEY="bench-" + "k" * 60,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_COOKIES="0",
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=static_root,
        TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",  # no email sent from pages
        EMAIL_URL="locmem://",
        PYTHONPATH=str(ROOT / "src"),
    )
    return env


def recreate_db(db: str, *, create: bool = True) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        if create:
            c.execute(f'CREATE DATABASE "{db}"')


# ------------------------------------------------------------------ seeding (child process)
def seed(members: int, rounds: int) -> dict[str, object]:
    """Bulk-insert a community of `members` (runs inside Django)."""
    import django

    django.setup()
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from peerly.accounts.models import Profile
    from peerly.accounts.models import User
    from peerly.programs.models import Enrollment
    from peerly.programs.models import EnrollmentStatus
    from peerly.programs.models import ProgramStatus
    from peerly.programs.services import create_program
    from peerly.rounds.models import GroupMember
    from peerly.rounds.models import Round
    from peerly.rounds.models import RoundGroup
    from peerly.rounds.models import UnmatchedMember

    t0 = time.perf_counter()
    rng = random.Random(19)
    hashed = make_password(PASSWORD)  # hashed once, shared by every bench account
    now = timezone.now()
    batch = 2000
    with transaction.atomic():
        organiser = User.objects.create(
            email=ORGANISER_EMAIL, display_name="Bench Organiser", password=hashed
        )
        Profile.objects.create(user=organiser, timezone="Europe/Berlin", team="Team 00")
        users = [
            User(
                email=f"member{i}@bench.example",
                display_name=f"Member {i:05d}",
                password=hashed,
                email_confirmed_at=now,
            )
            for i in range(members)
        ]
        User.objects.bulk_create(users, batch_size=batch)
        Profile.objects.bulk_create(
            [
                Profile(
                    user=u,
                    team=TEAMS[i % len(TEAMS)],
                    timezone=ZONES[i % len(ZONES)],
                    languages="English",
                    skills="python, facilitation" if i % 3 == 0 else "design",
                    interests="chess, running" if i % 2 else "cooking",
                )
                for i, u in enumerate(users)
            ],
            batch_size=batch,
        )
        program = create_program(
            actor=None,
            values={
                "kind": "coffee",
                "name": "Bench Coffee",
                "slug": "bench-coffee",
                "status": ProgramStatus.ACTIVE,
            },
            organisers=[organiser],
        )
        Enrollment.objects.bulk_create(
            [
                Enrollment(
                    program=program,
                    user=u,
                    status=EnrollmentStatus.ACTIVE,
                    # joined over two years (the cohort table has 24 cohorts)
                    joined_at=now - dt.timedelta(days=(i * 7) % (30 * rounds + 1)),
                )
                for i, u in enumerate(users)
            ],
            batch_size=batch,
        )
        answers = ["all", "some", "none", ""]
        start = timezone.localdate() - dt.timedelta(days=30 * rounds)
        for n in range(1, rounds + 1):
            day = start + dt.timedelta(days=30 * (n - 1))
            round_ = Round.objects.create(
                program=program,
                number=n,
                published_at=now - dt.timedelta(days=30 * (rounds - n + 1)),
                meets_from=day,
                meet_by=day + dt.timedelta(days=14),
                status="closed" if n < rounds else "published",
            )
            order = users[:]
            rng.shuffle(order)
            left_out = order[-(members % 2 + 2) :] if members > 10 else []
            paired = order[: len(order) - len(left_out)]
            groups = [
                RoundGroup(round=round_, number=g + 1, score=1.0) for g in range(len(paired) // 2)
            ]
            RoundGroup.objects.bulk_create(groups, batch_size=batch)
            rows = []
            for g, group in enumerate(groups):
                for u in paired[2 * g : 2 * g + 2]:
                    answer = rng.choice(answers) if n < rounds else ""
                    rows.append(
                        GroupMember(
                            group=group,
                            round=round_,
                            user=u,
                            answer=answer,
                            rating=rng.randint(3, 5) if answer in ("all", "some") else None,
                        )
                    )
            GroupMember.objects.bulk_create(rows, batch_size=batch)
            UnmatchedMember.objects.bulk_create(
                [
                    UnmatchedMember(round=round_, user=u, reason="no_common_availability")
                    for u in left_out
                ]
            )
    try:  # the stored network summary that `peerly tick` keeps (the network page reads it)
        from peerly.evaluation import network
    except ImportError:  # a --before tree from before the network page
        network = None  # type: ignore[assignment]
    if network is not None:
        network.refresh(program)
    return {
        "members": members,
        "rounds": rounds,
        "group_members": GroupMember.objects.count(),
        "seconds": round(time.perf_counter() - t0, 1),
    }


def time_import(rows: int) -> dict[str, object]:
    """The organiser's import of `rows` new members (parse + apply), in-process."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from peerly.accounts.models import User
    from peerly.programs import importing
    from peerly.programs.models import Program

    program = Program.objects.get(slug="bench-coffee")
    actor = User.objects.get(email=ORGANISER_EMAIL)
    lines = ["email,display_name,team,timezone,languages,skills"]
    lines += [
        f"imported{i}@bench.example,Imported {i},{TEAMS[i % 40]},Europe/Berlin,English,python"
        for i in range(rows)
    ]
    data = "\n".join(lines).encode()
    t0 = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        preview = importing.parse_members_csv(data, program=program)
        result = importing.apply_import(preview=preview, program=program, actor=actor)
    seconds = time.perf_counter() - t0
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "queries": len(ctx.captured_queries),
        "created": result.created_accounts,
        "note": "parse + apply in one process; the welcome emails are rendered by a "
        "background task after commit (not included)",
    }


# ------------------------------------------------------------------ HTTP measurement
def login(session, base: str, email: str) -> float:  # type: ignore[no-untyped-def]
    page = session.get(f"{base}/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the log-in page"
    t0 = time.perf_counter()
    r = session.post(
        f"{base}/accounts/login/",
        data={
            "username": email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1),
        },
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
    )
    took = time.perf_counter() - t0
    assert r.status_code == 302, f"log-in failed for {email}: {r.status_code}"
    return took


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(session, url: str, n: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    for _ in range(3):  # warm-up (connections, template caches)
        session.get(url)
    times, size, status = [], 0, 0
    for _ in range(n):
        t0 = time.perf_counter()
        r = session.get(url)
        body = r.content
        times.append((time.perf_counter() - t0) * 1000)
        size, status = len(body), r.status_code
        if status != 200:
            break
    return {
        "status": status,
        "bytes": size,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(pct(times, 0.95), 1),
    }


def wait_for(base: str, timeout: float = 60) -> None:
    import requests

    end = time.time() + timeout
    while time.time() < end:
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz")


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "peerly.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def pages(base: str, latest_round: int) -> list[tuple[str, str, str]]:
    """(name, who, url): member pages as a member, organiser pages as the organiser."""
    p = f"{base}/programs/bench-coffee"
    return [
        ("healthz", "anonymous", f"{base}/healthz"),
        ("home", "member", f"{base}/"),
        ("directory", "member", f"{base}/programs/"),
        ("coffee member page", "member", f"{p}/coffee/"),
        ("coffee manage (rounds list)", "organiser", f"{p}/coffee/manage/"),
        ("coffee round page", "organiser", f"{p}/coffee/manage/rounds/{latest_round}/"),
        ("coffee report", "organiser", f"{p}/coffee/manage/report/"),
        ("member list", "organiser", f"{p}/manage/"),
        ("member list, team filter", "organiser", f"{p}/manage/?team=Team+07"),
        ("member list, search", "organiser", f"{p}/manage/?q=member1"),
        (
            "API programme members",
            "organiser",
            f"{base}/api/v1/programs/bench-coffee/members",
        ),
        ("members export (CSV, all)", "organiser", f"{p}/manage/export.csv"),
        ("metrics dashboard", "organiser", f"{base}/metrics/dashboard/bench-coffee/"),
        (
            "metrics dashboard, dates (computed live)",
            "organiser",
            f"{base}/metrics/dashboard/bench-coffee/?since=2025-01-01",
        ),
        (
            "metrics dashboard, team + dates",
            "organiser",
            f"{base}/metrics/dashboard/bench-coffee/?team=Team+07&since=2025-06-01",
        ),
        (
            "metrics dashboard (JSON)",
            "organiser",
            f"{base}/metrics/dashboard/bench-coffee/?format=json",
        ),
        ("metrics overview", "organiser", f"{base}/metrics/overview/"),
        ("metrics targets", "organiser", f"{base}/metrics/targets/bench-coffee/"),
        ("metrics network", "organiser", f"{base}/metrics/network/bench-coffee/"),
        (
            "API metrics figures",
            "organiser",
            f"{base}/api/v1/metrics/programs/bench-coffee/figures",
        ),
        (
            "API metrics cohorts",
            "organiser",
            f"{base}/api/v1/metrics/programs/bench-coffee/cohorts",
        ),
    ]


ORGANISER_PAGES_BUDGET_MS = 250
MEMBER_PAGES_BUDGET_MS = 100
# issue 15: "Dashboards at 10,000 members and two years of rounds render in ≤ 300 ms"
DASHBOARD_PAGES = (
    "metrics dashboard",
    "metrics dashboard, dates (computed live)",
    "metrics dashboard, team + dates",
    "metrics dashboard (JSON)",
    "metrics overview",
    "metrics targets",
    "metrics network",
)
PAGE_BUDGETS_MS = dict.fromkeys(DASHBOARD_PAGES, 300)


def _child_json(env: dict[str, str], *argv: str) -> dict:
    """Run this script's sub-command `argv` with Django set up; its last stdout line is JSON."""
    out = subprocess.run(
        [sys.executable, __file__, *argv],
        env={**env, "DJANGO_SETTINGS_MODULE": "peerly.settings"},
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def source_tree(ref: str) -> Path:
    """`ref`'s src/ exported to a temporary directory (`git archive`: reads the repository,
    writes nothing to it), for the "before" server of a side-by-side run."""
    out = Path(tempfile.mkdtemp(prefix="peerly-bench-before-"))
    archive = subprocess.run(
        ["git", "archive", ref, "src"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive, check=True)
    return out / "src"


def prepare_db(args: argparse.Namespace, db: str, src: Path, members: int) -> dict[str, object]:
    """A fresh database `db`, migrated and seeded by the code in `src`."""
    env = {**server_env(db, args.static_root), "PYTHONPATH": str(src)}
    recreate_db(db)
    subprocess.run([str(BIN / "peerly"), "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    seeded = _child_json(env, "_seed", str(members), str(args.rounds))
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            db,
            "-qc",
            "VACUUM ANALYZE",
        ],
        check=True,
    )
    print(
        f"  {db}: seeded {members} members, {seeded['group_members']} memberships in "
        f"{seeded['seconds']} s",
        flush=True,
    )
    return seeded


def _rows(times: list[float], size: int, status: int, who: str) -> dict[str, object]:
    return {
        "who": who,
        "status": status,
        "bytes": size,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(pct(times, 0.95), 1),
    }


def measure_servers(
    args: argparse.Namespace, bases: dict[str, str]
) -> dict[str, dict[str, object]]:
    """Every page on every server, one fetch each in turn (before, after, before, …), so the
    servers share whatever load the machine has at that moment."""
    import requests

    sessions: dict[str, dict[str, requests.Session]] = {}
    logins: dict[str, list[float]] = {}
    for label, base in bases.items():
        wait_for(base)
        sessions[label] = {"anonymous": requests.Session()}
        logins[label] = []
        for who, email in (("organiser", ORGANISER_EMAIL), ("member", MEMBER_EMAIL)):
            sessions[label][who] = requests.Session()
            logins[label].append(login(sessions[label][who], base, email))
        for i in range(1, 6):
            logins[label].append(login(requests.Session(), base, f"member{i}@bench.example"))
    load_before = os.getloadavg()
    rows: dict[str, dict[str, dict[str, object]]] = {label: {} for label in bases}
    chosen = re.compile(args.pages) if args.pages else None
    for name, who, path in pages("", args.rounds):
        if chosen is not None and name != "healthz" and not chosen.search(name):
            continue
        times: dict[str, list[float]] = {label: [] for label in bases}
        last: dict[str, tuple[int, int]] = {}
        for label, base in bases.items():
            for _ in range(3):  # warm-up (connections, template caches)
                sessions[label][who].get(base + path)
        for _ in range(args.requests):
            for label, base in bases.items():
                t0 = time.perf_counter()
                r = sessions[label][who].get(base + path)
                body = r.content
                times[label].append((time.perf_counter() - t0) * 1000)
                last[label] = (r.status_code, len(body))
        for label in bases:
            rows[label][name] = _rows(times[label], last[label][1], last[label][0], who)
        print(
            f"  {name:<30} "
            + "  ".join(
                f"{label} {rows[label][name]['p50_ms']:>7} p50 {rows[label][name]['p95_ms']:>7} "
                f"p95 {rows[label][name]['status']} {rows[label][name]['bytes']} B"
                for label in bases
            ),
            flush=True,
        )
    load_after = os.getloadavg()
    out: dict[str, dict[str, object]] = {}
    for label in bases:
        floor = rows[label]["healthz"]["p50_ms"] or 1.0
        for name, row in rows[label].items():
            row["p50_ratio_to_healthz"] = round(row["p50_ms"] / floor, 1)  # type: ignore[operator]
            row["p95_ratio_to_healthz"] = round(row["p95_ms"] / floor, 1)  # type: ignore[operator]
            if name != "healthz":
                budget = PAGE_BUDGETS_MS.get(
                    name,
                    ORGANISER_PAGES_BUDGET_MS
                    if row["who"] == "organiser"
                    else MEMBER_PAGES_BUDGET_MS,
                )
                row["budget_p95_ms"] = budget
                row["within_budget"] = row["p95_ms"] <= budget  # type: ignore[operator]
        out[label] = {
            "pages": rows[label],
            "login_ms": {
                "p50": round(statistics.median(logins[label]) * 1000, 1),
                "max": round(max(logins[label]) * 1000, 1),
                "n": len(logins[label]),
            },
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
        }
    return out


def run_size(args: argparse.Namespace, members: int, before: Path | None) -> dict[str, object]:
    """Seed and serve this checkout; with `before`, also REF's code on its own database
    (`<db>_before`, REF's migrations, the same seeded data), both served at once and fetched
    in turn."""
    args.static_root = tempfile.mkdtemp(prefix="peerly-bench-static-")
    env = server_env(args.db, args.static_root)
    subprocess.run(
        [str(BIN / "peerly"), "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
        cwd=ROOT,
    )
    targets = {"after": (args.db, ROOT / "src")}
    if before is not None:
        targets = {"before": (f"{args.db}_before", before), **targets}
    seeded = {label: prepare_db(args, db, src, members) for label, (db, src) in targets.items()}
    servers = {}
    bases = {}
    try:
        for i, (label, (db, src)) in enumerate(targets.items()):
            server_env_ = {**server_env(db, args.static_root), "PYTHONPATH": str(src)}
            servers[label] = start_gunicorn(server_env_, args.port + i, args.workers)
            bases[label] = f"http://127.0.0.1:{args.port + i}"
        measured = measure_servers(args, bases)
    finally:
        for proc in servers.values():
            stop(proc)
    result: dict[str, object] = {"members": members, "seeded": seeded["after"]}
    if before is not None:
        result["before"] = measured["before"]
    result.update(measured["after"])
    imported = None
    if args.import_rows:
        imported = _child_json(env, "_import", str(args.import_rows))
        print(
            f"  import {args.import_rows} rows: {imported['seconds']} s, "
            f"{imported['queries']} queries",
            flush=True,
        )
    result["import"] = imported
    if before is not None:
        print_side_by_side(result)
        recreate_db(f"{args.db}_before", create=False)
    return result


def print_side_by_side(result: dict[str, object]) -> None:
    before = result["before"]["pages"]  # type: ignore[index]
    after = result["pages"]
    print(
        f"  {'page':<30} {'before p95':>11} {'after p95':>10} {'before ×hz':>11} {'after ×hz':>10}"
    )
    for name, row in after.items():  # type: ignore[attr-defined]
        old = before.get(name, {})
        print(
            f"  {name:<30} {old.get('p95_ms', '-'):>11} {row['p95_ms']:>10} "
            f"{old.get('p50_ratio_to_healthz', '-'):>11} {row['p50_ratio_to_healthz']:>10}"
        )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_seed":  # by the code in PYTHONPATH (before/after)
        sys.path.insert(0, os.environ.get("PYTHONPATH") or str(ROOT / "src"))
        print(json.dumps(seed(int(sys.argv[2]), int(sys.argv[3]))))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_import":
        sys.path.insert(0, str(ROOT / "src"))
        print(json.dumps(time_import(int(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="200,10000", help="comma-separated member counts")
    parser.add_argument("--rounds", type=int, default=24, help="past rounds (one a month)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--db", default="peerly_bench_web")
    parser.add_argument("--import-rows", type=int, default=5000)
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument(
        "--pages", default="", help="a regular expression: time only the pages it finds"
    )
    parser.add_argument(
        "--before",
        default="",
        help="a git ref (e.g. HEAD) to serve and time first on the same data: before/after",
    )
    args = parser.parse_args()
    before = source_tree(args.before) if args.before else None
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    runs = []
    for size in [int(s) for s in args.sizes.split(",")]:
        print(f"{size} members", flush=True)
        runs.append(run_size(args, size, before))
    out = {
        "what": "issue 19: pages and API at community scale (gunicorn + PostgreSQL, loopback)",
        "started_utc": started,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "gunicorn_workers": args.workers,
        "requests_per_page": args.requests,
        "rounds_of_history": args.rounds,
        "before_ref": args.before or None,
        "before_commit": (
            subprocess.run(
                ["git", "rev-parse", args.before],
                cwd=ROOT,
                capture_output=True,
                text=True,
            ).stdout.strip()
            if args.before
            else None
        ),
        "runs": runs,
    }
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
