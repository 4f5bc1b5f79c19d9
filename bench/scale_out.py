# ruff: noqa: S603, S607 - runs our own gunicorn, peerly, locust and psql on loopback
"""Past one machine (issue 19): two web instances, two workers and two ticks on ONE database.

    .venv/bin/python bench/scale_out.py                         # 2,000 members, 50 users, 120 s
    .venv/bin/python bench/scale_out.py --members 10000 --seconds 180

On this one machine, against one PostgreSQL database (`--db`, dropped and created, dropped
again at the end unless `--keep-db`), as if on two hosts "a" and "b":

1. seeds the load test's community (bench/web_scale.py's bulk seed: `--members` members,
   `--rounds` past rounds of the coffee programme "bench-coffee", whose automatic draw is
   switched off so that the organiser publishes by hand), plus a small second coffee
   programme "bench-auto" (`--auto-members`) whose weekly draw fell due five minutes ago,
   for the ticks to race on;
2. starts two gunicorn instances (`--web-workers` each, DEBUG off) and two `peerly db_worker`
   processes (ids host-a, host-b), every process with the database task backend and an email
   backend that appends one line per message actually sent to a log (`LogEmailBackend` below);
3. runs bench/locustfile.py against each instance at once (half the users each, log-ins spread
   out by `--spawn-rate`, stops itself after `--seconds`);
4. meanwhile the organiser logs in on a, opens the preview on b and presses Publish on b (the
   POST starts the job); the Job row is polled and the worker running it is killed with
   SIGKILL while it is queueing the emails (after the first batch of 500 was committed); its
   supervisor (the bench) starts it again under a new id a few seconds later;
5. from then on `peerly tick` is started on both hosts at the same moment every
   `--tick-every` seconds, as cron would, until the job is done: a tick requeues the job
   (`core.jobs.requeue_stale_jobs`) once its heartbeat is older than the stale threshold.
   That threshold is `core.jobs.STALE_AFTER`, 10 minutes, a module constant (no setting): the
   bench's workers and ticks run `peerly` through `run_peerly`, which sets it to
   `--stale-seconds` (90 s). The first tick also finds bench-auto's draw due. Two more ticks
   on both hosts at once follow: one under load, one after the workers drained the outbox;
6. checks from the database: one round N per programme and number, every member of the
   published round with exactly one announcement queued and (after draining) sent, every email
   sent at most once (the mail log's Message-IDs, `sent_at`, `attempts`), no job left running.

Writes bench/results/scale_out.json (load average at every step, sizes, commands). Every
process it starts runs in its own session and is stopped in a `finally`.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import csv
import datetime as dt
import hashlib
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend

sys.path.insert(0, str(Path(__file__).resolve().parent))

import web_scale

ROOT = web_scale.ROOT
BIN = web_scale.BIN
RESULTS = ROOT / "bench" / "results" / "scale_out.json"
PROGRAM = "bench-coffee"
AUTO_PROGRAM = "bench-auto"
MESSAGE_ID = re.compile(r"peerly-(\d+)@")


# ------------------------------------------------------------------ in the workers
class LogEmailBackend(BaseEmailBackend):
    """Email backend of the bench's processes: one line per message sent (Message-ID, to,
    pid) appended to $BENCH_MAIL_LOG, so that a message sent twice shows twice whatever the
    database says. One `write` per line on an O_APPEND file: lines of several processes
    never mix."""

    def send_messages(self, email_messages: Any) -> int:
        fd = os.open(os.environ["BENCH_MAIL_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            for message in email_messages:
                message_id = message.extra_headers.get("Message-ID", "")
                os.write(fd, f"{message_id}\t{','.join(message.to)}\t{os.getpid()}\n".encode())
        finally:
            os.close(fd)
        return len(email_messages)


# ------------------------------------------------------------------ children (Django set up)
def setup_programmes(auto_members: int) -> dict[str, Any]:
    """After web_scale's seed: the organiser publishes bench-coffee by hand (no automatic
    draw), and bench-auto's weekly draw fell due five minutes ago (for the ticks)."""
    import django

    django.setup()
    from django.utils import timezone

    from peerly.accounts.models import User
    from peerly.programs.models import Enrollment
    from peerly.programs.models import EnrollmentStatus
    from peerly.programs.models import Program
    from peerly.programs.models import ProgramStatus
    from peerly.programs.services import create_program
    from peerly.rounds.models import CoffeeSettings

    CoffeeSettings.objects.filter(program__slug=PROGRAM).update(auto_publish=False)
    organiser = User.objects.get(email=web_scale.ORGANISER_EMAIL)
    program = create_program(
        actor=None,
        values={
            "kind": "coffee",
            "name": "Bench Auto",
            "slug": AUTO_PROGRAM,
            "status": ProgramStatus.ACTIVE,
            "cadence": "weekly",
        },
        organisers=[organiser],
    )
    slot = (timezone.now() - dt.timedelta(minutes=5)).astimezone(dt.UTC)
    CoffeeSettings.objects.filter(program=program).update(
        auto_publish=True, draw_weekday=slot.weekday(), draw_time=slot.time().replace(second=0)
    )
    members = list(Enrollment.objects.filter(program__slug=PROGRAM).order_by("pk")[:auto_members])
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                program=program, user_id=e.user_id, status=EnrollmentStatus.ACTIVE, joined_at=slot
            )
            for e in members
        ]
    )
    return {
        "auto_members": len(members),
        "auto_draw_due_at": slot.replace(second=0, microsecond=0).isoformat(),
        "programmes": list(Program.objects.order_by("pk").values_list("slug", flat=True)),
    }


