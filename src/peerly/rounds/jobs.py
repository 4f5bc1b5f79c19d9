"""Publishing a round in the background (core/jobs.py): the Publish button starts a job and
returns at once; a worker draws, saves and queues every member's email.

    start_publish(...)  the page: quick checks, then one job per (programme, round number)
    run_publish(...)    the worker: `services.publish_round` (draw and save under the
                        programme's settings lock: at most one round N, however many workers
                        or clicks), then the emails in batches with progress. Run again after
                        a crash, it finds the round and queues only the emails still missing.
                        A large round's emails are written in parts ("rounds.publish_emails",
                        `core.jobs.run_parts`), so every free worker helps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peerly.accounts.models import User
from peerly.core import jobs
from peerly.core.errors import ServiceError
from peerly.core.models import Job
from peerly.core.models import JobStatus
from peerly.programs.models import Program
from peerly.programs.models import ProgramStatus
from peerly.rounds import emails
from peerly.rounds import services
from peerly.rounds.models import Round

JOB_KIND = "rounds.publish"
EMAILS_KIND = "rounds.publish_emails"  # a part of a large round's emails


def job_key(program: Program, number: int) -> str:
    return jobs.program_job_key(JOB_KIND, program, number)


def start_publish(
    *,
    program: Program,
    actor: User,
    number: int,
    seed: int,
    allow_overlap: bool = False,
    now: dt.datetime | None = None,
) -> tuple[Job, bool]:
    """Start publishing round `number` in the background. Refuses at once (ServiceError,
    nothing started) what the worker would refuse: a closed programme, an out-of-date
    preview, a group size the draw cannot use, an overlap not chosen. The worker checks
    again under the lock. Returns (job, started): the same job for a second click."""
    if program.status != ProgramStatus.ACTIVE:
        raise ServiceError("Only active programmes run rounds.")
    errors = services.program_field_errors(program=program)
    if "group_size" in errors:
        raise ServiceError(errors["group_size"], field="group_size")
    expected = services.next_round_number(program)
    if number < expected:  # published already (by this job, a tick or the command line)
        job = Job.objects.filter(key=job_key(program, number)).first()
        if job is not None and job.status != JobStatus.FAILED:
            return job, False  # (a job that failed after the draw is started again below)
    elif number != expected:
        raise ServiceError(
            f"The next round is round {expected}; refresh the preview and try again."
        )
    else:
        overlapping = services.rounds_in_the_way(program=program, now=now or timezone.now())
        if overlapping and not allow_overlap:
            raise services.RoundOverlapError(
                services.overlap_message(overlapping, number), overlapping=overlapping
            )
    params = {"number": number, "seed": seed, "allow_overlap": allow_overlap}
    title = f"Publishing round {number} of {program.name}"
    return jobs.start_program_job(
        JOB_KIND, program, number, actor=actor, title=title, back="rounds:manage", params=params
    )


def run_publish(*, job: Job, progress: jobs.Progress) -> Mapping[str, Any]:
    """The worker's half (registered as the "rounds.publish" runner)."""
    program = jobs.program_of(job)
    params = job.params
    progress("Drawing the groups and saving the round")
    round_, created = services.publish_round(
        program=program,
        actor=job.created_by,
        number=int(params["number"]),
        seed=int(params["seed"]),
        allow_overlap=bool(params.get("allow_overlap")),
        notify=False,
    )
    total = emails.published_email_count(round_)
    stage = "Writing every member's email"
    progress(stage, 0, total)
    parts = emails.published_parts(round_)
    if len(parts) == 1:
        emails.round_published(round_, on_batch=lambda n: progress(stage, min(n, total), total))
    else:
        params = [{"round_id": round_.pk, **part} for part in parts]
        jobs.run_parts(
            job, kind=EMAILS_KIND, parts=params, progress=progress, stage=stage, total=total
        )
    message = (
        _("Round %(number)s is published; members are told.")
        if created
        else _("Round %(number)s was already published.")
    ) % {"number": round_.number}
    return {
        "url": reverse(
            "rounds:round-detail", kwargs={"slug": program.slug, "number": round_.number}
        ),
        "message": message,
        "round_id": round_.pk,
        "emails": total,
    }


def run_publish_emails(*, job: Job, progress: jobs.Progress) -> Mapping[str, Any]:
    """A part of a round's emails (`emails.published_parts`), on any worker."""
    round_ = Round.objects.select_related("program").get(pk=int(job.params["round_id"]))
    total = int(job.params["emails"])
    stage = f"Writing the emails of groups {job.params['groups'][0]}–{job.params['groups'][1]}"
    progress(stage, 0, total)
    emails.round_published(
        round_,
        groups=job.params["groups"],
        unmatched=bool(job.params["unmatched"]),
        on_batch=lambda n: progress(stage, min(n, total), total),
    )
    return {"emails": total}
