"""Background jobs with progress: the page that starts one returns at once, a worker runs it.

    job, created = jobs.start_job(kind="rounds.publish", key=…, program_id=…, actor=…, params=…)
    → redirect to /jobs/<id>/ (core.views.job_detail: polls by <meta refresh>, or by fetch
      from static/peerly/job-progress.js; JSON with ?format=json)

A kind of job is a runner registered once in its app's `AppConfig.ready()`:
`register("rounds.publish", run)` where `run(*, job, progress) -> {"url": …, "message": …}`
does the work through the app's services and calls `progress(stage, done, total)`.

Guarantees:
- One job per piece of work: `key` is unique ("rounds.publish:<programme>:<number>"), so two
  clicks, tabs or organisers get the same job. A failed job is restarted by starting it again.
- At most one worker runs a job at a time: the claim is a conditional UPDATE (queued → running,
  or running with a heartbeat older than `STALE_AFTER`); a second worker given the same job
  returns without doing anything.
- Nothing is lost when a worker dies: the job stays "running" with an old heartbeat, and
  `requeue_stale_jobs` (run by `peerly tick`) enqueues it again. Runners must therefore be
  idempotent — publishing returns the round that already exists and the outbox skips every
  email key already queued — so a second run finishes the work without doing any of it twice.
- Work in parts (`run_parts`): a runner may split its work into part jobs (key
  "<job key>/<i>of<n>", the same parts on every run) that any worker may take, so several
  workers share one big job. Each part is a job with the guarantees above; the job's `done`
  is the sum of its parts', and it is done when every part is (failed when one failed:
  starting the job again restarts the failed parts, and the parts already done stay done).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.db.models import Q
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from peerly.core.errors import ServiceError
from peerly.core.models import Job
from peerly.core.models import JobStatus
from peerly.core.tasks import enqueue_on_commit

if TYPE_CHECKING:
    from peerly.programs.models import Program

logger = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(minutes=10)  # a running job silent this long lost its worker
MAX_ATTEMPTS = 5  # runs that crashed (not refusals): after that it stays failed
FAILED_MESSAGE = "Something went wrong while doing this; nothing was sent twice. Try again."


@dataclass(frozen=True)
class Progress:
    """What a runner calls to show where it is: `progress("Writing emails", 3000, 10000)`.
    Written outside the runner's transactions, so the page sees it at once."""

    job_id: int
    parent_id: int | None = None  # a part's (`run_parts`): its job's `done` follows too

    def __call__(self, stage: str, done: int = 0, total: int = 0) -> None:
        Job.objects.filter(pk=self.job_id).update(
            stage=stage[:200], done=done, total=total, heartbeat_at=timezone.now()
        )
        if self.parent_id is not None:
            _add_up_parts(self.parent_id)


