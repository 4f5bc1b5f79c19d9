"""Publishing a coffee round at scale: draw + save + queue every member's email.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/publish_scale.py
    .venv/bin/python bench/publish_scale.py --sizes 2000 --no-before   # SQLite, quick

Each size gets a fresh programme of N active members (bulk-inserted: 8 time zones, 6 teams,
weekday windows), published by both paths in the same run, one after the other:

* before — the path of 1 Dec 2026 (`legacy_publish` below): groups saved one by one, then one
  `queue_email` per member (template loads, a get_or_create and a send task each) with the
  suggestion calendars built while queueing, all inside the web request.
* after — the publish job: the request only starts it (`rounds.jobs.start_publish`); the
  worker (`core.jobs.run_job`) draws and saves in bulk under the settings lock, then renders
  the emails in bulk (templates loaded once) and inserts them in batches of 500, one send
  task per batch; calendar files are made when each email is sent.

* after with `--workers N` (default 2): N - 1 `db_worker` processes run beside this one, as
  in production, so a large round's email parts (`core.jobs.run_parts`) are shared out.
* head with `--head-src DIR`: the "after" run (same workers) on another copy of the code, in
  a child process, just before — `git archive HEAD | tar -x -C DIR` gives the last commit.

Both share today's draw (`preview_round`) and today's `match_view`. Also times `peerly tick`
on the result (every group's reminder due; then the same tick again, with nothing left to do).
Wall and CPU seconds (`*_cpu_s`, this process only) for each; `--before-max 2000` runs the old
path only up to that size. DEBUG is off, as in production. Writes
bench/results/publish_scale.json.
Needs its own database: it flushes it (and refuses one with users not made by the bench).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# the code measured: this checkout's, or (`--head-src`, in a child) another copy's
SRC = Path(os.environ.get("PUBLISH_SCALE_SRC", ROOT / "src"))
sys.path.insert(0, str(SRC))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerly.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-" + "x" * 32)
# as in production: DEBUG off (no query log, no SQL quoting of every 500-id IN list)
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "localhost")
os.environ.setdefault("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")  # a worker's queue
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'bench' / 'results' / 'publish_scale.sqlite3'}"

import django  # noqa: E402

django.setup()

from unittest import mock  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db import transaction  # noqa: E402

from peerly.accounts.models import AvailabilityWindow  # noqa: E402
from peerly.accounts.models import Profile  # noqa: E402
from peerly.accounts.models import User  # noqa: E402
from peerly.core import jobs  # noqa: E402
from peerly.core.models import Job  # noqa: E402
from peerly.notifications.services import queue_email  # noqa: E402
from peerly.programs import services as program_services  # noqa: E402
from peerly.programs.models import Enrollment  # noqa: E402
from peerly.programs.models import EnrollmentStatus  # noqa: E402
from peerly.programs.models import Program  # noqa: E402
from peerly.rounds import calendars  # noqa: E402
from peerly.rounds import emails  # noqa: E402
from peerly.rounds import jobs as round_jobs  # noqa: E402
from peerly.rounds import matching_bridge  # noqa: E402
from peerly.rounds import selectors  # noqa: E402
from peerly.rounds import services  # noqa: E402
from peerly.rounds.models import GroupMember  # noqa: E402
from peerly.rounds.models import Round  # noqa: E402
from peerly.rounds.models import RoundGroup  # noqa: E402
from peerly.rounds.selectors import match_view  # noqa: E402
from peerly.rounds.suggestions import pick_suggestions  # noqa: E402

ZONES = [
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
]
TEAMS = ["Engineering", "Design", "Support", "Sales", "People", "Finance"]
NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


def populate(n: int, *, tag: str) -> Program:
    """A coffee programme with n active members, written in bulk."""
    organiser = User.objects.create_user(email=f"org-{tag}@bench.example", password=None)
    program = program_services.create_program(
        actor=organiser,
        values={
            "kind": "coffee",
            "name": f"Bench {tag}",
            "slug": f"bench-{tag}",
            "purpose": "Benchmark",
            "status": "active",
            "group_size": 2,
        },
    )
    users = User.objects.bulk_create(
        [
            User(email=f"m{i}-{tag}@bench.example", display_name=f"Member {i} {tag}")
            for i in range(n)
        ],
        batch_size=2000,
    )
    profiles = Profile.objects.bulk_create(
        [
            Profile(
                user=u,
                team=TEAMS[i % len(TEAMS)],
                timezone=ZONES[i % len(ZONES)],
                interests="chess, cooking",
            )
            for i, u in enumerate(users)
        ],
        batch_size=2000,
    )
    AvailabilityWindow.objects.bulk_create(
        [
            AvailabilityWindow(profile=p, weekday=d, start_minute=9 * 60, end_minute=17 * 60)
            for p in profiles
            for d in range(5)
        ],
        batch_size=5000,
    )
    Enrollment.objects.bulk_create(
        [
            Enrollment(program=program, user=u, status=EnrollmentStatus.ACTIVE, joined_at=NOW)
            for u in users
        ],
        batch_size=2000,
    )
    return program


def legacy_publish(program: Program, *, now: dt.datetime) -> Round:
    """The publish path of 1 Dec 2026, kept here to measure against: groups saved one by one,
    then per member one `queue_email` (template loads, a get_or_create, a send task each) with
    the group's suggestion calendars built while queueing, in the request's transaction."""
    with transaction.atomic():
        preview = services.preview_round(program=program, now=now)
        settings_row = selectors.get_coffee_settings(program=program)
        round_ = Round.objects.create(
            program=program,
            number=preview.number,
            seed=preview.seed,
            published_at=now,
            meets_from=preview.meets_from,
            meet_by=preview.meet_by,
            metrics=preview.figures,
        )
        by_id = {c.user_id: c for c in preview.candidates}
        members: list[GroupMember] = []
        for n, drawn in enumerate(preview.draw.groups, start=1):
            group_candidates = [by_id[u] for u in drawn.user_ids]
            starts = pick_suggestions(
                matching_bridge.suggestion_intervals(
                    group_candidates, meets_from=preview.meets_from, meet_by=preview.meet_by
                ),
                settings_row.meeting_minutes,
                zones=[c.timezone for c in group_candidates],
                not_before=now + dt.timedelta(hours=2),
            )
            group = RoundGroup.objects.create(
                round=round_,
                number=n,
                score=drawn.score,
                reasons=dict(drawn.reasons),
                common_windows=[list(w) for w in drawn.common_windows],
                suggestions=[s.isoformat() for s in starts],
            )
            members.extend(
                GroupMember(group=group, round=round_, user_id=u) for u in drawn.user_ids
            )
        GroupMember.objects.bulk_create(members)
        for group in emails._groups(round=round_):
            attachments = [
                {
                    "filename": f"coffee-suggestion-{i}.ics",
                    "content": calendars.suggestion_ics(group, i),
                    "mimetype": emails.ICS_PUBLISH,
                }
                for i in range(1, len(group.suggestions) + 1)
            ]
            for member in group.members.all():
                view = match_view(group, member.user)
                queue_email(
                    key=f"round-published:{round_.pk}:user:{member.user_id}",
                    to=member.user,
                    template="rounds_published",
                    context={
                        **view,
                        "program": program,
                        "url": calendars.group_url(group),
                        "suggestion_links": [
                            (
                                s,
                                emails._url(
                                    "suggestion-ics",
                                    slug=program.slug,
                                    group_id=group.pk,
                                    index=s.index,
                                ),
                            )
                            for s in view["suggestions"]
                        ],
                    },
                    attachments=attachments,
                )
    return round_


def _tasks() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.count()


def before(program: Program, *, now: dt.datetime) -> dict[str, float]:
    tasks = _tasks()
    with _clock() as took:
        legacy_publish(program, now=now)
    return {
        "web_request_s": took[0],  # all of it, in the request
        "total_s": took[0],
        "total_cpu_s": took[1],
        "send_tasks_enqueued": _tasks() - tasks,
    }


@contextlib.contextmanager
def _other_workers(count: int) -> Iterator[dict[str, float]]:
    """`count` `db_worker` processes on the same database and code while the block runs;
    their CPU seconds (user + system, all of them) in the yielded dict when it ends."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "DJANGO_SETTINGS_MODULE": "peerly.settings"}
    command = [sys.executable, "-m", "django", "db_worker", "--no-startup-delay"]
    command += ["--interval", "0.5", "--no-reload"]
    procs = [
        subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        for _ in range(count)
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out: dict[str, float] = {}
    try:
        if procs:
            time.sleep(4)  # Django's start-up: the workers poll the queue before the job starts
        yield out
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)  # finishes its task, then exits
        for proc in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        out["cpu_s"] = round(used.ru_utime - before.ru_utime + used.ru_stime - before.ru_stime, 2)


