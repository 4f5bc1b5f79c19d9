"""Saving an automatic assignment in the background (core/jobs.py): the organiser confirms the
previewed plan, the page starts a job and returns at once; a worker saves the pairs.

    start_batch(...)  the page: one job per (programme, plan); while a batch of the programme
                      is queued or running, a second confirmation gets that job
    run_batch(...)    the worker: `services.apply_batch` slice by slice with progress (each pair
                      checked again under lock, audited, its emails queued once). Run again
                      after a crash, the pairs already in place count as done, not as refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from peerly.accounts.models import User
from peerly.core import jobs
from peerly.core.errors import ServiceError
from peerly.core.models import Job
from peerly.core.models import JobStatus
from peerly.mentorship import services
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MentorshipStatus
from peerly.programs.models import Program

JOB_KIND = "mentorship.assign_batch"
SLICE = 50  # pairs saved between two progress updates

Pair = tuple[int, int]  # (mentorship id, mentor profile id)


def start_batch(*, program: Program, actor: User, pairs: Sequence[Pair]) -> tuple[Job, bool]:
    """Start saving the previewed `pairs` in the background. Returns (job, started): the same
    job for a second click, and the batch already under way while one is."""
    if not pairs:
        raise ServiceError(_("There is no assignment to save: preview the plan again."))
    under_way = (
        Job.objects.filter(
            kind=JOB_KIND,
            program_id=program.pk,
            status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
        )
        .order_by("pk")
        .first()
    )
    if under_way is not None:
        return under_way, False
    digest = hashlib.sha256(json.dumps(sorted(pairs)).encode()).hexdigest()[:16]  # the plan
    title = _("Assigning mentors in %(name)s") % {"name": program.name}
    params = {"pairs": [list(pair) for pair in pairs]}
    return jobs.start_program_job(
        JOB_KIND,
        program,
        digest,
        actor=actor,
        title=title,
        back="mentorship:manage-auto-assign",
        params=params,
    )


def run_batch(*, job: Job, progress: jobs.Progress) -> Mapping[str, Any]:
    """The worker's half (registered as the "mentorship.assign_batch" runner)."""
    program = jobs.program_of(job)
    if job.created_by is None:  # never run as the command line (no organiser check)
        raise ServiceError(_("Only this programme's organisers can do that."))
    pairs = [(int(ms_id), int(mentor_id)) for ms_id, mentor_id in job.params["pairs"]]
    stage = _("Assigning mentors")
    assigned = 0
    failed: list[tuple[int, str]] = []
    progress(stage, 0, len(pairs))
    for start in range(0, len(pairs), SLICE):
        part = pairs[start : start + SLICE]
        in_place = set(
            Mentorship.objects.filter(
                program=program, status=MentorshipStatus.ASSIGNED, pk__in=[p[0] for p in part]
            ).values_list("pk", "mentor_id")
        )
        done, problems = services.apply_batch(
            actor=job.created_by, program=program, pairs=[p for p in part if p not in in_place]
        )
        assigned += len(done) + sum(1 for p in part if p in in_place)
        failed += problems
        progress(stage, start + len(part), len(pairs))
    lines = [
        ngettext("%(len)s applicant assigned.", "%(len)s applicants assigned.", assigned)
        % {"len": assigned},
        *(
            _("Application #%(failed_id)s: %(problem)s")
            % {"failed_id": failed_id, "problem": problem}
            for failed_id, problem in failed
        ),
    ]
    return {
        "url": reverse("mentorship:manage-assign", kwargs={"slug": program.slug}),
        "message": " ".join(lines),
        "assigned": assigned,
        "failed": len(failed),
    }