BULK_GC_THRESHOLD = 50_000  # allocations between young collections in bulk work (default 700)
_bulk = threading.local()


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Bulk work (a round's draw and 10,000 emails, a tick's reminders) with fewer garbage
    collections. It holds tens of thousands of live objects (model instances, groups, rendered
    emails), and with the default thresholds every young collection promotes and every full
    collection walks all of them again: about a quarter of the CPU of a 10,000-member publish.
    Inside the block the objects alive at its start are frozen (`gc.freeze`: never scanned
    again) and young collections run every `BULK_GC_THRESHOLD` allocations instead of 700.
    Nothing is left uncollected: cycles are still found, only later, and everything is back
    as it was when the block ends. Re-entrant: only the outermost block changes anything."""
    depth = getattr(_bulk, "depth", 0)
    _bulk.depth = depth + 1
    if depth:
        try:
            yield
        finally:
            _bulk.depth = depth
        return
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(old[0], BULK_GC_THRESHOLD), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()
        _bulk.depth = depth


POLL_SECONDS = 0.25  # how often a job waits for its parts running on other workers


def _parts_done(parent_id: int) -> int:
    return int(Job.objects.filter(params__parent_id=parent_id).aggregate(n=Sum("done"))["n"] or 0)


def _add_up_parts(parent_id: int) -> None:
    Job.objects.filter(pk=parent_id, status=JobStatus.RUNNING).update(done=_parts_done(parent_id))


def run_parts(
    job: Job,
    *,
    kind: str,
    parts: Sequence[Mapping[str, Any]],
    progress: Progress,
    stage: str,
    total: int,
) -> None:
    """Do `job`'s work as parts, one job of `kind` each (`parts[i]` its params), that any
    worker may take: every part is enqueued for the other workers, this worker runs each
    part nobody has claimed yet itself (so one worker alone finishes them all), then waits
    for the parts other workers are running (or whose worker died: it takes them over once
    they are stale). `progress(stage, done, total)` meanwhile, done summed over the parts.
    Raises ServiceError with a failed part's message. The part keys are "<job key>/<i>of<n>":
    give the same parts on every run of the job."""
    count = len(parts)
    ids = []
    for i, params in enumerate(parts, start=1):
        part, _ = start_job(
            kind=kind,
            key=f"{job.key}/{i}of{count}",
            actor=job.created_by,
            program_id=job.program_id,
            params={
                "title": f"{job.params.get('title', job.key)} (part {i} of {count})",
                "back_url": job.params.get("back_url", ""),
                **params,
                "parent_id": job.pk,
            },
        )
        ids.append(part.pk)
    progress(stage, _parts_done(job.pk), total)
    while True:
        for part_id in ids:
            run_job(part_id)  # runs it here if it is queued or stale; else returns at once
        statuses = dict(Job.objects.filter(pk__in=ids).values_list("status", "error"))
        if JobStatus.FAILED in statuses:
            raise ServiceError(statuses[JobStatus.FAILED] or FAILED_MESSAGE)
        progress(stage, _parts_done(job.pk), total)
        if set(statuses) == {JobStatus.DONE}:
            return
        time.sleep(POLL_SECONDS)


Runner = Callable[..., Mapping[str, Any]]
_runners: dict[str, Runner] = {}


def register(kind: str, runner: Runner) -> None:
    _runners[kind] = runner


def program_of(job: Job) -> Program:
    """The programme a runner works on, refused (ServiceError) when it has been deleted."""
    from peerly.programs.models import Program

    program = Program.objects.filter(pk=job.program_id or 0).first()
    if program is None:
        raise ServiceError("This programme no longer exists.")
    return program


def program_job_key(kind: str, program: Program, work: object) -> str:
    """The key of a piece of `work` on one programme: "<kind>:<programme id>:<work>"."""
    return f"{kind}:{program.pk}:{work}"


def start_program_job(
    kind: str,
    program: Program,
    work: object,
    *,
    actor: Any,
    title: str,
    back: str,
    params: Mapping[str, Any],
) -> tuple[Job, bool]:
    """`start_job` for a piece of `work` on one programme (key `program_job_key`): its
    progress page shows `title` and links back to the URL named `back` (taking the slug)."""
    back_url = reverse(back, kwargs={"slug": program.slug})
    return start_job(
        kind=kind,
        key=program_job_key(kind, program, work),
        actor=actor,
        program_id=program.pk,
        params={**params, "title": title, "back_url": back_url},
    )


def start_job(
    *,
    kind: str,
    key: str,
    actor: Any,
    params: Mapping[str, Any],
    program_id: int | None = None,
) -> tuple[Job, bool]:
    """Find or create the job `key` and enqueue it (after commit). Returns (job, started):
    started is False when the same work is already queued, running or done. A job that
    failed is started again with the new `params`."""
    if kind not in _runners:
        raise ServiceError(f"Unknown kind of job: {kind}.")
    created_by = actor if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        job, started = Job.objects.get_or_create(
            key=key,
            defaults={
                "kind": kind,
                "program_id": program_id,
                "created_by": created_by,
                "params": dict(params),
            },
        )
        if not started and job.status == JobStatus.FAILED:
            started = bool(
                Job.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(
                    status=JobStatus.QUEUED,
                    params=dict(params),
                    created_by=created_by,
                    stage="",
                    error="",
                    done=0,
                    total=0,
                    attempts=0,
                    finished_at=None,
                )
            )
            job.refresh_from_db()
        if started:
            _enqueue(job.pk)
    return job, started


def _enqueue(job_id: int) -> None:
    from peerly.core.tasks import run_job_task

    enqueue_on_commit(run_job_task, job_id)


def run_job(job_id: int, *, now: dt.datetime | None = None) -> str:
    """Run job `job_id` if nobody else is (see the module's guarantees). Returns its status
    afterwards. A `ServiceError` from the runner fails the job with that message; any other
    error fails it with a general message (logged) — the page never shows a traceback."""
    now = now or timezone.now()
    claimed = (
        Job.objects.filter(pk=job_id)
        .filter(
            Q(status=JobStatus.QUEUED)
            | Q(status=JobStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
        )
        .update(
            status=JobStatus.RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            stage="Starting",
        )
    )
    job = Job.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None:
        return "missing"
    if not claimed:
        return str(job.status)  # done, failed, or running on another worker
    runner = _runners.get(job.kind)
    try:
        if runner is None:
            raise ServiceError(f"Unknown kind of job: {job.kind}.")
        parent_id = job.params.get("parent_id")
        with fewer_collections():
            result = dict(runner(job=job, progress=Progress(job.pk, parent_id=parent_id)))
    except (ServiceError, PermissionDenied) as exc:  # a refusal: its message is shown
        _finish(job_id, status=JobStatus.FAILED, error=str(exc))
        return JobStatus.FAILED
    except Exception:
        logger.exception("job %s failed", job.key)
        _finish(job_id, status=JobStatus.FAILED, error=FAILED_MESSAGE)
        return JobStatus.FAILED
    _finish(job_id, status=JobStatus.DONE, result=result)
    return JobStatus.DONE


def _finish(job_id: int, *, status: str, error: str = "", result: Any = None) -> None:
    Job.objects.filter(pk=job_id).update(
        status=status,
        error=error,
        result=result or {},
        stage="",
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )


def requeue_stale_jobs(*, now: dt.datetime | None = None) -> int:
    """Enqueue again the jobs whose worker died (running, silent for `STALE_AFTER`) or whose
    enqueue was lost (queued that long). Safe on two hosts at once: the claim in `run_job`
    lets one worker run each. Returns how many were enqueued."""
    now = now or timezone.now()
    stale = list(
        Job.objects.filter(attempts__lt=MAX_ATTEMPTS)
        .filter(
            Q(status=JobStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
            | Q(status=JobStatus.QUEUED, created_at__lt=now - STALE_AFTER)
        )
        .values_list("pk", flat=True)
    )
    for job_id in stale:
        _enqueue(job_id)
    return len(stale)