def after(program: Program, *, now: dt.datetime, workers: int = 1) -> dict[str, Any]:
    organiser = program.organisers.get()
    with _other_workers(workers - 1) as others:
        row = _after(program, organiser=organiser, now=now)
    if workers > 1:
        row["other_workers"] = workers - 1
        row["other_workers_cpu_s"] = others["cpu_s"]
    return row


def _after(program: Program, *, organiser: User, now: dt.datetime) -> dict[str, Any]:
    tasks = _tasks()
    started = time.perf_counter()
    with mock.patch.object(jobs, "_enqueue"):  # this process is the worker, timed below
        job, _ = round_jobs.start_publish(
            program=program, actor=organiser, number=1, seed=1, now=now
        )
    request_s = time.perf_counter() - started
    stages: dict[str, float] = {}
    real_publish = services.publish_round

    def timed_publish(**kwargs):  # type: ignore[no-untyped-def]
        with _clock() as took:
            result = real_publish(**kwargs)
        stages["draw_and_save_s"], stages["draw_and_save_cpu_s"] = took
        return result

    with _clock() as took, mock.patch.object(round_jobs.services, "publish_round", timed_publish):
        status = jobs.run_job(job.pk, now=now)
    worker_s, worker_cpu_s = took
    job.refresh_from_db()
    assert status == "done", job.error
    return {
        "web_request_s": round(request_s, 3),
        "worker_s": round(worker_s, 2),
        "worker_cpu_s": worker_cpu_s,
        **stages,
        "emails_s": round(worker_s - stages["draw_and_save_s"], 2),
        "emails_cpu_s": round(worker_cpu_s - stages["draw_and_save_cpu_s"], 2),
        "total_s": round(request_s + worker_s, 2),
        "emails_queued": job.total,
        "email_parts": Job.objects.filter(key__startswith=f"{job.key}/").count() or 1,
        "send_tasks_enqueued": _tasks() - tasks,
    }