def check(mail_log: str) -> dict[str, Any]:
    """What the database (and the mail log) says after the run."""
    import django

    django.setup()
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from peerly.core.models import Job
    from peerly.notifications.models import OutboundEmail
    from peerly.rounds.models import GroupMember
    from peerly.rounds.models import Round

    sends: collections.Counter[int] = collections.Counter()
    pids: dict[int, set[str]] = collections.defaultdict(set)
    with open(mail_log) as fh:
        for line in fh:
            message_id, _to, pid = line.rstrip("\n").split("\t")
            found = MESSAGE_ID.search(message_id)
            if found:
                sends[int(found.group(1))] += 1
                pids[int(found.group(1))].add(pid)
    twice = {pk: n for pk, n in sends.items() if n > 1}
    emails = OutboundEmail.objects.all()
    sent_ids = set(emails.filter(sent_at__isnull=False).values_list("pk", flat=True))
    rounds = []
    recent = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)  # the seeded history is older
    for r in Round.objects.select_related("program").filter(published_at__gte=recent):
        members = set(GroupMember.objects.filter(round=r).values_list("user_id", flat=True))
        prefix = f"round-published:{r.pk}:user:"
        queued = list(
            emails.filter(key__startswith=prefix).values_list("key", "sent_at", "skipped_at")
        )
        queued_users = [int(k[len(prefix) :]) for k, _, _ in queued]
        rounds.append(
            {
                "programme": r.program.slug,
                "number": r.number,
                "rounds_with_this_number": Round.objects.filter(
                    program=r.program, number=r.number
                ).count(),
                "is_automatic": r.is_automatic,
                "members_drawn": len(members),
                "memberships": GroupMember.objects.filter(round=r).count(),
                "announcements_queued": len(queued),
                "announcements_distinct_members": len(set(queued_users)),
                "members_without_announcement": len(members - set(queued_users)),
                "announcements_to_non_members": len(set(queued_users) - members),
                "announcements_sent": sum(1 for _, s, _ in queued if s is not None),
                "announcements_skipped": sum(1 for _, _, k in queued if k is not None),
                "announcements_unsent": sum(1 for _, s, k in queued if s is None and k is None),
            }
        )
    per_programme = dict(
        Round.objects.values_list("program__slug").annotate(n=Count("pk")).order_by()
    )
    return {
        "rounds_per_programme": per_programme,
        "max_rounds_with_one_number": Round.objects.values("program", "number")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("n", flat=True)
        .first(),
        "published_in_this_run": rounds,
        "emails": {
            "rows": emails.count(),
            "distinct_keys": emails.values("key").distinct().count(),
            "by_kind": dict(
                collections.Counter(
                    k.split(":", 1)[0] for k in emails.values_list("key", flat=True)
                )
            ),
            "sent": len(sent_ids),
            "skipped": emails.filter(skipped_at__isnull=False).count(),
            "unsent": emails.filter(sent_at__isnull=True, skipped_at__isnull=True).count(),
            "attempts": dict(
                emails.filter(sent_at__isnull=False)
                .values_list("attempts")
                .annotate(n=Count("pk"))
                .order_by()
            ),
            "with_last_error": emails.exclude(last_error="").count(),
        },
        "mail_log": {
            "messages": sum(sends.values()),
            "distinct_emails": len(sends),
            "sent_more_than_once": len(twice),
            "examples_sent_twice": dict(list(twice.items())[:10]),
            "logged_but_not_marked_sent": len(set(sends) - sent_ids),
            "marked_sent_but_not_logged": len(sent_ids - set(sends)),
            "sending_processes": len({p for s in pids.values() for p in s}),
        },
        "jobs": list(
            Job.objects.order_by("pk").values(
                "pk", "key", "status", "attempts", "done", "total", "error", "result"
            )
        ),
        "jobs_not_finished": Job.objects.exclude(status__in=["done", "failed"]).count(),
        "task_results": dict(
            DBTaskResult.objects.values_list("status").annotate(n=Count("pk")).order_by()
        ),
        "task_results_left_running": list(
            DBTaskResult.objects.filter(status="RUNNING").values_list(
                "task_path", "args_kwargs", "worker_ids"
            )
        ),
    }


# ------------------------------------------------------------------ the orchestra
class Processes:
    """Every process the bench starts, each in its own session (killed as a group)."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: dict[str, subprocess.Popen[bytes]] = {}
        self.commands: dict[str, str] = {}
        self.ticks = 0

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            argv, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()  # the child has its own copy
        self.running[name] = proc
        self.commands.setdefault(name, shlex.join(argv))
        return proc

    def kill(self, name: str, sig: int) -> None:
        proc = self.running.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        proc.wait(timeout=30)

    def stop(self, name: str) -> None:
        """SIGTERM (SIGKILL after 20 s) unless it has ended."""
        proc = self.running.pop(name)
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)


def load() -> float:
    return round(os.getloadavg()[0], 2)


def stamp(t0: float) -> float:
    return round(time.monotonic() - t0, 1)


def gunicorn_argv(port: int, workers: int) -> list[str]:
    return [
        str(BIN / "gunicorn"),
        "peerly.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",  # the preview draws in the request: at 10,000 members under load, > 30 s
        "--access-logfile",
        "/dev/null",
        "--error-logfile",
        "-",
        "--log-level",
        "warning",
    ]


def locust_argv(args: argparse.Namespace, base: str, prefix: Path, users: int) -> list[str]:
    return [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{args.seconds}s",
        "--stop-timeout",
        "10",
        "--host",
        base,
        "--csv",
        str(prefix),
        "--json-file",
        str(prefix),  # locust adds ".json"
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]


def ticks_at_once(procs: Processes, env: dict[str, str], t0: float, label: str) -> dict[str, Any]:
    """`peerly tick` on host a and host b, started together; each one's output and wall time
    (start-up included: ~1-5 s of Django start-up on this machine)."""
    procs.ticks += 1
    out: dict[str, Any] = {"when": label, "at_s": stamp(t0), "load_average": load()}
    began = time.monotonic()
    names = {h: f"tick-{procs.ticks}-{h}" for h in "ab"}
    running = {h: procs.start(n, peerly_argv("tick", "--traceback"), env) for h, n in names.items()}
    ended: dict[str, float] = {}
    while len(ended) < len(running) and time.monotonic() - began < 300:
        for host, proc in running.items():
            if host not in ended and proc.poll() is not None:
                ended[host] = time.monotonic()
        time.sleep(0.02)
    for host, name in names.items():
        procs.stop(name)
        lines = (procs.logs / f"{name}.log").read_text().strip().splitlines()
        said = [line for line in lines if line.startswith("tick:")]
        out[f"host_{host}"] = {
            "output": said or lines[-1:],
            **({"error": lines[-12:]} if running[host].returncode else {}),
            "exit": running[host].returncode,
            "wall_s": round(ended.get(host, time.monotonic()) - began, 2),
        }
    print(f"  [{stamp(t0):6.1f} s] ticks ({label}): {out['host_a']} | {out['host_b']}", flush=True)
    return out


def histogram_percentile(hist: collections.Counter[int], q: float) -> float | None:
    total = sum(hist.values())
    if not total:
        return None
    seen = 0
    for value in sorted(hist):
        seen += hist[value]
        if seen >= q * total:
            return float(value)
    return float(max(hist))


LOG_IN = ("log-in", "log-in page")


def summarise(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Requests, failures, p50/p95 of the page mix and of the log-in, from locust's JSON
    (merged response-time histograms: exact percentiles across instances)."""

    def part(selected: list[dict[str, Any]]) -> dict[str, Any]:
        hist: collections.Counter[int] = collections.Counter()
        for e in selected:
            hist.update({int(float(k)): v for k, v in e["response_times"].items()})
        return {
            "requests": sum(e["num_requests"] for e in selected),
            "failures": sum(e["num_failures"] for e in selected),
            "p50_ms": histogram_percentile(hist, 0.50),
            "p95_ms": histogram_percentile(hist, 0.95),
            "max_ms": max(hist) if hist else None,
        }

    entries = [e for e in entries if e["name"] != "Aggregated"]
    names = sorted({e["name"] for e in entries})
    return {
        "all": part(entries),
        "page_mix": part([e for e in entries if e["name"] not in LOG_IN]),
        "log_in": part([e for e in entries if e["name"] == "log-in"]),
        "pages": {n: part([e for e in entries if e["name"] == n]) for n in names},
    }