def tick(*, now: dt.datetime) -> dict[str, Any]:
    """`peerly tick` on the published programmes: at publish time (nothing due), and when
    every group's reminder is due (two days before meet-by, nobody agreed a time)."""
    from peerly.core.management.commands.tick import run_ticks
    from peerly.notifications.models import OutboundEmail
    from peerly.notifications.services import send_pending

    out: dict[str, Any] = {}
    sample = 500  # what a worker does after a publish (locmem backend): a sample, for the rate
    started = time.perf_counter()
    sent = send_pending(limit=sample)
    seconds = time.perf_counter() - started
    out["emails_sent_per_s_one_process"] = round(sent / seconds, 1) if seconds else None
    # the workers have sent the rest: tick then sees what it would see in production
    OutboundEmail.objects.filter(sent_at__isnull=True).update(sent_at=dt.datetime.now(dt.UTC))
    meet_by = Round.objects.order_by("-pk").values_list("meet_by", flat=True)[0]
    due = dt.datetime.combine(meet_by - dt.timedelta(days=1), dt.time(9), tzinfo=dt.UTC)
    # first every reminder is due; the same tick again then finds nothing left to do
    for label in ("reminders_due", "idle"):
        with _clock() as took:
            summary = run_ticks(due)
        out[f"{label}_s"], out[f"{label}_cpu_s"] = took
        out[f"{label}_summary"] = {k: v for k, v in summary.items() if v}
    return out