def failures(path: Path) -> list[dict[str, str]]:
    """locust's failures file: method, name, error, occurrences."""
    if not path.exists():
        return []
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))[:20]


class Db:
    """The orchestrator's own look at the database (plain SQL, autocommit)."""

    def __init__(self, name: str) -> None:
        import psycopg

        self.conn = psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{name}", autocommit=True)

    def one(self, sql: str, *params: Any) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row

    def job(self, job_id: int) -> dict[str, Any]:
        row = self.one(
            "SELECT status, stage, done, total, attempts, heartbeat_at FROM core_job WHERE id = %s",
            job_id,
        )
        keys = ("status", "stage", "done", "total", "attempts", "heartbeat_at")
        return dict(zip(keys, row, strict=True))

    def jobs(self) -> list[list[Any]]:
        """[id, key, status, done, total, attempts] of every job."""
        rows = self.conn.execute(
            "SELECT id, key, status, done, total, attempts FROM core_job ORDER BY id"
        ).fetchall()
        return [list(r) for r in rows]

    def job_worker(self, job_id: int) -> str | None:
        """The worker id of the django-tasks row running job `job_id` now, if any."""
        runs = [r for r in self.job_tasks(job_id) if r[0] == "RUNNING" and r[1]]
        return runs[-1][1][-1] if runs else None

    def job_tasks(self, job_id: int) -> list[tuple[str, list[str]]]:
        """(status, worker ids) of every django-tasks row that ran job `job_id`, oldest first."""
        rows = self.conn.execute(
            "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
            "WHERE task_path LIKE %s AND args_kwargs->'args'->>0 = %s ORDER BY enqueued_at",
            ("%run_job_task", str(job_id)),
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def outbox(self, prefix: str = "") -> tuple[int, int]:
        row = self.one(
            "SELECT count(*), count(sent_at) FROM notifications_outboundemail WHERE key LIKE %s",
            prefix + "%",
        )
        return int(row[0]), int(row[1])

    def unsent(self) -> int:
        row = self.one(
            "SELECT count(*) FROM notifications_outboundemail "
            "WHERE sent_at IS NULL AND skipped_at IS NULL AND attempts < 5"
        )
        return int(row[0])


def publish_and_kill(
    args: argparse.Namespace,
    procs: Processes,
    db: Db,
    env: dict[str, str],
    bases: dict[str, str],
    t0: float,
) -> dict[str, Any]:
    """The organiser publishes through the web; the worker running the job is killed mid-way;
    the job is requeued by `peerly tick` and finishes. Returns what happened, with times."""
    import requests

    out: dict[str, Any] = {"ticks": []}
    session = requests.Session()
    out["organiser_log_in_s"] = round(
        web_scale.login(session, bases["a"], web_scale.ORGANISER_EMAIL), 2
    )
    began = time.perf_counter()
    page = session.get(f"{bases['b']}/programs/{PROGRAM}/coffee/manage/preview/", timeout=180)
    out["preview_page"] = {"status": page.status_code, "s": round(time.perf_counter() - began, 2)}
    number = re.search(r'name="number" value="(\d+)"', page.text)
    seed = re.search(r'name="seed" value="(\d+)"', page.text)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if not (number and seed and token):
        raise RuntimeError(f"no publish form on the preview page ({page.status_code})")
    began = time.perf_counter()
    response = session.post(
        f"{bases['b']}/programs/{PROGRAM}/coffee/manage/publish/",
        data={
            "number": number.group(1),
            "seed": seed.group(1),
            "csrfmiddlewaretoken": token.group(1),
        },
        headers={"Referer": f"{bases['b']}/programs/{PROGRAM}/coffee/manage/preview/"},
        allow_redirects=False,
        timeout=60,
    )
    location = response.headers.get("Location", "")
    found = re.search(r"/jobs/(\d+)/", location)
    out["publish_post"] = {
        "status": response.status_code,
        "s": round(time.perf_counter() - began, 3),
        "location": location,
        "at_s": stamp(t0),
        "load_average": load(),
        "round_number": int(number.group(1)),
    }
    print(f"  [{stamp(t0):6.1f} s] publish POST: {out['publish_post']}", flush=True)
    if response.status_code != 302 or not found:
        raise RuntimeError(f"the publish POST did not start a job: {response.status_code}")
    job_id = int(found.group(1))
    out["job_id"] = job_id
    # follow the job; kill its worker after the first batch of emails was committed
    kill_at = min(500, args.members // 4)
    deadline = time.monotonic() + args.job_timeout
    seen_stages: list[list[Any]] = []
    killed: dict[str, Any] | None = None
    while time.monotonic() < deadline:
        state = db.job(job_id)
        if not seen_stages or seen_stages[-1][1:3] != [state["stage"], state["done"]]:
            seen_stages.append([stamp(t0), state["stage"], state["done"], state["total"]])
        if state["status"] in ("done", "failed"):
            break
        if state["stage"].startswith("Writing") and kill_at <= state["done"] < state["total"]:
            worker = db.job_worker(job_id)
            name = {"host-a": "worker-a", "host-b": "worker-b"}.get(worker or "")
            if name:
                procs.kill(name, signal.SIGKILL)
                killed = {
                    "worker": worker,
                    "at_s": stamp(t0),
                    "load_average": load(),
                    "job_at_kill": {k: v for k, v in state.items() if k != "heartbeat_at"},
                }
                break
        time.sleep(0.05)
    out["stages_seen"] = seen_stages
    out["killed"] = killed
    if killed is None:
        out["note"] = "the job ended (or timed out) before its worker could be killed mid-way"
        return out
    prefix = "round-published:"
    print(
        f"  [{stamp(t0):6.1f} s] killed {killed['worker']} at {killed['job_at_kill']}", flush=True
    )
    killed["jobs_at_kill"] = db.jobs()
    time.sleep(3)
    after = db.job(job_id)
    killed["three_seconds_later"] = {
        "job": {k: v for k, v in after.items() if k != "heartbeat_at"},
        "heartbeat_age_s": round(
            (dt.datetime.now(dt.UTC) - after["heartbeat_at"]).total_seconds(), 1
        ),
        "announcements_in_outbox": db.outbox(prefix)[0],
    }
    # the dead worker's supervisor starts it again (a new id: ids are unique in the pool)
    name = "worker-a2" if killed["worker"] == "host-a" else "worker-b2"
    procs.start(name, worker_argv(name.replace("worker-", "host-")), env)
    # cron: `peerly tick` on both hosts at once every `--tick-every` s until the job is done
    # (it is requeued once its heartbeat is older than the stale threshold)
    next_tick = time.monotonic()
    while time.monotonic() < deadline:
        if time.monotonic() >= next_tick:
            out["ticks"].append(ticks_at_once(procs, env, t0, "cron, while the job is not done"))
            next_tick = time.monotonic() + args.tick_every
        state = db.job(job_id)
        if not seen_stages or seen_stages[-1][1:3] != [state["stage"], state["done"]]:
            seen_stages.append([stamp(t0), state["stage"], state["done"], state["total"]])
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    final = db.job(job_id)
    out["job_final"] = {k: v for k, v in final.items() if k != "heartbeat_at"}
    out["job_finished_at_s"] = stamp(t0)
    out["job_task_rows"] = db.job_tasks(job_id)  # django-tasks' rows: (status, worker ids)
    print(f"  [{stamp(t0):6.1f} s] job: {out['job_final']}", flush=True)
    answer = session.get(f"{bases['a']}/jobs/{job_id}/?format=json", timeout=30)
    out["job_page_json"] = answer.json() if answer.ok else answer.status_code
    return out


def peerly_argv(*argv: str) -> list[str]:
    """`peerly ARGV` with the bench's stale threshold (see `run_peerly`)."""
    return [sys.executable, __file__, "_peerly", *argv]


def run_peerly(argv: list[str]) -> int:
    """`peerly` with `core.jobs.STALE_AFTER` set to $BENCH_STALE_SECONDS: the time a running
    job must be silent before `peerly tick` requeues it and another worker may claim it. In
    production it is 10 minutes, a module constant (no setting); the bench's workers and ticks
    use a shorter one so that a killed worker's job is requeued within the load test."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerly.settings")
    import django

    django.setup()
    from peerly.cli import main as peerly_main
    from peerly.core import jobs

    jobs.STALE_AFTER = dt.timedelta(seconds=float(os.environ["BENCH_STALE_SECONDS"]))
    return peerly_main(argv)


def worker_argv(worker_id: str) -> list[str]:
    return peerly_argv("db_worker", "--worker-id", worker_id, "--interval", "0.5")


def child(env: dict[str, str], *argv: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, *argv],
        env={**env, "DJANGO_SETTINGS_MODULE": "peerly.settings"},
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def code_state() -> dict[str, Any]:
    """The commit and the uncommitted changes the run measured (the tree is shared)."""

    def git(*argv: str) -> str:
        done = subprocess.run(["git", *argv], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    diff = git("diff", "HEAD", "--", "src")
    return {
        "commit": git("rev-parse", "HEAD"),
        "src_changed_files": git("diff", "HEAD", "--name-only", "--", "src").splitlines(),
        "src_diff_sha256": hashlib.sha256(diff.encode()).hexdigest() if diff else None,
    }


def save(path: Path, run: dict[str, Any]) -> None:
    """One run per size in the results file: this run replaces the last one of its size."""
    runs: dict[str, Any] = {}
    if path.exists():
        with contextlib.suppress(ValueError, AttributeError):
            runs = dict(json.loads(path.read_text()).get("runs", {}))
    runs[str(run["sizes"]["members"])] = run
    whole = {"what": run["what"], "runs": dict(sorted(runs.items(), key=lambda kv: int(kv[0])))}
    path.write_text(json.dumps(whole, indent=2, default=str) + "\n")
    print(f"wrote {path}", flush=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_peerly":
        sys.exit(run_peerly(sys.argv[2:]))
    if len(sys.argv) > 1 and sys.argv[1] == "_setup":
        print(json.dumps(setup_programmes(int(sys.argv[2]))))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_check":
        print(json.dumps(check(sys.argv[2]), default=str))
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--db", default="bench_s_scale_out", help="dropped and created")
    parser.add_argument("--keep-db", action="store_true", help="do not drop it at the end")
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=24, help="past rounds of history")
    parser.add_argument("--auto-members", type=int, default=200)
    parser.add_argument("--users", type=int, default=50, help="locust users, half per instance")
    parser.add_argument("--spawn-rate", type=float, default=0.5, help="per instance, per second")
    parser.add_argument("--seconds", type=int, default=240)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--ports", default="8761,8762")
    parser.add_argument("--publish-after", type=float, default=30, help="s into the load test")
    parser.add_argument("--job-timeout", type=float, default=900)
    parser.add_argument(
        "--stale-seconds",
        type=float,
        default=90,
        help="core.jobs.STALE_AFTER in the bench's workers and ticks (production: 600)",
    )
    parser.add_argument("--tick-every", type=float, default=30, help="s between cron ticks")
    parser.add_argument("--drain-timeout", type=float, default=600)
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args()
    started_utc = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    work = Path(tempfile.mkdtemp(prefix="peerly-scale-out-"))
    ports = dict(zip("ab", (int(p) for p in args.ports.split(",")), strict=True))
    bases = {h: f"http://127.0.0.1:{p}" for h, p in ports.items()}
    env = web_scale.server_env(args.db, str(work / "static"))
    env.update(
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        EMAIL_BACKEND="scale_out.LogEmailBackend",
        BENCH_MAIL_LOG=str(work / "mail.log"),
        PYTHONPATH=f"{ROOT / 'src'}{os.pathsep}{ROOT / 'bench'}",
        PEERLY_HOME=str(work),
        BENCH_MEMBERS=str(args.members),
        BENCH_ROUNDS=str(args.rounds),
        BENCH_STALE_SECONDS=str(args.stale_seconds),
    )
    (work / "mail.log").touch()
    out: dict[str, Any] = {
        "what": "issue 19, past one machine: two gunicorn instances and two db_workers on one "
        "PostgreSQL under the load test; a worker SIGKILLed mid-publish; peerly tick on both "
        "hosts at once",
        "started_utc": started_utc,
        "command": shlex.join([sys.executable, *sys.argv]),
        "sizes": {
            "members": args.members,
            "rounds_of_history": args.rounds,
            "auto_members": args.auto_members,
            "locust_users": args.users,
            "locust_spawn_rate_per_instance": args.spawn_rate,
            "locust_seconds": args.seconds,
            "web_instances": 2,
            "gunicorn_workers_each": args.web_workers,
            "db_workers": 2,
            "stale_seconds": args.stale_seconds,
            "tick_every_s": args.tick_every,
        },
        "machine": {"cpus": os.cpu_count(), "load_average_start": list(os.getloadavg())},
        "code": code_state(),
    }
    print(f"scale out: {args.members} members, db {args.db}, logs in {work}", flush=True)
    web_scale.recreate_db(args.db)
    procs = Processes(work)
    db: Db | None = None
    try:
        began = time.perf_counter()
        for step in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run([str(BIN / "peerly"), *step], env=env, check=True, cwd=ROOT)
        seeded = web_scale._child_json(env, "_seed", str(args.members), str(args.rounds))
        seeded.update(child(env, "_setup", str(args.auto_members)))
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", args.db, "-qc", "VACUUM ANALYZE"],
            check=True,
        )
        seeded["setup_s"] = round(time.perf_counter() - began, 1)
        out["seeded"] = seeded
        print(f"  seeded: {seeded}", flush=True)
        db = Db(args.db)
        for host, port in ports.items():
            procs.start(f"web-{host}", gunicorn_argv(port, args.web_workers), env)
            procs.start(f"worker-{host}", worker_argv(f"host-{host}"), env)
        for base in bases.values():
            web_scale.wait_for(base)
        t0 = time.monotonic()
        out["machine"]["load_average_load_test_start"] = load()
        half = {"a": args.users // 2, "b": args.users - args.users // 2}
        for host, base in bases.items():
            procs.start(
                f"locust-{host}", locust_argv(args, base, work / f"locust-{host}", half[host]), env
            )
        print(f"  [{stamp(t0):6.1f} s] locust started on both instances", flush=True)
        time.sleep(args.publish_after)
        out["publish"] = publish_and_kill(args, procs, db, env, bases, t0)
        ticks = out["publish"].pop("ticks")
        ticks.append(ticks_at_once(procs, env, t0, "later, under load"))
        for host in "ab":
            proc = procs.running[f"locust-{host}"]
            proc.wait(timeout=args.seconds + 120)
        out["machine"]["load_average_load_test_end"] = load()
        print(f"  [{stamp(t0):6.1f} s] locust finished", flush=True)
        drain_began = time.monotonic()
        while db.unsent() and time.monotonic() - drain_began < args.drain_timeout:
            time.sleep(0.5)
        out["drain"] = {
            "unsent_left": db.unsent(),
            "waited_s": round(time.monotonic() - drain_began, 1),
        }
        ticks.append(ticks_at_once(procs, env, t0, "after the workers drained the outbox"))
        out["ticks"] = ticks
        time.sleep(2)  # what the last tick handed to the workers (nothing, if all went well)
        out["check"] = child(env, "_check", str(work / "mail.log"))
        stats = {}
        for host in "ab":
            path = work / f"locust-{host}.json"
            stats[host] = json.loads(path.read_text()) if path.exists() else []
        out["load_test"] = {
            "instance_a": summarise(stats["a"]),
            "instance_b": summarise(stats["b"]),
            "total": summarise(stats["a"] + stats["b"]),
            "target_page_mix_p95_ms": 500,
            "failures": {h: failures(work / f"locust-{h}_failures.csv") for h in "ab"},
        }
    finally:
        procs.stop_all()
        if db is not None:
            db.conn.close()
        out["machine"]["load_average_end"] = list(os.getloadavg())
        out["commands"] = procs.commands
        out["logs"] = str(work)
        if not args.keep_db:
            import psycopg

            with psycopg.connect(
                "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
            ) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        if "check" in out and "load_test" in out:
            save(Path(args.out), out)
        else:
            (work / "scale_out.partial.json").write_text(json.dumps(out, indent=2, default=str))
            print(f"incomplete: see {work / 'scale_out.partial.json'}", flush=True)
    lt = out["load_test"]
    for part in ("instance_a", "instance_b", "total"):
        print(f"  {part}: page mix {lt[part]['page_mix']}  log-in {lt[part]['log_in']}")
    print(
        json.dumps({k: v for k, v in out["check"].items() if k not in ("jobs",)}, default=str)[
            :3000
        ]
    )


if __name__ == "__main__":
    main()