@contextlib.contextmanager
def _clock() -> Iterator[list[float]]:
    """[wall seconds, this process's CPU seconds] of the block, filled in when it ends. On the
    shared machine CPU time is the steadier figure (the database server's is not in it)."""
    took: list[float] = []
    wall, cpu = time.perf_counter(), time.process_time()
    yield took
    took.extend([round(time.perf_counter() - wall, 2), round(time.process_time() - cpu, 2)])


def _head_run(n: int, *, src: Path, workers: int, database_url: str) -> dict[str, Any]:
    """This bench's "after" and tick for n members on the code in `src`, in a child process."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "head.json"
        env = {**os.environ, "PUBLISH_SCALE_SRC": str(src), "PYTHONPATH": str(src)}
        env["DATABASE_URL"] = database_url
        command = [sys.executable, __file__, "--sizes", str(n), "--no-before"]
        command += ["--workers", str(workers), "--out", str(out)]
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        row = json.loads(out.read_text())["results"][0]
    return {"after": row["after"], "tick": row["tick"], "src": str(src)}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--no-before", action="store_true", help="skip the old path")
    parser.add_argument(
        "--before-max", type=int, default=None, help="the old path only up to this many members"
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="worker processes for the publish (this one too)"
    )
    parser.add_argument(
        "--head-src",
        default=None,
        help="also run 'after' on the code in this directory (its src/), e.g. "
        "`git archive HEAD | tar -x -C DIR`, in a child process just before",
    )
    parser.add_argument("--head-label", default="HEAD", help="what --head-src is (a commit)")
    parser.add_argument(
        "--head-database-url",
        default=None,
        help="the --head-src run's own database (its migrations may differ; it is flushed)",
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "publish_scale.json"))
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if User.objects.exclude(email__endswith="@bench.example").exists():
        sys.exit("publish_scale: this database has real users; use an empty one.")
    results = []
    for n in args.sizes:
        call_command("flush", interactive=False, verbosity=0)
        row: dict[str, object] = {"members": n, "load_before": os.getloadavg()[0]}
        if not args.no_before and (args.before_max is None or n <= args.before_max):
            row["before"] = before(populate(n, tag=f"before-{n}"), now=NOW)
            call_command("flush", interactive=False, verbosity=0)
        if args.head_src:
            head = _head_run(
                n,
                src=Path(args.head_src) / "src",
                workers=args.workers,
                database_url=args.head_database_url or os.environ["DATABASE_URL"],
            )
            row["head"] = {**head, "code": args.head_label}
            call_command("flush", interactive=False, verbosity=0)
            row["load_after_head"] = os.getloadavg()[0]
        row["after"] = after(populate(n, tag=f"after-{n}"), now=NOW, workers=args.workers)
        row["tick"] = tick(now=NOW)
        row["load_after"] = os.getloadavg()[0]
        print(json.dumps(row), flush=True)
        results.append(row)
    call_command("flush", interactive=False, verbosity=0)
    out = {
        "what": "publish one coffee round of N members (draw + save + queue every email); "
        "peerly tick on it. before = the path of 1 Dec 2026 (all in the web request); "
        "after = the publish job (request returns at once; workers do the rest); "
        "head = the same as after on the --head-src code, just before.",
        "workers": args.workers,
        "command": " ".join(["bench/publish_scale.py", *sys.argv[1:]]),
        "database": connection.vendor,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_at_end": os.getloadavg(),
            "note": "shared 2-core machine: other jobs ran at the same time (see load_*); "
            "*_cpu_s is this process's CPU time, steadier than wall time under that load",
            "debug": settings.DEBUG,
        },
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "results": results,
    }
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
